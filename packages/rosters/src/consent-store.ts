import type { ColumnPlan } from "./column-mapping.ts";
import type { ErrorLog, MergeOutcome } from "./csv-import.ts";
import type { ReferenceImportContext } from "./reference-import-context.ts";
import type { ConsentField } from "./reference-rows.ts";
import type { SqlClient } from "./sql-client.ts";
import { StageTable } from "./staging-store.ts";

/** Where a consent list waits for the merge. */
export const CONSENT_STAGE = new StageTable("consent_stage", {
  id_value: "text",
  id_type: "text",
  id_authority: "text",
  /** The column the identifier came from, for errors found after staging. */
  id_column: "text",
  birth_date: "date",
  decision: "text",
  /** NULL: every organization. */
  organization_id: "bigint",
  program: "text",
  effective_from: "date",
  note: "text",
  patient_id: "bigint",
  /** The decision is on record already (or an opt-out already in force): nothing to write. */
  known: "boolean",
});
export type ConsentColumn = typeof CONSENT_STAGE extends StageTable<infer C> ? C : never;

/** The same scope: organization and programme both equal (NULL = all). */
const SAME_SCOPE = (a: string, b: string) =>
  `${a}.organization_id IS NOT DISTINCT FROM ${b}.organization_id AND ${a}.program IS NOT DISTINCT FROM ${b}.program`;

/**
 * Records the staged decisions (the rules are consentImport's): finds each row's patient, refuses
 * what cannot be recorded, inserts the new decisions and closes the opt-outs a later opt-in covers.
 */
export async function mergeConsents(
  client: SqlClient,
  ctx: ReferenceImportContext,
  runId: string,
  plan: ColumnPlan<ConsentField>,
  errors: ErrorLog,
): Promise<MergeOutcome> {
  let late = 0;
  const reject = (rows: { line: number; column: string | null; value: string | null }[], reason: string) => {
    for (const r of rows) errors.add({ line: r.line, column: r.column, value: r.value, reason });
    late += rows.length;
  };
  const columnOf = (field: ConsentField) => plan.sources.get(field)?.[0]?.column ?? null;

  // Patients: by identifier; for an importer scoped to its organization, only the patients it has
  // an open roster or care-management row for (another organization's patient is "unknown" to it).
  await client.query(
    `UPDATE consent_stage s SET patient_id = pi.patient_id
       FROM patient_identifiers pi
      WHERE s.valid AND pi.assigning_authority = s.id_authority AND pi.type_code = s.id_type
        AND pi.value = s.id_value
        AND ($1::bigint IS NULL
             OR EXISTS (SELECT 1 FROM attributions a
                         WHERE a.patient_id = pi.patient_id AND a.practice_org_id = $1 AND a.effective_to IS NULL)
             OR EXISTS (SELECT 1 FROM care_management_enrollments e
                         WHERE e.patient_id = pi.patient_id AND $1 IN (e.listed_by_org_id, e.practice_org_id)
                           AND e.effective_to IS NULL))`,
    [ctx.scoped ? ctx.importer.id : null],
  );
  const unknown = await client.query<{ line: number; id_column: string | null; id_value: string }>(
    "UPDATE consent_stage SET valid = false WHERE valid AND patient_id IS NULL RETURNING line, id_column, id_value",
  );
  reject(
    unknown.rows.map((r) => ({ line: r.line, column: r.id_column, value: r.id_value })),
    ctx.scoped
      ? `unknown patient (no patient of ${ctx.importer.code} has this identifier)`
      : "unknown patient (no patient has this identifier)",
  );
  const otherBirthDate = await client.query<{ line: number; birth_date: string }>(
    `UPDATE consent_stage s SET valid = false FROM patients p
      WHERE s.valid AND p.id = s.patient_id AND p.birth_date <> s.birth_date
      RETURNING s.line, to_char(s.birth_date, 'YYYY-MM-DD') AS birth_date`,
  );
  reject(
    otherBirthDate.rows.map((r) => ({ line: r.line, column: columnOf("birthDate"), value: r.birth_date })),
    "the patient with this identifier has another birth date",
  );

  // One decision per patient, scope and day: a repeat is a duplicate, the other decision a conflict.
  const repeats = await client.query<{
    line: number;
    first: number;
    same: boolean;
    id_column: string | null;
    id_value: string;
    decision: string;
  }>(
    `UPDATE consent_stage s SET valid = false
       FROM (SELECT line, first_value(line) OVER w AS first, first_value(decision) OVER w AS first_decision
               FROM consent_stage WHERE valid
             WINDOW w AS (PARTITION BY patient_id, organization_id, program, effective_from ORDER BY line)) d
      WHERE s.line = d.line AND d.line <> d.first
      RETURNING s.line, d.first, s.decision = d.first_decision AS same, s.id_column, s.id_value, s.decision`,
  );
  for (const r of repeats.rows) {
    if (r.same)
      reject([{ line: r.line, column: r.id_column, value: r.id_value }], `duplicate of line ${r.first}`);
    else
      reject(
        [{ line: r.line, column: columnOf("decision"), value: r.decision }],
        `contradicts line ${r.first} (the other decision, same patient, scope and day)`,
      );
  }

  await client.query(
    `UPDATE consent_stage s SET known = true
      WHERE s.valid AND EXISTS (SELECT 1 FROM consents c
                                 WHERE c.patient_id = s.patient_id AND c.decision = s.decision
                                   AND ${SAME_SCOPE("c", "s")} AND c.effective_from = s.effective_from)`,
  );
  const recorded = { by: ctx.recordedBy, source: ctx.source, runId };
  let inserted = await insertDecisions(client, "opt_in", recorded);
  let ended = await closeOptOuts(client, runId);
  // An opt-out of a scope already opted out on that day (and not opted in since) adds nothing.
  await client.query(
    `UPDATE consent_stage s SET known = true
      WHERE s.valid AND s.known IS NOT TRUE AND s.decision = 'opt_out'
        AND EXISTS (SELECT 1 FROM consents c
                     WHERE c.patient_id = s.patient_id AND c.decision = 'opt_out' AND ${SAME_SCOPE("c", "s")}
                       AND c.effective_from <= s.effective_from
                       AND (c.effective_to IS NULL OR c.effective_to > s.effective_from))`,
  );
  inserted += await insertDecisions(client, "opt_out", recorded);
  ended += await closeOptOuts(client, runId);

  const { rows } = await client.query<{ valid: string; known: string }>(
    `SELECT count(*)::text AS valid, count(*) FILTER (WHERE known)::text AS known FROM consent_stage WHERE valid`,
  );
  return {
    valid: Number(rows[0]?.valid ?? 0),
    inserted,
    updated: 0,
    ended,
    unchanged: Number(rows[0]?.known ?? 0),
    patientsCreated: 0,
    lateRejected: late,
  };
}

async function insertDecisions(
  client: SqlClient,
  decision: "opt_in" | "opt_out",
  recorded: { by: string; source: string; runId: string },
): Promise<number> {
  const res = await client.query(
    `INSERT INTO consents (patient_id, decision, organization_id, program, effective_from, recorded_by, note,
                           source, import_run_id)
     SELECT patient_id, decision, organization_id, program, effective_from, $2, note, $3, $4
       FROM consent_stage WHERE valid AND known IS NOT TRUE AND decision = $1
      ORDER BY line`,
    [decision, recorded.by, recorded.source, recorded.runId],
  );
  return res.rowCount ?? 0;
}

/**
 * Closes the open opt-outs of this file's patients that an opt-in covers (the same organization or
 * all, the same programme or all) from a later day: they end on the first such opt-in. A same-day
 * opt-in does not close an opt-out: between two decisions of one day, the one that tells no one wins.
 */
async function closeOptOuts(client: SqlClient, runId: string): Promise<number> {
  const res = await client.query(
    `UPDATE consents o SET effective_to = i.first_in, ended_by_run_id = $1
       FROM (SELECT o2.id, min(i2.effective_from) AS first_in
               FROM consents o2
               JOIN consents i2 ON i2.patient_id = o2.patient_id AND i2.decision = 'opt_in'
                AND i2.effective_from > o2.effective_from
                AND (i2.organization_id IS NULL OR i2.organization_id = o2.organization_id)
                AND (i2.program IS NULL OR i2.program = o2.program)
              WHERE o2.decision = 'opt_out' AND o2.effective_to IS NULL
                AND o2.patient_id IN (SELECT patient_id FROM consent_stage WHERE valid)
              GROUP BY o2.id) i
      WHERE o.id = i.id`,
    [runId],
  );
  return res.rowCount ?? 0;
}
