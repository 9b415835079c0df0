import type { ColumnPlan } from "./column-mapping.ts";
import type { ErrorLog, MergeOutcome } from "./csv-import.ts";
import type { SensitiveFacilityField } from "./reference-rows.ts";
import type { SqlClient } from "./sql-client.ts";
import { StageTable } from "./staging-store.ts";

/** Where a sensitive-facility list waits for the merge. */
export const SENSITIVE_STAGE = new StageTable("sensitive_facility_stage", {
  sending_facility: "text",
  sending_application: "text",
  location: "text",
  reason: "text",
  active: "boolean",
});
export type SensitiveColumn = typeof SENSITIVE_STAGE extends StageTable<infer C> ? C : never;

const KEY = ["sending_facility", "sending_application", "location"] as const;
const keyMatch = (a: string, b: string) => KEY.map((k) => `${a}.${k} = ${b}.${k}`).join(" AND ");

/**
 * Merges the staged list into sensitive_facilities (the rules are sensitiveFacilityImport's): upserts
 * the places the file names, deactivates the source's places it no longer names when every row was taken.
 */
export async function mergeSensitiveFacilities(
  client: SqlClient,
  ctx: {
    source: string;
    runId: string;
    plan: ColumnPlan<SensitiveFacilityField>;
    errors: ErrorLog;
    rejectedRows: number;
  },
): Promise<MergeOutcome> {
  const column = ctx.plan.sources.get("sendingFacility")?.[0]?.column ?? null;
  const repeats = await client.query<{ line: number; first: number; sending_facility: string }>(
    `UPDATE sensitive_facility_stage s SET valid = false
       FROM (SELECT line, first_value(line) OVER w AS first FROM sensitive_facility_stage WHERE valid
             WINDOW w AS (PARTITION BY ${KEY.join(", ")} ORDER BY line)) d
      WHERE s.line = d.line AND d.line <> d.first
      RETURNING s.line, d.first, s.sending_facility`,
  );
  for (const r of repeats.rows)
    ctx.errors.add({
      line: r.line,
      column,
      value: r.sending_facility,
      reason: `duplicate of line ${r.first}`,
    });

  const desired = "sensitive_facility_stage d";
  const counts = await client.query<{ valid: string; unchanged: string }>(
    `SELECT count(*)::text AS valid,
            count(*) FILTER (WHERE t.reason = d.reason AND t.active = d.active)::text AS unchanged
       FROM ${desired} LEFT JOIN sensitive_facilities t ON ${keyMatch("t", "d")} WHERE d.valid`,
  );
  const valid = Number(counts.rows[0]?.valid ?? 0);
  const updated = await client.query(
    `UPDATE sensitive_facilities t SET reason = d.reason, active = d.active, source = $1, import_run_id = $2
       FROM ${desired}
      WHERE d.valid AND ${keyMatch("t", "d")} AND (t.reason, t.active) IS DISTINCT FROM (d.reason, d.active)`,
    [ctx.source, ctx.runId],
  );
  // Listed by this file, unchanged, but last written by another source (or by hand): now this source's.
  await client.query(
    `UPDATE sensitive_facilities t SET source = $1, import_run_id = $2
       FROM ${desired}
      WHERE d.valid AND ${keyMatch("t", "d")} AND t.source IS DISTINCT FROM $1`,
    [ctx.source, ctx.runId],
  );
  const inserted = await client.query(
    `INSERT INTO sensitive_facilities (${KEY.join(", ")}, reason, active, source, import_run_id)
     SELECT ${KEY.map((k) => `d.${k}`).join(", ")}, d.reason, d.active, $1, $2 FROM ${desired}
      WHERE d.valid AND NOT EXISTS (SELECT 1 FROM sensitive_facilities t WHERE ${keyMatch("t", "d")})`,
    [ctx.source, ctx.runId],
  );

  const missing = `t.source = $1 AND t.active
    AND NOT EXISTS (SELECT 1 FROM ${desired} WHERE d.valid AND ${keyMatch("t", "d")})`;
  const refused = ctx.rejectedRows + repeats.rows.length;
  let ended = 0;
  let note: string | undefined;
  if (valid > 0 && refused === 0) {
    const res = await client.query(
      `UPDATE sensitive_facilities t SET active = false, import_run_id = $2 WHERE ${missing}`,
      [ctx.source, ctx.runId],
    );
    ended = res.rowCount ?? 0;
  } else {
    const kept = await client.query<{ n: string }>(
      `SELECT count(*)::text AS n FROM sensitive_facilities t WHERE ${missing}`,
      [ctx.source],
    );
    const n = Number(kept.rows[0]?.n ?? 0);
    if (n > 0)
      note = `${n} place(s) of ${ctx.source} missing from the file were left active, because ${
        valid === 0 ? "the file has no valid row" : "rows were refused"
      }; correct the file and import it again to deactivate them`;
  }
  return {
    valid,
    inserted: inserted.rowCount ?? 0,
    updated: updated.rowCount ?? 0,
    ended,
    unchanged: Number(counts.rows[0]?.unchanged ?? 0),
    patientsCreated: 0,
    lateRejected: repeats.rows.length,
    ...(note === undefined ? {} : { note }),
  };
}
