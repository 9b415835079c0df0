import { applyPlan, type ColumnPlan } from "./column-mapping.ts";
import { CONSENT_STAGE, type ConsentColumn, mergeConsents } from "./consent-store.ts";
import type { CsvImportSpec } from "./csv-import.ts";
import type { RowError } from "./import-runs-store.ts";
import type { ReferenceImportContext } from "./reference-import-context.ts";
import { type ConsentField, ConsentRow, EVERY_ORGANIZATION, REFERENCE_REQUIRED } from "./reference-rows.ts";
import { rowErrorsOf } from "./row-errors.ts";
import type { StageRowOf } from "./staging-store.ts";

/**
 * Consent lists: each row is one patient's decision (opt-out or opt-in), for one organization or
 * all, one programme or all, from a day on. Decisions are recorded, never deleted or rewritten:
 * an opt-in closes (effective_to) the open opt-outs it covers that began before it; a decision
 * already on record, or an opt-out already in force, is left as it is, so a re-import changes
 * nothing. A file is a list of decisions, not a full list: a patient it does not name keeps theirs.
 * Patients are found by identifier as rosters name them, never created.
 */
export function consentImport(
  ctx: ReferenceImportContext,
): Pick<
  CsvImportSpec<ConsentField, ConsentColumn>,
  "lockKey" | "required" | "contextDefaults" | "stage" | "checkRow" | "merge"
> {
  const importer = ctx.importer;
  return {
    // Decisions of every source meet in one patient's history: one consent import at a time.
    lockKey: "homeward.consent",
    required: REFERENCE_REQUIRED.consent,
    contextDefaults: { identifierAuthority: importer.code, organization: importer.code },
    stage: CONSENT_STAGE,
    checkRow: (plan, line, cells) => checkConsentRow(ctx, plan, line, cells),
    merge: (client, { runId, plan, errors }) => mergeConsents(client, ctx, runId, plan, errors),
  };
}

function checkConsentRow(
  ctx: ReferenceImportContext,
  plan: ColumnPlan<ConsentField>,
  line: number,
  cells: readonly string[],
): { errors: RowError[]; stage?: StageRowOf<ConsentColumn> } {
  const { values, columnOf } = applyPlan(plan, cells);
  const parsed = ConsentRow.safeParse(values);
  if (!parsed.success) return { errors: rowErrorsOf(parsed.error, line, values, columnOf) };
  const row = parsed.data;
  const errorAt = (field: ConsentField, reason: string) => ({
    errors: [{ line, column: columnOf[field] ?? null, value: values[field] ?? null, reason }],
  });
  let organizationId: string | null = null;
  if (row.organization.toUpperCase() !== EVERY_ORGANIZATION && row.organization !== "*") {
    const org = ctx.lookup.organization(row.organization);
    if (org === undefined)
      return errorAt("organization", "unknown organization (no organization has this code or NPI)");
    organizationId = org.id;
  }
  if (ctx.scoped && organizationId !== ctx.importer.id)
    return errorAt("organization", `you may record consents for ${ctx.importer.code} only`);
  return {
    errors: [],
    stage: {
      line,
      valid: true,
      id_value: row.identifierValue,
      id_type: row.identifierType,
      id_authority: row.identifierAuthority,
      id_column: columnOf.identifierValue ?? null,
      birth_date: row.birthDate ?? null,
      decision: row.decision,
      organization_id: organizationId,
      program: row.program ?? null,
      effective_from: row.effectiveFrom ?? ctx.asOf,
      note: row.note ?? null,
    },
  };
}
