import type { Pool } from "@homeward/db";
import { findRecipient } from "@homeward/directory";

/**
 * The delivery worker's reads and writes of `deliveries` and `delivery_attempts`: what one send
 * needs to know, the lease that keeps two workers from sending one delivery, and the record of
 * each try. (The notifier's planning writes live in notifier-store.ts.)
 */

export interface DeliveryRow {
  status: string;
  purpose: string;
  channel: "email" | "pager";
  content: unknown;
  not_after: Date | null;
  retracted_at: Date | null;
  email: string | null;
  pager_id: string | null;
  time_zone: string;
  active: boolean;
  task_status: string | null;
}

/**
 * The delivery with its recipient's addresses (from @homeward/directory, the recipients' owner) and
 * its task's state; undefined when unknown.
 */
export async function loadDeliveryForSend(pool: Pool, id: string): Promise<DeliveryRow | undefined> {
  const { rows } = await pool.query<
    Omit<DeliveryRow, "email" | "pager_id" | "time_zone" | "active"> & { recipient_id: string }
  >(
    `SELECT d.status, d.purpose, d.channel, d.content, d.not_after, d.retracted_at, d.recipient_id::text,
            t.status AS task_status
       FROM deliveries d LEFT JOIN tasks t ON t.id = d.task_id
      WHERE d.id = $1`,
    [id],
  );
  const row = rows[0];
  if (row === undefined) return undefined;
  const recipient = await findRecipient(pool, row.recipient_id);
  if (recipient === undefined) return undefined;
  const { recipient_id: _, ...delivery } = row;
  return {
    ...delivery,
    email: recipient.email,
    pager_id: recipient.pagerId,
    time_zone: recipient.timeZone,
    active: recipient.active,
  };
}

/**
 * Takes the delivery for `leaseMs` if nobody holds it and it is still to be sent: one atomic
 * UPDATE in PostgreSQL, so two workers never both hold it, whatever Redis remembers. A worker that
 * dies holding it loses it when the lease runs out (the job's SQS visibility timeout is the same).
 */
export async function leaseDelivery(pool: Pool, id: string, leaseMs: number): Promise<boolean> {
  const res = await pool.query(
    `UPDATE deliveries SET lease_until = now() + $2 * interval '1 millisecond'
      WHERE id = $1 AND status NOT IN ('sent', 'dead', 'skipped')
        AND (lease_until IS NULL OR lease_until < now())`,
    [id, leaseMs],
  );
  return (res.rowCount ?? 0) === 1;
}

/** Gives the lease back without recording anything (the handler failed before it could). */
export async function releaseDelivery(pool: Pool, id: string): Promise<void> {
  await pool.query("UPDATE deliveries SET lease_until = NULL WHERE id = $1", [id]);
}

export interface Attempt {
  outcome: "sent" | "failed" | "dead" | "skipped";
  provider?: string;
  providerMessageId?: string;
  code?: string;
  message?: string;
}

/**
 * Records an attempt and moves the delivery to its new state (releasing its lease), in one
 * statement. Says whether it was an alert retracted while it was being sent.
 */
export async function recordAttempt(
  pool: Pool,
  id: string,
  receiveCount: number,
  a: Attempt,
): Promise<{ retractedAlert: boolean }> {
  const tried = a.outcome !== "skipped";
  const { rows } = await pool.query<{ retracted_alert: boolean }>(
    `WITH attempt AS (
       INSERT INTO delivery_attempts (delivery_id, receive_count, outcome, provider, provider_message_id, error_code, error_message)
       VALUES ($1, $2, $3, $4, $5, $6, $7))
     UPDATE deliveries SET status = $3, attempts = attempts + $8, provider = coalesce($4, provider),
            provider_message_id = coalesce($5, provider_message_id), last_error = $6,
            sent_at = CASE WHEN $3 = 'sent' THEN now() ELSE sent_at END, lease_until = NULL, updated_at = now()
      WHERE id = $1
      RETURNING purpose = 'alert' AND retracted_at IS NOT NULL AS retracted_alert`,
    [
      id,
      receiveCount,
      a.outcome,
      a.provider ?? null,
      a.providerMessageId ?? null,
      a.code ?? null,
      a.message ?? null,
      tried ? 1 : 0,
    ],
  );
  return { retractedAlert: rows[0]?.retracted_alert ?? false };
}

export interface SentDelivery {
  channel: "email" | "pager";
  recipient_id: string;
  organization_id: string;
  match_id: string | null;
  event_id: string | null;
  content: unknown;
}

/** What a sent delivery was, for the correction of one that went out while being retracted. */
export async function loadSentDelivery(pool: Pool, id: string): Promise<SentDelivery | undefined> {
  const { rows } = await pool.query<SentDelivery>(
    "SELECT channel, recipient_id, organization_id, match_id, event_id, content FROM deliveries WHERE id = $1",
    [id],
  );
  return rows[0];
}
