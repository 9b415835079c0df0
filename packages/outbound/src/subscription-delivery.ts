import { randomUUID } from "node:crypto";
import type { MatchedEvent } from "@homeward/contracts";
import { inTransaction, type Pool } from "@homeward/db";
import type { Bundle, Resource } from "@medplum/fhirtypes";
import { buildNotificationBundle as buildDaVinciBundle } from "./davinci-bundle.ts";
import { notificationEventOf } from "./fhir-codes.ts";
import { buildNotificationBundle, type StatusType, topicOfEvent } from "./subscription-bundle.ts";
import {
  dueHeartbeats,
  findSubscription,
  liveSubscriptions,
  markNotification,
  numberNotification,
  type StoredSubscription,
  setSubscriptionStatus,
  storedNotifications,
  subscriptionHeader,
  subscriptionRef,
  subscriptionsWithPending,
} from "./subscription-store.ts";

/**
 * Sending to FHIR Subscriptions' rest-hook endpoints: the handshake when one is created (the api),
 * event notifications after each matched record and heartbeats (the notifier). Shared here so the
 * two processes send the same bytes. A failed send is recorded, never thrown: the subscription goes
 * to `error` and the client catches up with $events; the next success sets it `active` again.
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

/** Heartbeats for every active subscription whose heartbeat period has passed without a send. */
export async function sendHeartbeats(o: RestHookOptions): Promise<number> {
  const due = await dueHeartbeats(o.pool, o.now());
  for (const s of due) await send(o, s, "heartbeat", []);
  return due.length;
}

/**
 * The retry pass: subscriptions whose endpoint missed notifications get them again, in order, once
 * `retryAfterSeconds` passed since their last send (so a send in flight is not doubled). Without it
 * a recovered endpoint would wait for the organization's next event.
 */
export async function resendPending(o: RestHookOptions, retryAfterSeconds: number): Promise<number> {
  const before = new Date(o.now().getTime() - retryAfterSeconds * 1000);
  let delivered = 0;
  for (const s of await subscriptionsWithPending(o.pool, before))
    if (await sendPending(o, s.id)) delivered += 1;
  return delivered;
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

/**
 * One matched record for the organization's subscriptions to its topic: numbered per subscription
 * (once, in order), stored, then sent with every earlier one not yet delivered, in event order.
 * Announcements only: a retraction is not an encounter start or end.
 */
export async function notifySubscriptions(o: RestHookOptions, matched: MatchedEvent): Promise<number> {
  if (matched.kind !== "announcement") return 0;
  const topic = topicOfEvent(matched.event.kind);
  if (topic === undefined) return 0;
  const subs = await liveSubscriptions(o.pool, matched.practice.organizationId, topic);
  if (subs.length === 0) return 0;
  const resources = encounterResources(matched, o.now());
  let sent = 0;
  for (const s of subs) {
    await inTransaction(o.pool, (tx) =>
      numberNotification(tx, s.id, {
        matchId: matched.matchId,
        eventId: matched.event.eventId,
        occurredAt: matched.event.occurredAt,
        resources,
      }),
    );
    if (await sendPending(o, s.id)) sent += 1;
  }
  return sent;
}

/** Sends a subscription's unsent notifications one by one, in order; stops at the first failure. */
async function sendPending(o: RestHookOptions, subscriptionId: string): Promise<boolean> {
  const pending = await storedNotifications(o.pool, subscriptionId, { status: "queued" });
  for (const n of pending) {
    const current = await findSubscription(o.pool, subscriptionId);
    if (current === undefined) return false;
    const result = await send(o, current, "event-notification", [n]);
    await markNotification(o.pool, subscriptionId, n.eventNumber, {
      sent: result.ok,
      responseStatus: result.status,
    });
    if (!result.ok) return false;
  }
  return true;
}
