import type { AlertContent, AlertDetailLevel, DeliveryChannel, DeliveryPurpose } from "@homeward/contracts";
import type { Pool, PoolClient } from "@homeward/db";
import type { ChannelRule, RecipientProfile } from "@homeward/routing";

/** A client inside a transaction (pg's PoolClient, by what we use of it). */
export type Tx = PoolClient;

/** What deadlines and alert content need to know about an organization. */
export interface OrganizationContext {
  detailLevel: AlertDetailLevel;
  holidays: { country: string; state?: string };
  closures: string[];
}

export async function loadOrganizationContext(
  pool: Pool,
  organizationId: string,
): Promise<OrganizationContext> {
  const { rows } = await pool.query<{
    alert_detail_level: AlertDetailLevel | null;
    holiday_country: string | null;
    holiday_state: string | null;
    closures: string[];
  }>(
    `SELECT s.alert_detail_level, s.holiday_country, s.holiday_state,
            ARRAY(SELECT to_char(day, 'YYYY-MM-DD') FROM organization_closures c WHERE c.organization_id = o.id ORDER BY day) AS closures
       FROM organizations o LEFT JOIN organization_settings s ON s.organization_id = o.id WHERE o.id = $1`,
    [organizationId],
  );
  const row = rows[0];
  return {
    detailLevel: row?.alert_detail_level ?? "minimal",
    holidays: {
      country: row?.holiday_country ?? "US",
      ...(row?.holiday_state == null ? {} : { state: row.holiday_state }),
    },
    closures: row?.closures ?? [],
  };
}

const hhmm = (t: string | null) => (t === null ? undefined : t.slice(0, 5));

/** Recipients with their preferences (defaults where they set none). */
export async function loadRecipients(
  db: Pool | Tx,
  where: { ids: readonly string[] } | { organizationId: string; role: string },
): Promise<RecipientProfile[]> {
  const filter = "ids" in where ? "r.id = ANY($1::bigint[])" : "r.organization_id = $1 AND r.role = $2";
  const params = "ids" in where ? [where.ids] : [where.organizationId, where.role];
  const { rows } = await db.query<{
    id: string;
    organization_id: string;
    role: RecipientProfile["role"];
    email: string | null;
    pager_id: string | null;
    time_zone: string;
    active: boolean;
    channel_rules: ChannelRule[] | null;
    email_mode: RecipientProfile["emailMode"] | null;
    digest_hour: number | null;
    quiet_start: string | null;
    quiet_end: string | null;
    page_priority_one_in_quiet_hours: boolean | null;
  }>(
    `SELECT r.id, r.organization_id, r.role, r.email, r.pager_id, r.time_zone, r.active,
            p.channel_rules, p.email_mode, p.digest_hour, p.quiet_start::text, p.quiet_end::text,
            p.page_priority_one_in_quiet_hours
       FROM recipients r LEFT JOIN recipient_preferences p ON p.recipient_id = r.id
      WHERE ${filter} ORDER BY r.id`,
    params,
  );
  return rows.map((r) => {
    const start = hhmm(r.quiet_start);
    const end = hhmm(r.quiet_end);
    return {
      recipientId: String(r.id),
      organizationId: String(r.organization_id),
      role: r.role,
      ...(r.email === null ? {} : { email: r.email }),
      ...(r.pager_id === null ? {} : { pagerId: r.pager_id }),
      timeZone: r.time_zone,
      active: r.active,
      channelRules: r.channel_rules ?? [],
      emailMode: r.email_mode ?? "realtime",
      digestHour: r.digest_hour ?? 7,
      ...(start === undefined || end === undefined ? {} : { quietHours: { start, end } }),
      pagePriorityOneInQuietHours: r.page_priority_one_in_quiet_hours ?? true,
    };
  });
}

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
