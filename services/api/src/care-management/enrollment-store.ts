import { notifyReferenceChanged, type Pool, type PoolClient } from "@homeward/db";
import type { Enrollment, EnrollmentPatch } from "./enrollment-schemas.ts";

const ENROLLMENT_SELECT = `
  SELECT e.id::text, e.patient_id::text, e.program, e.listed_by_org_id::text, o.code AS listed_by_code,
         o.name AS listed_by_name, o.kind AS listed_by_kind, o.time_zone AS listed_by_time_zone,
         e.practice_org_id::text, e.risk_tier, e.care_manager_recipient_id::text AS cm_id,
         r.display_name AS cm_name, e.lead_organization, e.status, e.goal, e.goal_met, e.plan_risk_score::float8,
         e.practice_flag, to_char(e.effective_from, 'YYYY-MM-DD') AS effective_from, e.effective_to
    FROM care_management_enrollments e
    JOIN organizations o ON o.id = e.listed_by_org_id
    LEFT JOIN recipients r ON r.id = e.care_manager_recipient_id`;

interface EnrollmentRow {
  id: string;
  patient_id: string;
  program: string;
  listed_by_org_id: string;
  listed_by_code: string;
  listed_by_name: string;
  listed_by_kind: string;
  listed_by_time_zone: string;
  practice_org_id: string | null;
  risk_tier: Enrollment["riskTier"];
  cm_id: string | null;
  cm_name: string | null;
  lead_organization: Enrollment["leadOrganization"];
  status: Enrollment["status"];
  goal: string | null;
  goal_met: boolean | null;
  plan_risk_score: number | null;
  practice_flag: boolean | null;
  effective_from: string;
  effective_to: Date | null;
}

function toEnrollment(r: EnrollmentRow): Enrollment {
  return {
    id: r.id,
    patientId: r.patient_id,
    program: r.program,
    side: r.listed_by_kind === "practice" ? "practice" : "plan",
    listedBy: { id: r.listed_by_org_id, code: r.listed_by_code, name: r.listed_by_name },
    practiceOrganizationId: r.practice_org_id,
    riskTier: r.risk_tier,
    careManager: r.cm_id === null ? null : { id: r.cm_id, displayName: r.cm_name ?? "" },
    leadOrganization: r.lead_organization,
    status: r.status,
    goal: r.goal,
    goalMet: r.goal_met,
    planRiskScore: r.plan_risk_score,
    practiceFlag: r.practice_flag,
    effectiveFrom: r.effective_from,
  };
}

/** The open, not-ended enrollments of these patients on the lists of these organizations. */
export async function openEnrollments(
  pool: Pool,
  patientIds: readonly string[],
  listedBy: readonly string[],
): Promise<Enrollment[]> {
  if (patientIds.length === 0) return [];
  const { rows } = await pool.query<EnrollmentRow>(
    `${ENROLLMENT_SELECT}
      WHERE e.patient_id = ANY($1::bigint[]) AND e.listed_by_org_id = ANY($2::bigint[])
        AND e.effective_to IS NULL AND e.status <> 'ended'
      ORDER BY e.patient_id, e.listed_by_org_id, e.program, e.id`,
    [patientIds, listedBy],
  );
  return rows.map(toEnrollment);
}

/** The enrollment's two organizations (the listing one and the practice), for the access check. */
export async function enrollmentOwners(
  db: Pool | PoolClient,
  id: string,
): Promise<{ listedBy: string; practice: string | null; patientId: string; open: boolean } | undefined> {
  const { rows } = await db.query<EnrollmentRow>(`${ENROLLMENT_SELECT} WHERE e.id = $1`, [id]);
  const r = rows[0];
  return r === undefined
    ? undefined
    : {
        listedBy: r.listed_by_org_id,
        practice: r.practice_org_id,
        patientId: r.patient_id,
        open: r.effective_to === null,
      };
}

/**
 * Changes the lead organization, status or goal of an open enrollment the way imports do:
 * effective-dated, never overwriting history. A row that began before today is ended today and a
 * new row opens today with the change (so the enrollment's id changes: the answer has the new one);
 * a row that began today is changed in place. The matcher is told to reload (lead and status decide
 * who gets the alert). Returns undefined when the row is no longer open (changed meanwhile).
 * Note: the next import of the same list source compares against this row and may change it back.
 */
export async function updateEnrollment(
  pool: Pool,
  id: string,
  patch: EnrollmentPatch,
  now: Date,
  audit: (db: PoolClient) => Promise<void>,
): Promise<{ enrollment: Enrollment; replaced: string | null } | undefined> {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    const { rows } = await client.query<{ effective_to: Date | null; today: string; begins_today: boolean }>(
      `SELECT x.*, (x.effective_from >= x.today::date) AS begins_today FROM (
         SELECT e.effective_from, e.effective_to,
                to_char(($2::timestamptz AT TIME ZONE o.time_zone)::date, 'YYYY-MM-DD') AS today
           FROM care_management_enrollments e JOIN organizations o ON o.id = e.listed_by_org_id
          WHERE e.id = $1 FOR UPDATE OF e) x`,
      [id, now.toISOString()],
    );
    const row = rows[0];
    if (row === undefined || row.effective_to !== null) {
      await client.query("ROLLBACK");
      return undefined;
    }
    const sets: string[] = [];
    const values: unknown[] = [];
    const set = (column: string, value: unknown) => {
      values.push(value);
      sets.push(`${column} = $${values.length + 1}`);
    };
    if (patch.leadOrganization !== undefined) set("lead_organization", patch.leadOrganization);
    if (patch.status !== undefined) set("status", patch.status);
    if (patch.goal !== undefined) set("goal", patch.goal);
    if (patch.goalMet !== undefined) set("goal_met", patch.goalMet);
    let currentId = id;
    let replaced: string | null = null;
    if (row.begins_today) {
      await client.query(`UPDATE care_management_enrollments SET ${sets.join(", ")} WHERE id = $1`, [
        id,
        ...values,
      ]);
    } else {
      await client.query("UPDATE care_management_enrollments SET effective_to = $2::date WHERE id = $1", [
        id,
        row.today,
      ]);
      const copied = await client.query<{ id: string }>(
        `INSERT INTO care_management_enrollments (patient_id, program, listed_by_org_id, practice_org_id, risk_tier,
                care_manager_recipient_id, lead_organization, status, goal, goal_met, plan_risk_score, practice_flag,
                source, effective_from)
         SELECT patient_id, program, listed_by_org_id, practice_org_id, risk_tier, care_manager_recipient_id,
                lead_organization, status, goal, goal_met, plan_risk_score, practice_flag, source, $2::date
           FROM care_management_enrollments WHERE id = $1 RETURNING id::text`,
        [id, row.today],
      );
      currentId = copied.rows[0]?.id ?? id;
      replaced = id;
      await client.query(`UPDATE care_management_enrollments SET ${sets.join(", ")} WHERE id = $1`, [
        currentId,
        ...values,
      ]);
    }
    await audit(client);
    await notifyReferenceChanged(client);
    await client.query("COMMIT");
    const { rows: fresh } = await pool.query<EnrollmentRow>(`${ENROLLMENT_SELECT} WHERE e.id = $1`, [
      currentId,
    ]);
    const enrollment = fresh[0];
    return enrollment === undefined ? undefined : { enrollment: toEnrollment(enrollment), replaced };
  } catch (err) {
    await client.query("ROLLBACK").catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}
