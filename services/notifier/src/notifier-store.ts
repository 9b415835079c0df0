import type { AlertContent, DeliveryChannel, DeliveryPurpose } from "@homeward/contracts";
import type { Pool, PoolClient } from "@homeward/db";
import { type AlertSettings, loadAlertRecipients, loadAlertSettings } from "@homeward/directory";
import type { RecipientProfile } from "@homeward/routing";

/** A client inside a transaction (pg's PoolClient, by what we use of it). */
export type Tx = PoolClient;

/**
 * Organizations' alert settings and recipients' preferences are @homeward/directory's tables: the
 * notifier reads them through it. A recipient's channel rules were checked against the event kinds
 * when they were saved, so the directory's strings are the routing's kinds.
 */
export type OrganizationContext = AlertSettings;
export const loadOrganizationContext: (
  db: Pool | Tx,
  organizationId: string,
) => Promise<OrganizationContext> = loadAlertSettings;
export const loadRecipients = loadAlertRecipients as (
  db: Pool | Tx,
  where: { ids: readonly string[] } | { organizationId: string; role: string },
) => Promise<RecipientProfile[]>;

export interface NewDelivery {
  id: string;
  purpose: DeliveryPurpose;
  channel: DeliveryChannel;
  recipientId: string;
  organizationId: string;
  matchId?: string;
  eventId?: string;
  taskId?: string;
  content: AlertContent;
  /** skipped: kept for the record, never sent (an alert about an event too old to act on). */
  status: "queued" | "scheduled" | "held" | "skipped";
  sendAfter?: Date;
  notAfter?: Date;
  /** Why a delivery is skipped. */
  lastError?: string;
}

/** Inserts deliveries that do not exist yet (the id is the idempotency key); returns the ids inserted. */
export async function insertDeliveries(tx: Pool | Tx, deliveries: readonly NewDelivery[]): Promise<string[]> {
  if (deliveries.length === 0) return [];
  const { rows } = await tx.query<{ id: string }>(
    `INSERT INTO deliveries (id, purpose, channel, recipient_id, organization_id, match_id, event_id, task_id,
                             content, status, send_after, not_after, last_error)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::bigint[], $6::text[], $7::text[],
                          $8::text[], $9::jsonb[], $10::text[], $11::timestamptz[], $12::timestamptz[], $13::text[])
     ON CONFLICT (id) DO NOTHING RETURNING id`,
    [
      deliveries.map((d) => d.id),
      deliveries.map((d) => d.purpose),
      deliveries.map((d) => d.channel),
      deliveries.map((d) => d.recipientId),
      deliveries.map((d) => d.organizationId),
      deliveries.map((d) => d.matchId ?? null),
      deliveries.map((d) => d.eventId ?? null),
      deliveries.map((d) => d.taskId ?? null),
      deliveries.map((d) => JSON.stringify(d.content)),
      deliveries.map((d) => d.status),
      deliveries.map((d) => d.sendAfter ?? null),
      deliveries.map((d) => d.notAfter ?? null),
      deliveries.map((d) => d.lastError ?? null),
    ],
  );
  return rows.map((r) => r.id);
}

/** A delivery that should be on the queue but is not yet: what the outbox relay sends. */
export interface PendingJob {
  id: string;
  purpose: DeliveryPurpose;
  channel: DeliveryChannel;
  recipientId: string;
  notAfter?: Date;
}

/** Queued deliveries not yet on SQS, among `ids` (or any older than `olderThanSeconds`). */
export async function pendingJobs(
  db: Pool | Tx,
  where: { ids: readonly string[] } | { olderThanSeconds: number; limit: number },
): Promise<PendingJob[]> {
  const { rows } = await db.query<{
    id: string;
    purpose: DeliveryPurpose;
    channel: DeliveryChannel;
    recipient_id: string;
    not_after: Date | null;
  }>(
    "ids" in where
      ? `SELECT id, purpose, channel, recipient_id, not_after FROM deliveries
          WHERE id = ANY($1::text[]) AND status = 'queued' AND enqueued_at IS NULL`
      : `SELECT id, purpose, channel, recipient_id, not_after FROM deliveries
          WHERE status = 'queued' AND enqueued_at IS NULL AND created_at < now() - make_interval(secs => $1)
          ORDER BY created_at LIMIT $2`,
    "ids" in where ? [where.ids] : [where.olderThanSeconds, where.limit],
  );
  return rows.map((r) => ({
    id: r.id,
    purpose: r.purpose,
    channel: r.channel,
    recipientId: String(r.recipient_id),
    ...(r.not_after === null ? {} : { notAfter: r.not_after }),
  }));
}

export async function markEnqueued(pool: Pool, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  await pool.query(
    "UPDATE deliveries SET enqueued_at = now(), updated_at = now() WHERE id = ANY($1::text[]) AND enqueued_at IS NULL",
    [ids],
  );
}
