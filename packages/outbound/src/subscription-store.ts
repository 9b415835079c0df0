import type { Pool, PoolClient } from "@homeward/db";
import type { Resource, Subscription } from "@medplum/fhirtypes";
import { openSecret, sealSecret } from "./secret-box.ts";
import type {
  PayloadContent,
  StoredNotification,
  SubscriptionRef,
  SubscriptionStatusCode,
  SubscriptionTopicName,
} from "./subscription-bundle.ts";

/**
 * The fhir_subscriptions and fhir_subscription_notifications tables' only SQL. Event numbers are
 * given out here, under the subscription row's lock, once per (match, subscription) and in order.
 */

type Db = Pool | PoolClient;

export interface StoredSubscription {
  id: string;
  organizationId: string;
  topic: SubscriptionTopicName;
  status: SubscriptionStatusCode;
  endpoint: string;
  content: PayloadContent;
  heartbeatPeriod: number | null;
  resource: Subscription;
  eventsSinceStart: number;
  hasHeader: boolean;
  lastError: string | null;
  /** Subscription.end: after it the subscription is off and gets nothing more; null: no end. */
  endsAt: Date | null;
}

/**
 * Subscription.end as a time, read from the stored resource (so a change to the resource is what
 * counts). A value that is not a FHIR instant (the api checks it) counts as no end rather than
 * failing the query for every subscription of the organization.
 */
const END_AT = `(CASE WHEN resource->>'end' ~ '^\\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01])T([01]\\d|2[0-3]):[0-5]\\d:[0-5]\\d(\\.\\d+)?(Z|[+-]\\d{2}:\\d{2})$'
  THEN (resource->>'end')::timestamptz END)`;

/** A fhir_subscriptions row as a StoredSubscription (subscription-admin-store.ts reads it too). */
export const SUBSCRIPTION_COLUMNS = `id, organization_id::text AS "organizationId", topic, status, endpoint, content,
  heartbeat_period AS "heartbeatPeriod", resource, events_since_start::int AS "eventsSinceStart",
  header_sealed IS NOT NULL AS "hasHeader", last_error AS "lastError", ${END_AT} AS "endsAt"`;

export const subscriptionHeaderContext = (id: string) => `fhir-subscription:${id}`;

/** Stores a new subscription (status requested); its channel header sealed under the outbound key. */
export async function createSubscription(
  db: Db,
  key: Buffer | undefined,
  s: Omit<StoredSubscription, "status" | "eventsSinceStart" | "hasHeader" | "lastError" | "endsAt"> & {
    header: string | null;
    createdBy: string;
  },
): Promise<StoredSubscription> {
  const sealed =
    s.header === null || key === undefined
      ? null
      : sealSecret(key, subscriptionHeaderContext(s.id), s.header);
  const { rows } = await db.query<StoredSubscription>(
    `INSERT INTO fhir_subscriptions (id, organization_id, topic, status, endpoint, header_sealed, content, heartbeat_period, resource, created_by)
     VALUES ($1, $2, $3, 'requested', $4, $5, $6, $7, $8, $9) RETURNING ${SUBSCRIPTION_COLUMNS}`,
    [
      s.id,
      s.organizationId,
      s.topic,
      s.endpoint,
      sealed,
      s.content,
      s.heartbeatPeriod,
      s.resource,
      s.createdBy,
    ],
  );
  return rows[0] as StoredSubscription;
}

export async function findSubscription(db: Db, id: string): Promise<StoredSubscription | undefined> {
  const { rows } = await db.query<StoredSubscription>(
    `SELECT ${SUBSCRIPTION_COLUMNS} FROM fhir_subscriptions WHERE id = $1`,
    [id],
  );
  return rows[0];
}

/** The channel header to send, opened; null when the subscription has none. */
export async function subscriptionHeader(
  db: Db,
  key: Buffer | undefined,
  id: string,
): Promise<string | null> {
  const { rows } = await db.query<{ sealed: string | null }>(
    "SELECT header_sealed AS sealed FROM fhir_subscriptions WHERE id = $1",
    [id],
  );
  const sealed = rows[0]?.sealed ?? null;
  if (sealed === null || key === undefined) return null;
  return openSecret(key, subscriptionHeaderContext(id), sealed);
}

/** Records how the last send went: the status moves (requested → active or error) and last_sent_at. */
export async function setSubscriptionStatus(
  db: Db,
  id: string,
  status: SubscriptionStatusCode,
  lastError: string | null,
): Promise<void> {
  await db.query(
    `UPDATE fhir_subscriptions SET status = $2, last_error = $3, last_sent_at = now(), updated_at = now(),
       resource = jsonb_set(resource, '{status}', to_jsonb($2::text)) WHERE id = $1`,
    [id, status, lastError],
  );
}

/** Ends a subscription (status off): nothing more is numbered or sent; $events still answers. */
export async function turnOffSubscription(db: Db, id: string): Promise<void> {
  await db.query(
    `UPDATE fhir_subscriptions SET status = 'off', updated_at = now(),
       resource = jsonb_set(resource, '{status}', '"off"') WHERE id = $1`,
    [id],
  );
}

/**
 * The live subscriptions of an organization to a topic (an errored one still numbers its events).
 * One whose `end` has passed is live no more: it is turned off here, in the same statement, and
 * gets no new notification.
 */
export async function liveSubscriptions(
  db: Db,
  organizationId: string,
  topic: SubscriptionTopicName,
  now: Date,
): Promise<StoredSubscription[]> {
  const { rows } = await db.query<StoredSubscription>(
    `WITH ended AS (
       UPDATE fhir_subscriptions SET status = 'off', updated_at = now(),
              resource = jsonb_set(resource, '{status}', '"off"')
        WHERE organization_id = $1 AND topic = $2 AND status IN ('requested', 'active', 'error') AND ${END_AT} <= $3)
     SELECT ${SUBSCRIPTION_COLUMNS} FROM fhir_subscriptions
      WHERE organization_id = $1 AND topic = $2 AND status IN ('active', 'error')
        AND (${END_AT} IS NULL OR ${END_AT} > $3)
      ORDER BY id`,
    [organizationId, topic, now],
  );
  return rows;
}

/** Turns off every subscription whose `end` has passed (the heartbeat pass); returns how many. */
export async function endExpiredSubscriptions(db: Db, now: Date): Promise<number> {
  const res = await db.query(
    `UPDATE fhir_subscriptions SET status = 'off', updated_at = now(),
            resource = jsonb_set(resource, '{status}', '"off"')
      WHERE status IN ('requested', 'active', 'error') AND ${END_AT} <= $1`,
    [now],
  );
  return res.rowCount ?? 0;
}

/** Active subscriptions whose heartbeat is due (nothing sent for heartbeat_period seconds). */
export async function dueHeartbeats(db: Db, now: Date): Promise<StoredSubscription[]> {
  const { rows } = await db.query<StoredSubscription>(
    `SELECT ${SUBSCRIPTION_COLUMNS} FROM fhir_subscriptions
     WHERE status = 'active' AND heartbeat_period IS NOT NULL AND (${END_AT} IS NULL OR ${END_AT} > $1)
       AND coalesce(last_sent_at, created_at) + make_interval(secs => heartbeat_period) <= $1`,
    [now],
  );
  return rows;
}

/**
 * The next event number of a subscription for one matched record, stored with what the
 * notification carries; a record already numbered gets its number back (a redelivered Kafka
 * record numbers nothing twice). Run it in a transaction: the row lock orders the numbers.
 */
export async function numberNotification(
  tx: PoolClient,
  subscriptionId: string,
  n: { matchId: string; eventId: string; occurredAt: string; resources: Resource[] },
): Promise<{ eventNumber: number; isNew: boolean }> {
  await tx.query("SELECT 1 FROM fhir_subscriptions WHERE id = $1 FOR UPDATE", [subscriptionId]);
  const existing = await tx.query<{ n: number }>(
    "SELECT event_number::int AS n FROM fhir_subscription_notifications WHERE subscription_id = $1 AND match_id = $2",
    [subscriptionId, n.matchId],
  );
  const known = existing.rows[0];
  if (known !== undefined) return { eventNumber: known.n, isNew: false };
  const { rows } = await tx.query<{ n: number }>(
    `UPDATE fhir_subscriptions SET events_since_start = events_since_start + 1, updated_at = now()
     WHERE id = $1 RETURNING events_since_start::int AS n`,
    [subscriptionId],
  );
  const eventNumber = (rows[0] as { n: number }).n;
  await tx.query(
    `INSERT INTO fhir_subscription_notifications (subscription_id, event_number, match_id, event_id, occurred_at, focus, status)
     VALUES ($1, $2, $3, $4, $5, $6, 'queued')`,
    [subscriptionId, eventNumber, n.matchId, n.eventId, n.occurredAt, JSON.stringify(n.resources)],
  );
  return { eventNumber, isNew: true };
}

/** Stored notifications of a subscription between two event numbers (inclusive), in order. */
export async function storedNotifications(
  db: Db,
  subscriptionId: string,
  range: { from?: number; until?: number; status?: "queued" | "failed" },
): Promise<StoredNotification[]> {
  const { rows } = await db.query<StoredNotification>(
    `SELECT event_number::int AS "eventNumber", to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "occurredAt",
            -- A notification skipped because its match was retracted keeps its number (no gap for
            -- the client to chase) but carries nothing of the withdrawn encounter.
            CASE WHEN status = 'skipped' THEN '[]'::jsonb ELSE focus END AS resources
     FROM fhir_subscription_notifications
     WHERE subscription_id = $1 AND event_number >= $2 AND event_number <= $3
       AND ($4::text IS NULL OR status = $4 OR ($4 = 'queued' AND status = 'failed'))
     ORDER BY event_number LIMIT 500`,
    [subscriptionId, range.from ?? 1, range.until ?? Number.MAX_SAFE_INTEGER, range.status ?? null],
  );
  return rows;
}

/** Records the answer to one notification's send (or that it will not be sent: skipped). */
export async function markNotification(
  db: Db,
  subscriptionId: string,
  eventNumber: number,
  outcome: { status: "sent" | "failed" | "skipped"; responseStatus: string | null },
): Promise<void> {
  await db.query(
    `UPDATE fhir_subscription_notifications SET status = $3, response_status = coalesce($4, response_status),
       sent_at = CASE WHEN $3 = 'sent' THEN now() ELSE sent_at END
     WHERE subscription_id = $1 AND event_number = $2`,
    [subscriptionId, eventNumber, outcome.status, outcome.responseStatus],
  );
}

/**
 * A retraction's part here: the match's notifications whose delivery it skipped (not yet on the
 * wire) are skipped too, so their state says they were never sent.
 */
export async function skipNotificationsOfMatch(db: Db, matchId: string): Promise<void> {
  await db.query(
    `UPDATE fhir_subscription_notifications n SET status = 'skipped'
       FROM outbound_deliveries d
      WHERE d.match_id = $1 AND d.subscription_id = n.subscription_id AND d.event_number = n.event_number
        AND d.status = 'skipped' AND n.status IN ('queued', 'failed')`,
    [matchId],
  );
}

/** What a SubscriptionStatus needs of a stored subscription. */
export const subscriptionRef = (s: StoredSubscription, base: string): SubscriptionRef => ({
  id: s.id,
  topic: s.topic,
  status: s.status,
  content: s.content,
  eventsSinceStart: s.eventsSinceStart,
  base,
});
