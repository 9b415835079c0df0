import { mergeImportedRules, type NotificationRuleFields } from "@homeward/directory";
import type { ErrorLog, MergeOutcome } from "./csv-import.ts";
import type { SqlClient } from "./sql-client.ts";
import { StageTable } from "./staging-store.ts";

/** Lists are staged as their sorted items joined by this (items never hold it: it separates them in cells). */
export const LIST_SEPARATOR = ";";

/** Where a notification-rule file waits for the merge. */
export const RULE_STAGE = new StageTable("notification_rule_stage", {
  recipient_id: "bigint",
  recipient_role: "text",
  audience: "text",
  event_kinds: "text",
  programs: "text",
  risk_tiers: "text",
  facilities: "text",
  channel: "text",
});
export type RuleColumn = typeof RULE_STAGE extends StageTable<infer C> ? C : never;

const LISTS = ["event_kinds", "programs", "risk_tiers", "facilities"] as const;
/** The rule's field each staged list column holds. */
const LIST_FIELDS = {
  event_kinds: "eventKinds",
  programs: "programs",
  risk_tiers: "riskTiers",
  facilities: "facilities",
} as const;

/**
 * Merges the staged rules through @homeward/directory (the rules are notificationRuleImport's):
 * refuses repeated rules, then hands the valid ones to mergeImportedRules.
 */
export async function mergeRules(
  client: SqlClient,
  ctx: {
    organizationId: string;
    code: string;
    source: string;
    /** The file's date: its new rules are in force from it, the ones it drops until it. */
    asOf: string;
    runId: string;
    errors: ErrorLog;
    rejectedRows: number;
  },
): Promise<MergeOutcome> {
  const identity = ["recipient_id", "recipient_role", "audience", ...LISTS, "channel"].join(", ");
  const repeats = await client.query<{ line: number; first: number }>(
    `UPDATE notification_rule_stage s SET valid = false
       FROM (SELECT line, first_value(line) OVER w AS first FROM notification_rule_stage WHERE valid
             WINDOW w AS (PARTITION BY ${identity} ORDER BY line)) d
      WHERE s.line = d.line AND d.line <> d.first
      RETURNING s.line, d.first`,
  );
  for (const r of repeats.rows)
    ctx.errors.add({ line: r.line, column: null, value: null, reason: `the same rule as line ${r.first}` });

  const staged = await client.query<NotificationRuleFields>(
    `SELECT recipient_id::text AS "recipientId", recipient_role AS "recipientRole", audience,
            ${LISTS.map((l) => `string_to_array(${l}, '${LIST_SEPARATOR}') AS "${LIST_FIELDS[l]}"`).join(", ")}, channel
       FROM notification_rule_stage WHERE valid ORDER BY line`,
  );
  const valid = staged.rows.length;
  const refused = ctx.rejectedRows + repeats.rows.length;
  const merged = await mergeImportedRules(
    client,
    {
      organizationId: ctx.organizationId,
      source: ctx.source,
      runId: ctx.runId,
      asOf: ctx.asOf,
      endMissing: valid > 0 && refused === 0,
    },
    staged.rows,
  );
  const note =
    merged.leftInForce === 0
      ? undefined
      : `${merged.leftInForce} rule(s) of ${ctx.code} missing from the file were left active, because ${
          valid === 0 ? "the file has no valid row" : "rows were refused"
        }; correct the file and import it again to deactivate them`;
  return {
    valid,
    inserted: merged.inserted,
    updated: 0,
    ended: merged.ended,
    unchanged: merged.unchanged,
    patientsCreated: 0,
    lateRejected: repeats.rows.length,
    ...(note === undefined ? {} : { note }),
  };
}
