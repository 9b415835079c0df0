import type { Pool, PoolClient } from "@homeward/db";
import type { EndpointAuthKind, EndpointKind, EndpointTls, SmartBackendSettings } from "./endpoint.ts";
import { smartOf } from "./endpoint-store.ts";

/**
 * The outbound_deliveries and outbound_delivery_attempts tables' only SQL: planning (one row per
 * match, endpoint and purpose, whatever the redeliveries), the outbox, the worker's lease and the
 * record of every try, as email's deliveries keep them.
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
 * A retraction's first step: the match's notifications not yet on the wire (queued or failed, no
 * live lease) are skipped, atomically against a worker's lease; returns the ones that were sent or
 * are being sent right now (leased), which need the cancel. A dead one never reached its receiver.
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
  const { rows } = await db.query<{ id: string; endpoint_id: string; status: string; payload: unknown }>(
    `SELECT id, endpoint_id::text, status, payload FROM outbound_deliveries
      WHERE match_id = $1 AND purpose = 'notification' AND status IN ('sent', 'queued', 'failed')
      ORDER BY id`,
    [matchId],
  );
  return rows.map((r) => ({ id: r.id, endpointId: r.endpoint_id, status: r.status, payload: r.payload }));
}

export interface OutboundJobRow {
  id: string;
  kind: EndpointKind;
  purpose: OutboundPurpose;
}

/** Queued rows not yet on SQS: these ids, or (ids null) those older than `graceSeconds` (the outbox pass). */
export async function pendingOutbound(
  db: Db,
  query: { ids: readonly string[] } | { graceSeconds: number; limit: number },
): Promise<OutboundJobRow[]> {
  const { rows } =
    "ids" in query
      ? await db.query<OutboundJobRow>(
          `SELECT d.id, e.kind, d.purpose FROM outbound_deliveries d JOIN outbound_endpoints e ON e.id = d.endpoint_id
            WHERE d.id = ANY($1) AND d.status = 'queued' AND d.enqueued_at IS NULL`,
          [query.ids],
        )
      : await db.query<OutboundJobRow>(
          `SELECT d.id, e.kind, d.purpose FROM outbound_deliveries d JOIN outbound_endpoints e ON e.id = d.endpoint_id
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

export interface OutboundSendRow {
  id: string;
  status: string;
  purpose: OutboundPurpose;
  payload: unknown;
  retractedAt: Date | null;
  endpoint: {
    id: string;
    kind: EndpointKind;
    url: string | null;
    host: string | null;
    port: number | null;
    authKind: EndpointAuthKind;
    smart: SmartBackendSettings | null;
    tls: EndpointTls;
    hasTlsClientKey: boolean;
    enabled: boolean;
  };
}

/** The delivery with its endpoint, for one send; undefined when unknown. */
export async function loadOutboundForSend(db: Db, id: string): Promise<OutboundSendRow | undefined> {
  const { rows } = await db.query<{
    id: string;
    status: string;
    purpose: OutboundPurpose;
    payload: unknown;
    retracted_at: Date | null;
    endpoint_id: string;
    kind: EndpointKind;
    url: string | null;
    host: string | null;
    port: number | null;
    auth_kind: EndpointAuthKind;
    token_url: string | null;
    client_id: string | null;
    key_id: string | null;
    scope: string | null;
    mllp_tls: boolean;
    tls_ca: string | null;
    tls_client_cert: string | null;
    has_tls_client_key: boolean;
    enabled: boolean;
  }>(
    `SELECT d.id, d.status, d.purpose, d.payload, d.retracted_at, e.id::text AS endpoint_id, e.kind, e.url, e.host,
            e.port, e.auth_kind, e.token_url, e.client_id, e.key_id, e.scope, e.mllp_tls,
            e.tls_ca, e.tls_client_cert, e.tls_client_key_sealed IS NOT NULL AS has_tls_client_key, e.enabled
       FROM outbound_deliveries d JOIN outbound_endpoints e ON e.id = d.endpoint_id WHERE d.id = $1`,
    [id],
  );
  const r = rows[0];
  if (r === undefined) return undefined;
  return {
    id: r.id,
    status: r.status,
    purpose: r.purpose,
    payload: r.payload,
    retractedAt: r.retracted_at,
    endpoint: {
      id: r.endpoint_id,
      kind: r.kind,
      url: r.url,
      host: r.host,
      port: r.port,
      authKind: r.auth_kind,
      smart: smartOf(r),
      tls: { mllpTls: r.mllp_tls, caPem: r.tls_ca, clientCertPem: r.tls_client_cert },
      hasTlsClientKey: r.has_tls_client_key,
      enabled: r.enabled,
    },
  };
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
  endpointId: string;
  endpointName: string;
  kind: EndpointKind;
  purpose: OutboundPurpose;
  status: string;
  attempts: number;
  responseStatus: string | null;
  lastError: string | null;
  sentAt: string | null;
}

/** What was delivered where for one event (the event page's "sent to systems"), per organization. */
export async function outboundDeliveriesOfEvent(
  db: Db,
  eventId: string,
  organizationIds: readonly string[] | null,
): Promise<OutboundDeliverySummary[]> {
  const { rows } = await db.query<{
    id: string;
    endpoint_id: string;
    name: string;
    kind: EndpointKind;
    purpose: OutboundPurpose;
    status: string;
    attempts: number;
    response_status: string | null;
    last_error: string | null;
    sent_at: Date | null;
  }>(
    `SELECT d.id, d.endpoint_id::text, e.name, e.kind, d.purpose, d.status, d.attempts, d.response_status,
            d.last_error, d.sent_at
       FROM outbound_deliveries d JOIN outbound_endpoints e ON e.id = d.endpoint_id
      WHERE d.event_id = $1 AND ($2::bigint[] IS NULL OR d.organization_id = ANY($2::bigint[]))
      ORDER BY d.created_at, d.id`,
    [eventId, organizationIds],
  );
  return rows.map((r) => ({
    id: r.id,
    endpointId: r.endpoint_id,
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
  kind: EndpointKind;
  purpose: OutboundPurpose;
  status: string;
  attempts: number;
  responseStatus: string | null;
  createdAt: string;
  sentAt: string | null;
}

/**
 * What went to one organization's systems for one matched record (its notification and any cancel):
 * the event page's "sent to your systems". No payload, no error text: names, states and codes.
 */
export async function outboundDeliveriesOfMatch(
  db: Db,
  matchId: string,
  organizationId: string,
): Promise<MatchDelivery[]> {
  const { rows } = await db.query<{
    name: string;
    kind: EndpointKind;
    purpose: OutboundPurpose;
    status: string;
    attempts: number;
    response_status: string | null;
    created_at: Date;
    sent_at: Date | null;
  }>(
    `SELECT e.name, e.kind, d.purpose, d.status, d.attempts, d.response_status, d.created_at, d.sent_at
       FROM outbound_deliveries d JOIN outbound_endpoints e ON e.id = d.endpoint_id
      WHERE d.match_id = $1 AND d.organization_id = $2
      ORDER BY d.created_at, e.name`,
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
