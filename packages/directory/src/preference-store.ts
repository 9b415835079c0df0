import type { Pool, PoolClient } from "@homeward/db";

/**
 * How each recipient wants alerts (recipient_preferences): channels by event kind and tier (first
 * matching rule wins), real time or a daily digest, quiet hours for pages. The notifier plans every
 * delivery from these (@homeward/routing's planSends); without a row its defaults apply.
 */

export interface ChannelRuleFields {
  eventKinds?: string[] | undefined;
  riskTiers?: ("I" | "II" | "III")[] | undefined;
  channels: ("email" | "pager")[];
}

export interface Preferences {
  channelRules: ChannelRuleFields[];
  emailMode: "realtime" | "digest";
  digestHour: number;
  quietHours: { start: string; end: string } | null;
  pagePriorityOneInQuietHours: boolean;
}

/** The defaults the notifier applies to a recipient without preferences. */
export const DEFAULT_PREFERENCES: Preferences = {
  channelRules: [],
  emailMode: "realtime",
  digestHour: 7,
  quietHours: null,
  pagePriorityOneInQuietHours: true,
};

interface Row {
  recipient_id: string;
  channel_rules: ChannelRuleFields[];
  email_mode: "realtime" | "digest";
  digest_hour: number;
  quiet_start: string | null;
  quiet_end: string | null;
  page_priority_one_in_quiet_hours: boolean;
}

const toPreferences = (p: Row): Preferences => ({
  channelRules: p.channel_rules,
  emailMode: p.email_mode,
  digestHour: p.digest_hour,
  quietHours:
    p.quiet_start === null || p.quiet_end === null ? null : { start: p.quiet_start, end: p.quiet_end },
  pagePriorityOneInQuietHours: p.page_priority_one_in_quiet_hours,
});

/** Preferences by recipient id, for those that have a row. */
export async function loadPreferences(
  pool: Pool,
  recipientIds: readonly string[],
): Promise<Map<string, Preferences>> {
  const { rows } = await pool.query<Row>(
    `SELECT recipient_id::text, channel_rules, email_mode, digest_hour, to_char(quiet_start, 'HH24:MI') AS quiet_start,
            to_char(quiet_end, 'HH24:MI') AS quiet_end, page_priority_one_in_quiet_hours
       FROM recipient_preferences WHERE recipient_id = ANY($1::bigint[])`,
    [recipientIds],
  );
  return new Map(rows.map((r) => [r.recipient_id, toPreferences(r)]));
}

/** Sets a recipient's preferences (replacing any). */
export async function savePreferences(pool: Pool, recipientId: string, p: Preferences): Promise<void> {
  await pool.query(
    `INSERT INTO recipient_preferences (recipient_id, channel_rules, email_mode, digest_hour, quiet_start, quiet_end,
                                        page_priority_one_in_quiet_hours, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, now())
     ON CONFLICT (recipient_id) DO UPDATE SET channel_rules = $2, email_mode = $3, digest_hour = $4,
       quiet_start = $5, quiet_end = $6, page_priority_one_in_quiet_hours = $7, updated_at = now()`,
    [
      recipientId,
      JSON.stringify(p.channelRules),
      p.emailMode,
      p.digestHour,
      p.quietHours?.start ?? null,
      p.quietHours?.end ?? null,
      p.pagePriorityOneInQuietHours,
    ],
  );
}

/** A recipient as the notifier plans alerts for them: addresses and preferences (defaults where none are set). */
export interface AlertRecipient {
  recipientId: string;
  organizationId: string;
  role: "care_manager" | "pcp" | "supervisor";
  email?: string;
  pagerId?: string;
  timeZone: string;
  active: boolean;
  channelRules: ChannelRuleFields[];
  emailMode: "realtime" | "digest";
  digestHour: number;
  quietHours?: { start: string; end: string };
  pagePriorityOneInQuietHours: boolean;
}

/** Recipients by id, or an organization's of one role, by id, each with their preferences. */
export async function loadAlertRecipients(
  db: Pool | PoolClient,
  where: { ids: readonly string[] } | { organizationId: string; role: string },
): Promise<AlertRecipient[]> {
  const filter = "ids" in where ? "r.id = ANY($1::bigint[])" : "r.organization_id = $1 AND r.role = $2";
  const params = "ids" in where ? [where.ids] : [where.organizationId, where.role];
  const { rows } = await db.query<
    { [K in Exclude<keyof Row, "recipient_id">]: Row[K] | null } & {
      id: string;
      organization_id: string;
      role: AlertRecipient["role"];
      email: string | null;
      pager_id: string | null;
      time_zone: string;
      active: boolean;
    }
  >(
    `SELECT r.id::text, r.organization_id::text, r.role, r.email, r.pager_id, r.time_zone, r.active,
            p.channel_rules, p.email_mode, p.digest_hour, to_char(p.quiet_start, 'HH24:MI') AS quiet_start,
            to_char(p.quiet_end, 'HH24:MI') AS quiet_end, p.page_priority_one_in_quiet_hours
       FROM recipients r LEFT JOIN recipient_preferences p ON p.recipient_id = r.id
      WHERE ${filter} ORDER BY r.id`,
    params,
  );
  return rows.map((r) => ({
    recipientId: r.id,
    organizationId: r.organization_id,
    role: r.role,
    ...(r.email === null ? {} : { email: r.email }),
    ...(r.pager_id === null ? {} : { pagerId: r.pager_id }),
    timeZone: r.time_zone,
    active: r.active,
    channelRules: r.channel_rules ?? [],
    emailMode: r.email_mode ?? DEFAULT_PREFERENCES.emailMode,
    digestHour: r.digest_hour ?? DEFAULT_PREFERENCES.digestHour,
    ...(r.quiet_start == null || r.quiet_end == null
      ? {}
      : { quietHours: { start: r.quiet_start, end: r.quiet_end } }),
    pagePriorityOneInQuietHours:
      r.page_priority_one_in_quiet_hours ?? DEFAULT_PREFERENCES.pagePriorityOneInQuietHours,
  }));
}

/** Sets a recipient's preferences if they have none yet (a seed's; the recipient's own stay). */
export async function ensurePreferences(
  db: Pool | PoolClient,
  recipientId: string,
  p: Preferences,
): Promise<void> {
  await db.query(
    `INSERT INTO recipient_preferences (recipient_id, channel_rules, email_mode, digest_hour, quiet_start, quiet_end,
                                        page_priority_one_in_quiet_hours)
     VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (recipient_id) DO NOTHING`,
    [
      recipientId,
      JSON.stringify(p.channelRules),
      p.emailMode,
      p.digestHour,
      p.quietHours?.start ?? null,
      p.quietHours?.end ?? null,
      p.pagePriorityOneInQuietHours,
    ],
  );
}
