import { applyPlan, type ColumnPlan } from "./column-mapping.ts";
import type { CsvImportSpec } from "./csv-import.ts";
import type { RowError } from "./import-runs-store.ts";
import { LIST_SEPARATOR, mergeRules, RULE_STAGE, type RuleColumn } from "./notification-rule-store.ts";
import type { ReferenceImportContext } from "./reference-import-context.ts";
import {
  type NotificationRuleField,
  notificationRuleRow,
  REFERENCE_REQUIRED,
  RULE_RECIPIENT_FIELDS,
} from "./reference-rows.ts";
import { rowErrorsOf } from "./row-errors.ts";
import type { StageRowOf } from "./staging-store.ts";

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
