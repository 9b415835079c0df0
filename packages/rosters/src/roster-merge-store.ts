import type { ErrorLog } from "./csv-import.ts";
import { mergeEffectiveDated } from "./effective-dated-merge-store.ts";
import { rejectDuplicates, resolvePatients } from "./resolve-patients-store.ts";
import type { RosterKind } from "./roster-row.ts";
import type { SqlClient } from "./sql-client.ts";
import { countValid } from "./staging-store.ts";

const FIELD_LABEL = { identifierValue: "identifier", secondaryIdentifierValue: "second identifier" } as const;

/**
 * A roster's merge step, inside its import's transaction: refuses repeated rows, gives every valid
 * staged row a patient, then merges the desired rows into enrollments or attributions (with the
 * rows' PCPs added to clinicians) effective-dated as of the roster's date.
 */
export async function mergeStage(
  client: SqlClient,
  kind: RosterKind,
  ctx: { source: string; asOf: string; runId: string; listedBy: string; listedByCode: string },
  errors: ErrorLog,
) {
  const late = await rejectDuplicates(client, kind === "enrollment" ? "program" : "practice_org_id");
  const { created, conflicts, demographicConflicts } = await resolvePatients(client, {
    organizationId: ctx.listedBy,
    code: ctx.listedByCode,
    source: ctx.source,
    runId: ctx.runId,
    asOf: ctx.asOf,
  });
  for (const e of [...late, ...conflicts]) {
    errors.add({ line: e.line, column: `(${FIELD_LABEL[e.field]})`, value: e.value, reason: e.reason });
  }
  const valid = await countValid(client, "roster_stage");
  const merge = { source: ctx.source, asOf: ctx.asOf, runId: ctx.runId, endMissing: valid > 0 };
  let counts: Awaited<ReturnType<typeof mergeEffectiveDated>>;
  if (kind === "enrollment") {
    await client.query(
      `CREATE TEMP TABLE roster_desired ON COMMIT DROP AS
       SELECT DISTINCT ON (p.patient_id, s.program)
              p.patient_id, s.program, $1::bigint AS listed_by_org_id, s.practice_org_id, s.risk_tier,
              s.care_manager_recipient_id, s.lead_organization, s.status, s.goal, s.goal_met,
              s.plan_risk_score::numeric(10, 4) AS plan_risk_score, s.practice_flag, s.effective_from
         FROM roster_stage s JOIN roster_patients p USING (id_authority, id_type, id_value)
        WHERE s.valid
        ORDER BY p.patient_id, s.program, s.line`,
      [ctx.listedBy],
    );
    counts = await mergeEffectiveDated(client, ENROLLMENTS, merge);
  } else {
    await client.query(
      `INSERT INTO clinicians (npi, family_name, given_name)
       SELECT DISTINCT ON (pcp_npi) pcp_npi, pcp_family_name, pcp_given_name
         FROM roster_stage WHERE valid AND pcp_npi IS NOT NULL ORDER BY pcp_npi, line
       ON CONFLICT (npi) DO NOTHING`,
    );
    await client.query(
      `CREATE TEMP TABLE roster_desired ON COMMIT DROP AS
       SELECT DISTINCT ON (p.patient_id, s.practice_org_id)
              p.patient_id, s.practice_org_id, c.id AS pcp_clinician_id, s.effective_from
         FROM roster_stage s JOIN roster_patients p USING (id_authority, id_type, id_value)
         LEFT JOIN clinicians c ON c.npi = s.pcp_npi
        WHERE s.valid
        ORDER BY p.patient_id, s.practice_org_id, s.line`,
    );
    counts = await mergeEffectiveDated(client, { ...ATTRIBUTIONS, constants: { kind } }, merge);
  }
  const note =
    demographicConflicts === 0
      ? undefined
      : `${demographicConflicts} patient record(s) of this file disagree with another source's name, birth date or sex; ` +
        "both are kept and the disagreement waits in the review queue (nothing of the other source was changed)";
  return {
    ...counts,
    valid,
    patientsCreated: created,
    lateRejected: late.length + conflicts.length,
    ...(note === undefined ? {} : { note }),
  };
}

const ATTRIBUTIONS = {
  table: "attributions",
  keyColumns: ["patient_id", "practice_org_id"],
  trackedColumns: ["pcp_clinician_id"],
} as const;

const ENROLLMENTS = {
  table: "care_management_enrollments",
  keyColumns: ["patient_id", "program"],
  trackedColumns: [
    "listed_by_org_id",
    "practice_org_id",
    "risk_tier",
    "care_manager_recipient_id",
    "lead_organization",
    "status",
    "goal",
    "goal_met",
    "plan_risk_score",
    "practice_flag",
  ],
  constants: {},
} as const;
