/**
 * The notifier's changes to deliveries not yet sent, outside the send itself: pages whose quiet
 * hours ended are released, held emails are folded into digests, and an event taken back skips its
 * alerts still waiting. (Inserting deliveries and the outbox reads are in notifier-store.ts; the
 * send's own reads and writes in delivery-store.ts.)
 */
import type { PoolClient } from "@homeward/db";

type Tx = PoolClient;

/**
 * Scheduled deliveries whose time has come, up to `limit`, become queued (SKIP LOCKED: one sweeper
 * takes each); returns their ids.
 */
export async function releaseScheduled(tx: Tx, limit: number): Promise<string[]> {
  const { rows } = await tx.query<{ id: string }>(
    `UPDATE deliveries SET status = 'queued', updated_at = now()
      WHERE id IN (SELECT id FROM deliveries WHERE status = 'scheduled' AND send_after <= now()
                   ORDER BY send_after LIMIT $1 FOR UPDATE SKIP LOCKED)
      RETURNING id`,
    [limit],
  );
  return rows.map((r) => r.id);
}

/** A held (digest-mode) email whose digest time has come. */
export interface HeldDelivery {
  id: string;
  recipientId: string;
  organizationId: string;
  sendAfter: Date;
  /** AlertContent, unparsed: the caller checks it where it is used. */
  content: unknown;
}

/** Up to `limit` held deliveries due by now, by recipient and digest time, locked (SKIP LOCKED). */
export async function takeDueHeld(tx: Tx, limit: number): Promise<HeldDelivery[]> {
  const { rows } = await tx.query<{
    id: string;
    recipient_id: string;
    organization_id: string;
    send_after: Date;
    content: unknown;
  }>(
    `SELECT id, recipient_id, organization_id, send_after, content FROM deliveries
      WHERE status = 'held' AND send_after <= now() ORDER BY recipient_id, send_after, created_at
      LIMIT $1 FOR UPDATE SKIP LOCKED`,
    [limit],
  );
  return rows.map((r) => ({
    id: r.id,
    recipientId: String(r.recipient_id),
    organizationId: String(r.organization_id),
    sendAfter: r.send_after,
    content: r.content,
  }));
}

/** The held deliveries a digest carries: skipped ('in digest'), pointing at the digest. */
export async function markInDigest(tx: Tx, heldIds: readonly string[], digestId: string): Promise<void> {
  await tx.query(
    `UPDATE deliveries SET status = 'skipped', digest_id = $2, last_error = 'in digest', updated_at = now()
      WHERE id = ANY($1::text[])`,
    [heldIds, digestId],
  );
}

/**
 * An announcement taken back: its alerts are marked retracted, and those not yet sent are skipped.
 * Returns who was already sent one, on which channel (they get a correction).
 */
export async function retractAlerts(
  tx: Tx,
  matchId: string,
): Promise<{ recipientId: string; channel: "email" | "pager" }[]> {
  await tx.query(
    `UPDATE deliveries SET retracted_at = coalesce(retracted_at, now()), updated_at = now(),
            status = CASE WHEN status IN ('held', 'scheduled', 'queued', 'failed') THEN 'skipped' ELSE status END,
            last_error = CASE WHEN status IN ('held', 'scheduled', 'queued', 'failed') THEN 'retracted' ELSE last_error END
      WHERE match_id = $1 AND purpose = 'alert'`,
    [matchId],
  );
  const { rows } = await tx.query<{ recipient_id: string; channel: "email" | "pager" }>(
    `SELECT DISTINCT recipient_id, channel FROM deliveries WHERE match_id = $1 AND purpose = 'alert' AND status = 'sent'`,
    [matchId],
  );
  return rows.map((r) => ({ recipientId: String(r.recipient_id), channel: r.channel }));
}
