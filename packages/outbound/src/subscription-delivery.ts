import { randomUUID } from "node:crypto";
import type { MatchedEvent } from "@homeward/contracts";
import { inTransaction, type Pool } from "@homeward/db";
import type { Bundle, Resource } from "@medplum/fhirtypes";
import { buildNotificationBundle as buildDaVinciBundle } from "./davinci-bundle.ts";
import { insertSubscriptionDelivery } from "./delivery-store.ts";
import { notificationEventOf } from "./fhir-codes.ts";
import { outboundDeliveryId } from "./plan.ts";
import { buildNotificationBundle, type StatusType, topicOfEvent } from "./subscription-bundle.ts";
import {
  dueHeartbeats,
  endExpiredSubscriptions,
  liveSubscriptions,
  markNotification,
  numberNotification,
  type StoredSubscription,
  setSubscriptionStatus,
  storedNotifications,
  subscriptionHeader,
  subscriptionRef,
} from "./subscription-store.ts";

/**
 * Sending to FHIR Subscriptions' rest-hook endpoints: the handshake when one is created (the api),
 * event notifications and heartbeats (the notifier). Shared here so the two processes send the same
 * bytes. A failed send is recorded, never thrown: the subscription goes to `error` (the client
 * catches up with $events) and the next success sets it `active` again.
 *
 * Event notifications are outbound deliveries like the other channels': numbered and written as a
 * delivery row in one transaction ({@link planSubscriptionNotifications}), put on the
 * homeward-outbound queue, sent by the outbound worker ({@link sendEventNotification}) with its
 * retries, backoff and dead-letter queue. Several workers may send one subscription's
 * notifications at once, so they can arrive out of order: the backport IG allows it (a client
 * orders them by event number, and a gap it sees it fills with $events).
 */

export interface RestHookOptions {
  pool: Pool;
  /** OUTBOUND_SECRET_KEY, to open the channel header; undefined: no header is sent. */
  secretKey: Buffer | undefined;
  /** Homeward's FHIR base for subscriptions (its public URL + /api/fhir). */
  base: string;
  timeoutMs: number;
  now: () => Date;
}

/** POSTs one Bundle; the outcome as a value ("200", "network", "timeout"). */
export async function postRestHook(
  url: string,
  header: string | null,
  bundle: Bundle,
  timeoutMs: number,
): Promise<{ ok: boolean; status: string }> {
  const headers: Record<string, string> = { "content-type": "application/fhir+json" };
  if (header !== null) {
    const colon = header.indexOf(":");
    if (colon > 0) headers[header.slice(0, colon).trim()] = header.slice(colon + 1).trim();
  }
  try {
    const res = await fetch(url, {
      method: "POST",
      headers,
      body: JSON.stringify(bundle),
      signal: AbortSignal.timeout(timeoutMs),
    });
    await res.arrayBuffer();
    return { ok: res.ok, status: String(res.status) };
  } catch (err) {
    return { ok: false, status: err instanceof Error && err.name === "TimeoutError" ? "timeout" : "network" };
  }
}

async function send(
  o: RestHookOptions,
  s: StoredSubscription,
  type: Exclude<StatusType, "query-status">,
  events: Parameters<typeof buildNotificationBundle>[2],
): Promise<{ ok: boolean; status: string }> {
  // The handshake goes out while the subscription is requested; afterwards a send is made as active
  // (a successful one turns an errored subscription active again).
  const ref = {
    ...subscriptionRef(s, o.base),
    status: type === "handshake" ? s.status : ("active" as const),
  };
  const bundle = buildNotificationBundle(ref, type, events, { bundleId: randomUUID(), timestamp: o.now() });
  const header = await subscriptionHeader(o.pool, o.secretKey, s.id);
  const result = await postRestHook(s.endpoint, header, bundle, o.timeoutMs);
  await setSubscriptionStatus(o.pool, s.id, result.ok ? "active" : "error", result.ok ? null : result.status);
  return result;
}

/** The handshake of a new subscription: requested becomes active on a 2xx, error otherwise. */
export const sendHandshake = (o: RestHookOptions, s: StoredSubscription) => send(o, s, "handshake", []);

/**
 * Heartbeats for every active subscription whose heartbeat period has passed without a send; the
 * subscriptions whose `end` has passed are turned off first, so they get none.
 */
export async function sendHeartbeats(o: RestHookOptions): Promise<number> {
  await endExpiredSubscriptions(o.pool, o.now());
  const due = await dueHeartbeats(o.pool, o.now());
  for (const s of due) await send(o, s, "heartbeat", []);
  return due.length;
}

/** The Encounter first (the focus), then the Patient and what the Encounter refers to. */
export function encounterResources(matched: MatchedEvent, now: Date): Resource[] {
  const event = notificationEventOf(matched.event.kind) ?? "notification-admit";
  const bundle = buildDaVinciBundle(matched, {
    messageId: `sub_${matched.matchId}`,
    timestamp: now,
    event,
    source: { name: "Homeward", endpoint: "urn:homeward" },
    destination: { endpoint: "urn:homeward:subscriptions" },
  });
  const resources = (bundle.entry ?? []).flatMap((e) => (e.resource === undefined ? [] : [e.resource]));
  const rank = (r: Resource) => (r.resourceType === "Encounter" ? 0 : r.resourceType === "Patient" ? 1 : 2);
  return resources.filter((r) => r.resourceType !== "MessageHeader").sort((a, b) => rank(a) - rank(b));
}

/** The delivery id of a subscription's notification of a match: the queue's idempotency key. */
export const subscriptionDeliveryId = (matchId: string, subscriptionId: string) =>
  outboundDeliveryId(matchId, `sub:${subscriptionId}`, "notification");

/**
 * One matched record for the organization's live subscriptions to its topic: per subscription, in
 * one transaction, the next event number (once per (match, subscription), in order under the
 * subscription row's lock) and the outbound delivery that will send it. Returns the delivery ids
 * written (none for a redelivered record); the caller enqueues them, and the outbox pass enqueues
 * what a crash left. Announcements only: a retraction is not an encounter start or end.
 */
export async function planSubscriptionNotifications(
  pool: Pool,
  matched: MatchedEvent,
  now: Date,
): Promise<string[]> {
  if (matched.kind !== "announcement") return [];
  const topic = topicOfEvent(matched.event.kind);
  if (topic === undefined) return [];
  const subs = await liveSubscriptions(pool, matched.practice.organizationId, topic, now);
  if (subs.length === 0) return [];
  const resources = encounterResources(matched, now);
  const ids: string[] = [];
  for (const s of subs) {
    const id = subscriptionDeliveryId(matched.matchId, s.id);
    const written = await inTransaction(pool, async (tx) => {
      const { eventNumber } = await numberNotification(tx, s.id, {
        matchId: matched.matchId,
        eventId: matched.event.eventId,
        occurredAt: matched.event.occurredAt,
        resources,
      });
      return insertSubscriptionDelivery(tx, {
        id,
        subscriptionId: s.id,
        eventNumber,
        organizationId: s.organizationId,
        matchId: matched.matchId,
        eventId: matched.event.eventId,
      });
    });
    if (written) ids.push(id);
  }
  return ids;
}

/**
 * One try of one event notification (the outbound worker's send): the stored notification in an
 * `event-notification` Bundle with the subscription's status now. Records the outcome on the
 * subscription (active / error) and on the numbered notification (sent / failed); undefined when
 * the notification is not stored.
 */
export async function sendEventNotification(
  o: RestHookOptions,
  s: StoredSubscription,
  eventNumber: number,
): Promise<{ ok: boolean; status: string } | undefined> {
  const [n] = await storedNotifications(o.pool, s.id, { from: eventNumber, until: eventNumber });
  if (n === undefined) return undefined;
  const result = await send(o, s, "event-notification", [n]);
  await markNotification(o.pool, s.id, eventNumber, {
    status: result.ok ? "sent" : "failed",
    responseStatus: result.status,
  });
  return result;
}
