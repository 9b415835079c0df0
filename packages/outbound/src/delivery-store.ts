import type { Pool, PoolClient } from "@homeward/db";
import { type Endpoint, findEndpoint } from "./endpoint-store.ts";
import type { OutboundChannel } from "./outbound-job.ts";
import { findSubscription, type StoredSubscription, skipNotificationsOfMatch } from "./subscription-store.ts";

/**
 * The outbound_deliveries and outbound_delivery_attempts tables' only SQL: planning (one row per
 * match, endpoint and purpose, or per match and FHIR Subscription, whatever the redeliveries), the
 * outbox, the worker's lease and the record of every try, as email's deliveries keep them.
 */

type Db = Pool | PoolClient;

export type OutboundPurpose = "notification" | "retraction";

export interface NewOutboundDelivery {
  id: string;
  endpointId: string;
  organizationId: string;
  purpose: OutboundPurpose;
  matchId: string;
  eventId: string;
  payload: unknown;
  status: "queued" | "skipped";
  lastError?: string;
}

/** Writes the deliveries; the ones already there are left alone. Returns the ids it wrote. */
export async function insertOutboundDeliveries(
  db: Db,
  rows: readonly NewOutboundDelivery[],
): Promise<string[]> {
  if (rows.length === 0) return [];
  const { rows: written } = await db.query<{ id: string }>(
    `INSERT INTO outbound_deliveries (id, endpoint_id, organization_id, purpose, match_id, event_id, payload, status, last_error)
     SELECT * FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::jsonb[], $8::text[], $9::text[])
     ON CONFLICT DO NOTHING RETURNING id`,
    [
      rows.map((r) => r.id),
      rows.map((r) => r.endpointId),
      rows.map((r) => r.organizationId),
      rows.map((r) => r.purpose),
      rows.map((r) => r.matchId),
      rows.map((r) => r.eventId),
      rows.map((r) => JSON.stringify(r.payload)),
      rows.map((r) => r.status),
      rows.map((r) => r.lastError ?? null),
    ],
  );
  return written.map((r) => r.id);
}

export interface PlannedNotification {
  id: string;
  endpointId: string;
  status: string;
  payload: unknown;
}

/**
 * A FHIR Subscription's event notification as a delivery: written in the transaction that numbered
 * it (subscription-store.ts numberNotification), so the outbox finds every numbered notification.
 * Returns whether it was written (false: a redelivered record found it there).
 */
export async function insertSubscriptionDelivery(
  tx: PoolClient,
  d: {
    id: string;
    subscriptionId: string;
    eventNumber: number;
    organizationId: string;
    matchId: string;
    eventId: string;
  },
): Promise<boolean> {
  const res = await tx.query(
    `INSERT INTO outbound_deliveries (id, subscription_id, event_number, organization_id, purpose, match_id, event_id, status)
     VALUES ($1, $2, $3, $4, 'notification', $5, $6, 'queued') ON CONFLICT DO NOTHING`,
    [d.id, d.subscriptionId, d.eventNumber, d.organizationId, d.matchId, d.eventId],
  );
  return (res.rowCount ?? 0) === 1;
}

/**
 * A retraction's first step: the match's notifications not yet on the wire (queued or failed, no
 * live lease) are skipped, atomically against a worker's lease; returns the ones that were sent or
 * are being sent right now (leased), which need the cancel. A dead one never reached its receiver.
 * Subscription notifications are skipped the same way (their numbered row too) but get no cancel:
 * the backport topics have no retraction event, so none is returned.
 */
export async function retractNotifications(db: PoolClient, matchId: string): Promise<PlannedNotification[]> {
  await db.query(
    `UPDATE outbound_deliveries SET retracted_at = coalesce(retracted_at, now()), updated_at = now(),
            status = CASE WHEN status IN ('queued', 'failed') AND (lease_until IS NULL OR lease_until < now())
                          THEN 'skipped' ELSE status END,
            last_error = CASE WHEN status IN ('queued', 'failed') AND (lease_until IS NULL OR lease_until < now())
                              THEN 'retracted' ELSE last_error END
      WHERE match_id = $1 AND purpose = 'notification'`,
    [matchId],
  );
  await skipNotificationsOfMatch(db, matchId);
  const { rows } = await db.query<{ id: string; endpoint_id: string; status: string; payload: unknown }>(
    `SELECT id, endpoint_id::text, status, payload FROM outbound_deliveries
      WHERE match_id = $1 AND purpose = 'notification' AND status IN ('sent', 'queued', 'failed')
        AND endpoint_id IS NOT NULL
      ORDER BY id`,
    [matchId],
  );
  return rows.map((r) => ({ id: r.id, endpointId: r.endpoint_id, status: r.status, payload: r.payload }));
}

export interface OutboundJobRow {
  id: string;
  kind: OutboundChannel;
  purpose: OutboundPurpose;
}

/** The channel of a delivery row: its endpoint's kind, or a FHIR Subscription's. */
const CHANNEL = "coalesce(e.kind, 'fhir_subscription') AS kind";

/** Queued rows not yet on SQS: these ids, or (ids null) those older than `graceSeconds` (the outbox pass). */
export async function pendingOutbound(
  db: Db,
  query: { ids: readonly string[] } | { graceSeconds: number; limit: number },
): Promise<OutboundJobRow[]> {
  const { rows } =
    "ids" in query
      ? await db.query<OutboundJobRow>(
          `SELECT d.id, ${CHANNEL}, d.purpose FROM outbound_deliveries d LEFT JOIN outbound_endpoints e ON e.id = d.endpoint_id
            WHERE d.id = ANY($1) AND d.status = 'queued' AND d.enqueued_at IS NULL`,
          [query.ids],
        )
      : await db.query<OutboundJobRow>(
          `SELECT d.id, ${CHANNEL}, d.purpose FROM outbound_deliveries d LEFT JOIN outbound_endpoints e ON e.id = d.endpoint_id
            WHERE d.status = 'queued' AND d.enqueued_at IS NULL AND d.created_at < now() - $1 * interval '1 second'
            ORDER BY d.created_at LIMIT $2`,
          [query.graceSeconds, query.limit],
        );
  return rows;
}

export async function markOutboundEnqueued(db: Db, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  await db.query("UPDATE outbound_deliveries SET enqueued_at = now() WHERE id = ANY($1)", [ids]);
}

/** A delivery to send with what it goes to: an endpoint, or a FHIR Subscription's rest-hook. */
export type OutboundSendRow = {
  id: string;
  status: string;
  purpose: OutboundPurpose;
  payload: unknown;
  retractedAt: Date | null;
} & (
  | { target: "endpoint"; endpoint: Endpoint }
  | { target: "subscription"; subscription: StoredSubscription; eventNumber: number }
);

/** The delivery with its endpoint or subscription, for one send; undefined when unknown. */
export async function loadOutboundForSend(db: Db, id: string): Promise<OutboundSendRow | undefined> {
  const { rows } = await db.query<{
    id: string;
    status: string;
    purpose: OutboundPurpose;
    payload: unknown;
    retracted_at: Date | null;
    endpoint_id: string | null;
    subscription_id: string | null;
    event_number: number | null;
  }>(
    `SELECT id, status, purpose, payload, retracted_at, endpoint_id::text, subscription_id, event_number::int
       FROM outbound_deliveries WHERE id = $1`,
    [id],
  );
  const r = rows[0];
  if (r === undefined) return undefined;
  const row = {
    id: r.id,
    status: r.status,
    purpose: r.purpose,
    payload: r.payload,
    retractedAt: r.retracted_at,
  };
  if (r.subscription_id !== null && r.event_number !== null) {
    const subscription = await findSubscription(db, r.subscription_id);
    return subscription === undefined
      ? undefined
      : { ...row, target: "subscription", subscription, eventNumber: r.event_number };
  }
  const endpoint = r.endpoint_id === null ? undefined : await findEndpoint(db, r.endpoint_id);
  return endpoint === undefined ? undefined : { ...row, target: "endpoint", endpoint };
}

/** Takes the delivery for `leaseMs` if it is still to be sent and nobody holds it (one atomic UPDATE). */
export async function leaseOutbound(db: Db, id: string, leaseMs: number): Promise<boolean> {
  const res = await db.query(
    `UPDATE outbound_deliveries SET lease_until = now() + $2 * interval '1 millisecond'
      WHERE id = $1 AND status NOT IN ('sent', 'dead', 'skipped') AND (lease_until IS NULL OR lease_until < now())`,
    [id, leaseMs],
  );
  return (res.rowCount ?? 0) === 1;
}

export async function releaseOutbound(db: Db, id: string): Promise<void> {
  await db.query("UPDATE outbound_deliveries SET lease_until = NULL WHERE id = $1", [id]);
}

export interface OutboundAttempt {
  outcome: "sent" | "failed" | "dead" | "skipped";
  responseStatus?: string;
  code?: string;
  message?: string;
}

/** Records a try and moves the delivery to its new state, releasing the lease, in one statement. */
export async function recordOutboundAttempt(
  db: Db,
  id: string,
  receiveCount: number,
  a: OutboundAttempt,
): Promise<void> {
  await db.query(
    `WITH attempt AS (
       INSERT INTO outbound_delivery_attempts (delivery_id, receive_count, outcome, response_status, error_code, error_message)
       VALUES ($1, $2, $3, $4, $5, $6))
     UPDATE outbound_deliveries SET status = $3, attempts = attempts + $7, response_status = coalesce($4, response_status),
            last_error = $5, sent_at = CASE WHEN $3 = 'sent' THEN now() ELSE sent_at END, lease_until = NULL,
            updated_at = now()
      WHERE id = $1`,
    [
      id,
      receiveCount,
      a.outcome,
      a.responseStatus ?? null,
      a.code ?? null,
      a.message ?? null,
      a.outcome === "skipped" ? 0 : 1,
    ],
  );
}

export interface OutboundDeliverySummary {
  id: string;
  /** The endpoint, or null for a FHIR Subscription's notification (then subscriptionId is set). */
  endpointId: string | null;
  subscriptionId: string | null;
  endpointName: string;
  kind: OutboundChannel;
  purpose: OutboundPurpose;
  status: string;
  attempts: number;
  responseStatus: string | null;
  lastError: string | null;
  sentAt: string | null;
}

/**
 * What a delivery went to, for the lists: the endpoint's name, or "FHIR Subscription 1a2b3c4d
 * (encounter-start)" (the start of the subscription's id and its topic) for a subscription.
 */
const TARGET = `FROM outbound_deliveries d
  LEFT JOIN outbound_endpoints e ON e.id = d.endpoint_id
  LEFT JOIN fhir_subscriptions s ON s.id = d.subscription_id`;
const TARGET_NAME = `coalesce(e.name, 'FHIR Subscription ' || left(s.id, 8) || ' (' || s.topic || ')') AS name`;

/** What was delivered where for one event (the event page's "sent to systems"), per organization. */
export async function outboundDeliveriesOfEvent(
  db: Db,
  eventId: string,
  organizationIds: readonly string[] | null,
): Promise<OutboundDeliverySummary[]> {
  const { rows } = await db.query<{
    id: string;
    endpoint_id: string | null;
    subscription_id: string | null;
    name: string;
    kind: OutboundChannel;
    purpose: OutboundPurpose;
    status: string;
    attempts: number;
    response_status: string | null;
    last_error: string | null;
    sent_at: Date | null;
  }>(
    `SELECT d.id, d.endpoint_id::text, d.subscription_id, ${TARGET_NAME}, ${CHANNEL}, d.purpose, d.status,
            d.attempts, d.response_status, d.last_error, d.sent_at
       ${TARGET}
      WHERE d.event_id = $1 AND ($2::bigint[] IS NULL OR d.organization_id = ANY($2::bigint[]))
      ORDER BY d.created_at, d.id`,
    [eventId, organizationIds],
  );
  return rows.map((r) => ({
    id: r.id,
    endpointId: r.endpoint_id,
    subscriptionId: r.subscription_id,
    endpointName: r.name,
    kind: r.kind,
    purpose: r.purpose,
    status: r.status,
    attempts: r.attempts,
    responseStatus: r.response_status,
    lastError: r.last_error,
    sentAt: r.sent_at?.toISOString() ?? null,
  }));
}

export interface MatchDelivery {
  endpointName: string;
  kind: OutboundChannel;
  purpose: OutboundPurpose;
  status: string;
  attempts: number;
  responseStatus: string | null;
  createdAt: string;
  sentAt: string | null;
}

/**
 * What went to one organization's systems for one matched record (its notification and any cancel,
 * its FHIR Subscriptions' notifications): the event page's "sent to your systems". No payload, no
 * error text: names, states and codes.
 */
export async function outboundDeliveriesOfMatch(
  db: Db,
  matchId: string,
  organizationId: string,
): Promise<MatchDelivery[]> {
  const { rows } = await db.query<{
    name: string;
    kind: OutboundChannel;
    purpose: OutboundPurpose;
    status: string;
    attempts: number;
    response_status: string | null;
    created_at: Date;
    sent_at: Date | null;
  }>(
    `SELECT ${TARGET_NAME}, ${CHANNEL}, d.purpose, d.status, d.attempts, d.response_status, d.created_at, d.sent_at
       ${TARGET}
      WHERE d.match_id = $1 AND d.organization_id = $2
      ORDER BY d.created_at, name`,
    [matchId, organizationId],
  );
  return rows.map((r) => ({
    endpointName: r.name,
    kind: r.kind,
    purpose: r.purpose,
    status: r.status,
    attempts: r.attempts,
    responseStatus: r.response_status,
    createdAt: r.created_at.toISOString(),
    sentAt: r.sent_at?.toISOString() ?? null,
  }));
}
