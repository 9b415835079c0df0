import { applyPlan, type ColumnPlan } from "./column-mapping.ts";
import type { CsvImportSpec } from "./csv-import.ts";
import type { RowError } from "./import-runs-store.ts";
import { REFERENCE_REQUIRED, type SensitiveFacilityField, SensitiveFacilityRow } from "./reference-rows.ts";
import { rowErrorsOf } from "./row-errors.ts";
import {
  mergeSensitiveFacilities,
  SENSITIVE_STAGE,
  type SensitiveColumn,
} from "./sensitive-facility-store.ts";
import type { StageRowOf } from "./staging-store.ts";

const DEFAULT_REASON = "42 CFR Part 2";

/**
 * Sensitive facilities (system-wide): a file is the complete list of its source. Each place
 * (sending facility, application, location) is upserted with its reason and active flag; a place
 * the source listed before and no longer lists is deactivated, never deleted, and only when every
 * row of the file was taken (a refused row could be the place). A place last written by another
 * source or by hand (no source) is only changed when this file names it, and then becomes this
 * source's. `Active = N` deactivates a place explicitly.
 */
export function sensitiveFacilityImport(ctx: {
  source: string;
}): Pick<
  CsvImportSpec<SensitiveFacilityField, SensitiveColumn>,
  "lockKey" | "required" | "contextDefaults" | "stage" | "checkRow" | "merge"
> {
  return {
    lockKey: "homeward.sensitive-facility",
    required: REFERENCE_REQUIRED["sensitive-facility"],
    contextDefaults: {},
    stage: SENSITIVE_STAGE,
    checkRow: checkSensitiveFacilityRow,
    merge: (client, { runId, plan, errors, rejectedRows }) =>
      mergeSensitiveFacilities(client, { source: ctx.source, runId, plan, errors, rejectedRows }),
  };
}

function checkSensitiveFacilityRow(
  plan: ColumnPlan<SensitiveFacilityField>,
  line: number,
  cells: readonly string[],
): { errors: RowError[]; stage?: StageRowOf<SensitiveColumn> } {
  const { values, columnOf } = applyPlan(plan, cells);
  const parsed = SensitiveFacilityRow.safeParse(values);
  if (!parsed.success) return { errors: rowErrorsOf(parsed.error, line, values, columnOf) };
  const row = parsed.data;
  return {
    errors: [],
    stage: {
      line,
      valid: true,
      sending_facility: row.sendingFacility,
      sending_application: row.sendingApplication ?? "",
      location: row.location ?? "",
      reason: row.reason ?? DEFAULT_REASON,
      active: row.active,
    },
  };
}
