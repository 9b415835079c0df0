import type { Pool } from "@homeward/db";

/**
 * Notification rules made by hand (the admin screen; `source` NULL): who besides the patient's care
 * team hears of which events. Rules are effective-dated: a change ends the rule (active_to) and
 * starts another, so a replayed or late event routes by the rule in force when it happened. Imported
 * rules (`source` set) are the import's: a file replaces them, and the screen only ends them.
 */

export type RuleRecipientRole = "care_manager" | "pcp" | "supervisor";

export interface NotificationRuleFields {
  /** A named recipient, or (null) everyone of `recipientRole` the audience says. */
  recipientId: string | null;
  recipientRole: RuleRecipientRole | null;
  /** For a role rule: the patient's own care-team member with the role, or every active recipient with it. */
  audience: "care_team" | "everyone_in_role";
  /** null: every kind (and likewise below). */
  eventKinds: string[] | null;
  programs: string[] | null;
  riskTiers: ("I" | "II" | "III")[] | null;
  facilities: string[] | null;
  channel: "email" | "pager";
}

export interface StoredRule extends NotificationRuleFields {
  id: string;
  organizationId: string;
  recipientName: string | null;
  /** The import feed it came from; null for a rule made by hand. */
  source: string | null;
  activeFrom: string;
  activeTo: string | null;
  active: boolean;
}

const SELECT = `SELECT n.id::text, n.organization_id::text AS "organizationId", n.recipient_id::text AS "recipientId",
                       n.recipient_role AS "recipientRole", n.audience, n.event_kinds AS "eventKinds", n.programs,
                       n.risk_tiers AS "riskTiers", n.facilities, n.channel, r.display_name AS "recipientName",
                       n.source, n.active_from AS "activeFrom", n.active_to AS "activeTo", n.active
                  FROM notification_rules n LEFT JOIN recipients r ON r.id = n.recipient_id`;

type Row = Omit<StoredRule, "activeFrom" | "activeTo"> & { activeFrom: Date; activeTo: Date | null };
const toRule = (r: Row): StoredRule => ({
  ...r,
  activeFrom: r.activeFrom.toISOString(),
  activeTo: r.activeTo?.toISOString() ?? null,
});

/** The rules of these organizations (all when null), in force now first, then ended ones if asked. */
export async function listRules(
  pool: Pool,
  filter: { organizationIds: readonly string[] | null; includeEnded: boolean },
): Promise<StoredRule[]> {
  const { rows } = await pool.query<Row>(
    `${SELECT} WHERE ($1::bigint[] IS NULL OR n.organization_id = ANY($1::bigint[])) AND ($2 OR n.active)
      ORDER BY n.active DESC, n.organization_id, n.active_from DESC, n.id DESC`,
    [filter.organizationIds, filter.includeEnded],
  );
  return rows.map(toRule);
}

export async function findRule(pool: Pool, id: string): Promise<StoredRule | undefined> {
  const { rows } = await pool.query<Row>(`${SELECT} WHERE n.id = $1`, [id]);
  const row = rows[0];
  return row === undefined ? undefined : toRule(row);
}

/** A rule in force from `activeFrom`. */
export async function createRule(
  pool: Pool,
  organizationId: string,
  fields: NotificationRuleFields,
  activeFrom: Date,
): Promise<StoredRule> {
  const { rows } = await pool.query<{ id: string }>(
    `INSERT INTO notification_rules (organization_id, recipient_id, recipient_role, audience, event_kinds, programs,
                                     risk_tiers, facilities, channel, active_from)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id::text`,
    [
      organizationId,
      fields.recipientId,
      fields.recipientRole,
      fields.audience,
      fields.eventKinds,
      fields.programs,
      fields.riskTiers,
      fields.facilities,
      fields.channel,
      activeFrom,
    ],
  );
  const created = await findRule(pool, rows[0]?.id ?? "");
  if (created === undefined) throw new Error("rule vanished after insert");
  return created;
}

/** Ends a rule in force at `at` (events before still route by it); false when it had ended already. */
export async function endRule(pool: Pool, id: string, at: Date): Promise<boolean> {
  const result = await pool.query(
    "UPDATE notification_rules SET active = false, active_to = greatest($2::timestamptz, active_from) WHERE id = $1 AND active",
    [id, at],
  );
  return (result.rowCount ?? 0) > 0;
}

/** Whether the recipient is one of the organization's (a rule names only its own people). */
export async function recipientOfOrganization(
  pool: Pool,
  recipientId: string,
  organizationId: string,
): Promise<boolean> {
  const { rows } = await pool.query("SELECT 1 FROM recipients WHERE id = $1 AND organization_id = $2", [
    recipientId,
    organizationId,
  ]);
  return rows.length > 0;
}
