import type { AdtEventKind } from "@homeward/contracts";
import type { Bundle, BundleEntry, Parameters, ParametersParameter, Resource } from "@medplum/fhirtypes";
import { urnUuid } from "./fhir-ids.ts";

/**
 * FHIR R4 topic-based Subscriptions (Subscriptions R5 Backport IG 1.1.0): Homeward's two
 * SubscriptionTopics and the Bundles it sends a subscriber (handshake, heartbeat,
 * event-notification) or answers with ($status, $events). Pure: ids, times and event numbers are given.
 */

const BACKPORT = "http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition";

export const BACKPORT_URLS = {
  subscription: `${BACKPORT}/backport-subscription`,
  status: `${BACKPORT}/backport-subscription-status-r4`,
  notification: `${BACKPORT}/backport-subscription-notification-r4`,
  payloadContent: `${BACKPORT}/backport-payload-content`,
  heartbeatPeriod: `${BACKPORT}/backport-heartbeat-period`,
  timeout: `${BACKPORT}/backport-timeout`,
} as const;

/** The canonical base of Homeward's topics: stable across deployments, as a canonical must be. */
export const TOPIC_BASE = "http://homeward.example/fhir/SubscriptionTopic";

export type SubscriptionTopicName = "encounter-start" | "encounter-end";
export const SUBSCRIPTION_TOPICS: Record<
  SubscriptionTopicName,
  { url: string; title: string; kinds: string }
> = {
  "encounter-start": {
    url: `${TOPIC_BASE}/encounter-start`,
    title: "Encounter start: an emergency department arrival or an inpatient admission",
    kinds: "ed-arrival, inpatient-admit, ed-to-inpatient, outpatient-to-inpatient",
  },
  "encounter-end": {
    url: `${TOPIC_BASE}/encounter-end`,
    title: "Encounter end: a discharge from the emergency department or the hospital",
    kinds: "ed-discharge, discharge",
  },
};

/** The topic name of a canonical URL (an optional `|version` is allowed), or undefined. */
export function topicOfCanonical(criteria: string): SubscriptionTopicName | undefined {
  const url = criteria.split("|")[0];
  for (const [name, t] of Object.entries(SUBSCRIPTION_TOPICS))
    if (t.url === url) return name as SubscriptionTopicName;
  return undefined;
}

/** Which topic an ADT event belongs to: the same split as the Da Vinci admit / discharge events. */
export function topicOfEvent(kind: AdtEventKind): SubscriptionTopicName | undefined {
  switch (kind) {
    case "ed-arrival":
    case "inpatient-admit":
    case "ed-to-inpatient":
    case "outpatient-to-inpatient":
      return "encounter-start";
    case "ed-discharge":
    case "discharge":
      return "encounter-end";
    default:
      return undefined;
  }
}

export type SubscriptionStatusCode = "requested" | "active" | "error" | "off";
export type PayloadContent = "empty" | "id-only" | "full-resource";
export type StatusType = "handshake" | "heartbeat" | "event-notification" | "query-status" | "query-event";

export interface SubscriptionRef {
  id: string;
  topic: SubscriptionTopicName;
  status: SubscriptionStatusCode;
  content: PayloadContent;
  eventsSinceStart: number;
  /** Homeward's FHIR base for subscriptions (ends before `/Subscription`). */
  base: string;
}

/** One stored notification: its number, time, the focus and the resources a full payload carries. */
export interface StoredNotification {
  eventNumber: number;
  occurredAt: string;
  /** The Encounter and the Patient, as built for the event (ids are the uuids of their fullUrls). */
  resources: Resource[];
}

const subscriptionUrl = (s: SubscriptionRef) => `${s.base}/Subscription/${s.id}`;
/** full-resource: the entry's fullUrl (resolved inside the Bundle); id-only: the resource's type and id. */
const focusRef = (r: Resource, content: PayloadContent = "full-resource") =>
  content === "full-resource" ? `urn:uuid:${r.id}` : `${r.resourceType}/${r.id}`;

function notificationEvent(s: SubscriptionRef, n: StoredNotification): ParametersParameter {
  const [focus, ...context] = n.resources;
  const part: ParametersParameter[] = [
    { name: "event-number", valueString: String(n.eventNumber) },
    { name: "timestamp", valueInstant: new Date(n.occurredAt).toISOString() },
  ];
  if (s.content !== "empty" && focus !== undefined) {
    part.push({ name: "focus", valueReference: { reference: focusRef(focus, s.content) } });
    for (const r of context)
      part.push({ name: "additional-context", valueReference: { reference: focusRef(r, s.content) } });
  }
  return { name: "notification-event", part };
}

/** The SubscriptionStatus (R4: a Parameters resource with the backport's status profile). */
export function buildSubscriptionStatus(
  s: SubscriptionRef,
  type: StatusType,
  events: readonly StoredNotification[],
  statusId: string,
  error?: string,
): Parameters {
  const parameter: ParametersParameter[] = [
    { name: "subscription", valueReference: { reference: subscriptionUrl(s) } },
    { name: "topic", valueCanonical: SUBSCRIPTION_TOPICS[s.topic].url },
    { name: "status", valueCode: s.status },
    { name: "type", valueCode: type },
    { name: "events-since-subscription-start", valueString: String(s.eventsSinceStart) },
    ...events.map((n) => notificationEvent(s, n)),
  ];
  if (error !== undefined) parameter.push({ name: "error", valueCodeableConcept: { text: error } });
  return { resourceType: "Parameters", id: statusId, meta: { profile: [BACKPORT_URLS.status] }, parameter };
}

/**
 * A notification Bundle (R4: type `history`, the SubscriptionStatus first): handshake, heartbeat,
 * event-notification or the $events answer (query-event). With `full-resource`, each event's
 * Encounter and Patient follow as entries; `id-only` carries only the references in the status.
 */
export function buildNotificationBundle(
  s: SubscriptionRef,
  type: Exclude<StatusType, "query-status">,
  events: readonly StoredNotification[],
  options: { bundleId: string; timestamp: Date },
): Bundle {
  const statusUrl = urnUuid(options.bundleId, "status");
  const status = buildSubscriptionStatus(s, type, events, statusUrl.slice("urn:uuid:".length));
  const entry: BundleEntry[] = [
    {
      fullUrl: statusUrl,
      resource: status,
      request: { method: "GET", url: `${subscriptionUrl(s)}/$status` },
      response: { status: "200" },
    },
  ];
  if (s.content === "full-resource")
    for (const n of events)
      for (const r of n.resources)
        entry.push({
          fullUrl: focusRef(r),
          resource: r,
          request: { method: "PUT", url: `${r.resourceType}/${r.id}` },
          response: { status: "200" },
        });
  return {
    resourceType: "Bundle",
    id: options.bundleId,
    meta: { profile: [BACKPORT_URLS.notification] },
    type: "history",
    timestamp: options.timestamp.toISOString(),
    entry,
  };
}

/** The $status answer: a searchset Bundle with the subscription's current SubscriptionStatus. */
export function buildStatusSearchset(
  s: SubscriptionRef,
  options: { bundleId: string; timestamp: Date },
): Bundle {
  const statusUrl = urnUuid(options.bundleId, "status");
  return {
    resourceType: "Bundle",
    id: options.bundleId,
    type: "searchset",
    timestamp: options.timestamp.toISOString(),
    total: 1,
    entry: [
      {
        fullUrl: statusUrl,
        resource: buildSubscriptionStatus(s, "query-status", [], statusUrl.slice("urn:uuid:".length)),
        search: { mode: "match" },
      },
    ],
  };
}
