import type { Pool } from "@homeward/db";

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
