import { mergeImportedRules, type NotificationRuleFields } from "@homeward/directory";
import { applyPlan, type ColumnPlan } from "./column-mapping.ts";
import type { CsvImportSpec, ErrorLog, MergeOutcome } from "./csv-import.ts";
import type { RowError } from "./import-runs.ts";
import type { ReferenceImportContext } from "./reference-import-context.ts";
import {
  type NotificationRuleField,
  notificationRuleRow,
  REFERENCE_REQUIRED,
  RULE_RECIPIENT_FIELDS,
} from "./reference-rows.ts";
import { rowErrorsOf } from "./row-errors.ts";
import type { SqlClient } from "./sql-client.ts";
import { type StageRowOf, StageTable } from "./staging.ts";

/** Lists are staged as their sorted items joined by this (items never hold it: it separates them in cells). */
const LIST_SEPARATOR = ";";

const RULE_STAGE = new StageTable("notification_rule_stage", {
  recipient_id: "bigint",
  recipient_role: "text",
  audience: "text",
  event_kinds: "text",
  programs: "text",
  risk_tiers: "text",
  facilities: "text",
  channel: "text",
});
type RuleColumn = typeof RULE_STAGE extends StageTable<infer C> ? C : never;

const LISTS = ["event_kinds", "programs", "risk_tiers", "facilities"] as const;
/** The rule's field each staged list column holds. */
const LIST_FIELDS = {
  event_kinds: "eventKinds",
  programs: "programs",
  risk_tiers: "riskTiers",
  facilities: "facilities",
} as const;

/**
 * Notification rules of one organization: the file replaces the rules the organization imported
 * before (from any source). A rule already in force is left as it is (a re-import changes
 * nothing), a new one is added, and an imported rule the file no longer has is deactivated
 * (active = false), never deleted, and only when every row of the file was taken (a refused row
 * could be that rule). Rules set by hand (no source) are never touched.
 */
export function notificationRuleImport(
  ctx: ReferenceImportContext,
): Pick<
  CsvImportSpec<NotificationRuleField, RuleColumn>,
  "lockKey" | "required" | "contextDefaults" | "stage" | "checkRow" | "merge" | "checkPlan"
> {
  const schema = notificationRuleRow(ctx.eventKinds);
  return {
    lockKey: `homeward.notification-rule:${ctx.importer.id}`,
    required: REFERENCE_REQUIRED["notification-rule"],
    contextDefaults: {},
    stage: RULE_STAGE,
    checkPlan: (plan) =>
      RULE_RECIPIENT_FIELDS.some((f) => plan.sources.has(f) || plan.defaults[f] !== undefined)
        ? undefined
        : "missing required column(s): recipientEmail or recipientRole (a rule needs its recipient)",
    checkRow: (plan, line, cells) => checkRuleRow(ctx, schema, plan, line, cells),
    merge: (client, { runId, errors, rejectedRows }) =>
      mergeRules(client, {
        organizationId: ctx.importer.id,
        code: ctx.importer.code,
        source: ctx.source,
        asOf: ctx.asOf,
        runId,
        errors,
        rejectedRows,
      }),
  };
}

function checkRuleRow(
  ctx: ReferenceImportContext,
  schema: ReturnType<typeof notificationRuleRow>,
  plan: ColumnPlan<NotificationRuleField>,
  line: number,
  cells: readonly string[],
): { errors: RowError[]; stage?: StageRowOf<RuleColumn> } {
  const { values, columnOf } = applyPlan(plan, cells);
  const parsed = schema.safeParse(values);
  if (!parsed.success) return { errors: rowErrorsOf(parsed.error, line, values, columnOf) };
  const row = parsed.data;
  const errorAt = (field: NotificationRuleField, reason: string) => ({
    errors: [{ line, column: columnOf[field] ?? null, value: values[field] ?? null, reason }],
  });
  if (row.organization !== undefined && ctx.lookup.organization(row.organization)?.id !== ctx.importer.id)
    return errorAt(
      "organization",
      `the rules imported here are ${ctx.importer.code}'s; this row names another organization`,
    );
  let recipientId: string | null = null;
  if (row.recipientEmail !== undefined) {
    recipientId = ctx.lookup.recipient(ctx.importer.id, row.recipientEmail) ?? null;
    if (recipientId === null)
      return errorAt(
        "recipientEmail",
        `unknown recipient (no active recipient of ${ctx.importer.code} has this e-mail)`,
      );
  }
  const list = (items: readonly string[] | undefined) =>
    items === undefined ? null : items.join(LIST_SEPARATOR);
  return {
    errors: [],
    stage: {
      line,
      valid: true,
      recipient_id: recipientId,
      recipient_role: row.recipientEmail === undefined ? (row.recipientRole ?? null) : null,
      audience: row.audience ?? "care_team",
      event_kinds: list(row.eventKinds),
      programs: list(row.programs),
      risk_tiers: list(row.riskTiers),
      facilities: list(row.facilities),
      channel: row.channel,
    },
  };
}

async function mergeRules(
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
