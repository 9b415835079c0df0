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

/** A rule as routing applies it: who, for what, and when it was in force. */
export interface RuleInForce {
  organizationId: string;
  recipientId: string | null;
  recipientRole: RuleRecipientRole | null;
  audience: "care_team" | "everyone_in_role";
  eventKinds: string[] | null;
  programs: string[] | null;
  riskTiers: string[] | null;
  facilities: string[] | null;
  activeFrom: Date;
  activeTo: Date | null;
}

/** Every rule in force at some time since `since` (`YYYY-MM-DD`), ended ones included: a late event routes as then. */
export async function listRulesInForceSince(pool: Pool, since: string): Promise<RuleInForce[]> {
  const { rows } = await pool.query<RuleInForce>(
    `SELECT organization_id::text AS "organizationId", recipient_id::text AS "recipientId",
            recipient_role AS "recipientRole", audience, event_kinds AS "eventKinds", programs,
            risk_tiers AS "riskTiers", facilities, active_from AS "activeFrom", active_to AS "activeTo"
       FROM notification_rules WHERE active_to IS NULL OR active_to > $1::date ORDER BY id`,
    [since],
  );
  return rows;
}

/** What one file of imported rules did to the organization's imported rules. */
export interface ImportedRulesMerge {
  /** Rules of the file already in force (left as they are). */
  unchanged: number;
  inserted: number;
  /** Imported rules the file no longer has, ended. */
  ended: number;
  /** Imported rules the file no longer has, left in force (`endMissing` was false). */
  leftInForce: number;
}

/** The same rule, `t` in force and `d` of the file: same recipient, lists (NULL = all) and channel. */
const SAME_RULE = [
  "t.recipient_id IS NOT DISTINCT FROM d.recipient_id",
  "t.recipient_role IS NOT DISTINCT FROM d.recipient_role",
  "t.audience = d.audience",
  ...["event_kinds", "programs", "risk_tiers", "facilities"].map((l) => `t.${l} IS NOT DISTINCT FROM d.${l}`),
  "t.channel = d.channel",
].join(" AND ");

/** The file's rules as a relation `d`, in the file's order (`$1`: a JSON array, see `mergeImportedRules`). */
const FILE_RULES = `SELECT * FROM jsonb_to_recordset($1::jsonb) AS d(ord int, recipient_id bigint, recipient_role text,
                      audience text, event_kinds text[], programs text[], risk_tiers text[], facilities text[], channel text)`;
/** `t` is an imported rule in force of the organization `$2`. */
const IMPORTED_IN_FORCE = "t.organization_id = $2 AND t.source IS NOT NULL AND t.active";
/** `t` is one of those the file (`d`) no longer has, and no rule of this run (`$3`). */
const MISSING = `${IMPORTED_IN_FORCE} AND t.import_run_id IS DISTINCT FROM $3
  AND NOT EXISTS (SELECT 1 FROM d WHERE ${SAME_RULE})`;

/**
 * Merges one import's rules of an organization into its imported rules (`source` set; rules made by
 * hand are never touched): a rule already in force stays as it is, a new one is in force from
 * `asOf`, and an imported rule the file no longer has is ended at `asOf` (never deleted) when
 * `endMissing`, or counted as left in force otherwise (the import refused rows that could be it).
 * Run it in the import's transaction.
 */
export async function mergeImportedRules(
  tx: Pick<Pool, "query">,
  run: { organizationId: string; source: string; runId: string; asOf: string; endMissing: boolean },
  rules: readonly NotificationRuleFields[],
): Promise<ImportedRulesMerge> {
  const file = JSON.stringify(
    rules.map((r, ord) => ({
      ord,
      recipient_id: r.recipientId,
      recipient_role: r.recipientRole,
      audience: r.audience,
      event_kinds: r.eventKinds,
      programs: r.programs,
      risk_tiers: r.riskTiers,
      facilities: r.facilities,
      channel: r.channel,
    })),
  );
  const counts = await tx.query<{ unchanged: string }>(
    `WITH d AS (${FILE_RULES})
     SELECT count(*) FILTER (WHERE EXISTS (SELECT 1 FROM notification_rules t WHERE ${IMPORTED_IN_FORCE} AND ${SAME_RULE}))::text
              AS unchanged
       FROM d`,
    [file, run.organizationId],
  );
  const inserted = await tx.query(
    `WITH d AS (${FILE_RULES})
     INSERT INTO notification_rules (organization_id, recipient_id, recipient_role, audience, event_kinds, programs,
                                     risk_tiers, facilities, channel, source, import_run_id, active_from)
     SELECT $2, d.recipient_id, d.recipient_role, d.audience, d.event_kinds, d.programs, d.risk_tiers, d.facilities,
            d.channel, $5, $3, $4::date
       FROM d WHERE NOT EXISTS (SELECT 1 FROM notification_rules t WHERE ${IMPORTED_IN_FORCE} AND ${SAME_RULE})
      ORDER BY d.ord`,
    [file, run.organizationId, run.runId, run.asOf, run.source],
  );
  let ended = 0;
  let leftInForce = 0;
  if (run.endMissing) {
    const res = await tx.query(
      `WITH d AS (${FILE_RULES})
       UPDATE notification_rules t SET active = false, active_to = greatest($4::date, t.active_from), ended_by_run_id = $3
        WHERE ${MISSING}`,
      [file, run.organizationId, run.runId, run.asOf],
    );
    ended = res.rowCount ?? 0;
  } else {
    const kept = await tx.query<{ n: string }>(
      `WITH d AS (${FILE_RULES}) SELECT count(*)::text AS n FROM notification_rules t WHERE ${MISSING}`,
      [file, run.organizationId, run.runId],
    );
    leftInForce = Number(kept.rows[0]?.n ?? 0);
  }
  return {
    unchanged: Number(counts.rows[0]?.unchanged ?? 0),
    inserted: inserted.rowCount ?? 0,
    ended,
    leftInForce,
  };
}

/**
 * Adds a rule in force from `activeFrom` unless the same one (recipient, audience, lists, channel)
 * is in force already: a seed run again adds nothing.
 */
export async function ensureRule(
  pool: Pool,
  organizationId: string,
  fields: NotificationRuleFields,
  activeFrom: Date,
): Promise<void> {
  await pool.query(
    `INSERT INTO notification_rules (organization_id, recipient_id, recipient_role, audience, event_kinds, programs,
                                     risk_tiers, facilities, channel, active_from)
     SELECT $1, $2::bigint, $3::text, $4::text, $5::text[], $6::text[], $7::text[], $8::text[], $9::text, $10
      WHERE NOT EXISTS (SELECT 1 FROM notification_rules
                         WHERE organization_id = $1 AND recipient_id IS NOT DISTINCT FROM $2::bigint
                           AND recipient_role IS NOT DISTINCT FROM $3::text AND audience = $4::text
                           AND event_kinds IS NOT DISTINCT FROM $5::text[] AND programs IS NOT DISTINCT FROM $6::text[]
                           AND risk_tiers IS NOT DISTINCT FROM $7::text[] AND facilities IS NOT DISTINCT FROM $8::text[]
                           AND channel = $9::text AND active)`,
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
}
