import { createHash } from "node:crypto";
import type { MatchedEvent } from "@homeward/contracts";
import type { Bundle } from "@medplum/fhirtypes";
import { buildNotificationBundle, buildRetractionBundle } from "./davinci-bundle.ts";
import type { NewOutboundDelivery, OutboundPurpose, PlannedNotification } from "./delivery-store.ts";
import { endpointWants } from "./endpoint.ts";
import type { Endpoint } from "./endpoint-store.ts";
import { notificationEventOf } from "./fhir-codes.ts";
import { buildForwardedAdt } from "./hl7-forward.ts";
import { buildRetractionWebhookEvent, buildWebhookEvent, type WebhookEvent } from "./webhook-event.ts";

/**
 * One id per (match, endpoint, purpose): the unique key that makes a redelivered Kafka record find
 * the rows it planned, and the idempotency key receivers see (Bundle identifier, webhook-id).
 */
export function outboundDeliveryId(matchId: string, endpointId: string, purpose: OutboundPurpose): string {
  const digest = createHash("sha256")
    .update([matchId, endpointId, purpose].join("\u001f"))
    .digest("base64url");
  return `obd_${digest.slice(0, 26)}`;
}

export interface PlanContext {
  now: Date;
  /** Homeward as the message source (its public base URL). */
  source: { name: string; endpoint: string };
  /** Set for a backfill: the deliveries are recorded as skipped with this reason, not sent. */
  skipReason?: string;
}

/** The deliveries of one announcement: one per enabled endpoint of its organization that wants it. */
export function planNotifications(
  matched: MatchedEvent,
  endpoints: readonly Endpoint[],
  ctx: PlanContext,
): NewOutboundDelivery[] {
  const out: NewOutboundDelivery[] = [];
  for (const endpoint of endpoints) {
    if (endpoint.organizationId !== matched.practice.organizationId) continue;
    if (!endpointWants(endpoint, matched)) continue;
    const id = outboundDeliveryId(matched.matchId, endpoint.id, "notification");
    const payload = payloadFor(matched, endpoint, id, ctx);
    if (payload === undefined) continue;
    out.push({
      id,
      endpointId: endpoint.id,
      organizationId: endpoint.organizationId,
      purpose: "notification",
      matchId: matched.matchId,
      eventId: matched.event.eventId,
      payload,
      ...(ctx.skipReason === undefined
        ? { status: "queued" as const }
        : { status: "skipped" as const, lastError: ctx.skipReason }),
    });
  }
  return out;
}

function payloadFor(
  matched: MatchedEvent,
  endpoint: Endpoint,
  id: string,
  ctx: PlanContext,
): Bundle | WebhookEvent | { hl7: string } | undefined {
  switch (endpoint.kind) {
    case "davinci_fhir": {
      const event = notificationEventOf(matched.event.kind);
      if (event === undefined || endpoint.url === null) return undefined;
      return buildNotificationBundle(matched, {
        messageId: id,
        timestamp: ctx.now,
        event,
        source: ctx.source,
        destination: { endpoint: endpoint.url },
      });
    }
    case "webhook":
      return buildWebhookEvent(matched, ctx.now);
    case "hl7v2_mllp":
      return { hl7: forward(matched, id, ctx.now) };
  }
}

/** The HL7 v2 text of a forwarded message, its control id the delivery id. */
const forward = (matched: MatchedEvent, id: string, now: Date) =>
  buildForwardedAdt(matched, {
    controlId: id,
    now,
    receiving: { application: "", facility: matched.practice.code },
  });

/**
 * The cancels of a retraction: one per notification that was sent (or is on the wire), to the same
 * endpoint, built from what was sent: the Da Vinci message corrected as the cancel says (A11
 * entered-in-error, A13 back in progress, A12 back at the prior location), the hospital's own
 * A11/A12/A13 forwarded, or an `event.retracted` webhook naming the webhook (and the kind) it takes back.
 */
export function planRetractions(
  retraction: MatchedEvent,
  sent: readonly PlannedNotification[],
  endpoints: ReadonlyMap<string, Endpoint>,
  now: Date,
): NewOutboundDelivery[] {
  const retracted = retraction.retracts;
  if (retracted === undefined) return [];
  const out: NewOutboundDelivery[] = [];
  for (const original of sent) {
    const endpoint = endpoints.get(original.endpointId);
    if (endpoint === undefined) continue;
    const id = outboundDeliveryId(retracted.matchId, endpoint.id, "retraction");
    const payload =
      endpoint.kind === "davinci_fhir"
        ? buildRetractionBundle(original.payload as Bundle, {
            messageId: id,
            timestamp: now,
            originalMessageId: original.id,
            cancel: { kind: retraction.event.kind, trigger: retraction.event.trigger },
          })
        : endpoint.kind === "hl7v2_mllp"
          ? // The hospital's own cancel (A11, A12, A13), forwarded as it came.
            { hl7: forward(retraction, id, now) }
          : buildRetractionWebhookEvent(
              retraction,
              {
                webhookId: original.id,
                eventId: retracted.eventId,
                matchId: retracted.matchId,
                ...retractedKindOf(original.payload),
              },
              now,
            );
    out.push({
      id,
      endpointId: endpoint.id,
      organizationId: endpoint.organizationId,
      purpose: "retraction",
      matchId: retracted.matchId,
      eventId: retraction.event.eventId,
      payload,
      status: "queued",
    });
  }
  return out;
}

/** The type and kind of the webhook a retraction takes back, read from what was sent. */
function retractedKindOf(payload: unknown): { type?: string; kind?: string } {
  const sent = payload as Partial<WebhookEvent> | null;
  const kind = sent?.data?.kind;
  return {
    ...(typeof sent?.type === "string" ? { type: sent.type } : {}),
    ...(typeof kind === "string" ? { kind } : {}),
  };
}
