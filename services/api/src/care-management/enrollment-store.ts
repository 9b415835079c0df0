import { notifyReferenceChanged, type Pool, type PoolClient } from "@homeward/db";
import type { Enrollment, EnrollmentPatch, GoalVersion } from "./enrollment-schemas.ts";
import type { ListedPatient } from "./high-risk-ranking.ts";

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
 * Changes the lead organization, status, tier, goal or care manager of an open enrollment the way imports do:
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
    if (patch.riskTier !== undefined) set("risk_tier", patch.riskTier);
    if (patch.careManagerRecipientId !== undefined)
      set("care_manager_recipient_id", patch.careManagerRecipientId);
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

/**
 * Every open enrollment of the combined list of a practice and a plan, grouped by patient: the
 * practice's own list, and the plan's rows about the practice's population (rows naming the
 * practice, or patients with an open attribution to it). Ended rows are left out.
 */
export async function combinedListEnrollments(
  pool: Pool,
  opts: { practiceId: string; planId: string | undefined },
): Promise<ListedPatient[]> {
  const { rows } = await pool.query<
    EnrollmentRow & { family_name: string | null; given_name: string | null; birth_date: string | null }
  >(
    `SELECT x.*, p.family_name, p.given_name, to_char(p.birth_date, 'YYYY-MM-DD') AS birth_date FROM (
       ${ENROLLMENT_SELECT}
        WHERE e.effective_to IS NULL AND e.status <> 'ended'
          AND (e.listed_by_org_id = $1
               OR (e.listed_by_org_id = $2::bigint
                   AND (e.practice_org_id = $1
                        OR EXISTS (SELECT 1 FROM attributions a WHERE a.patient_id = e.patient_id
                                      AND a.practice_org_id = $1 AND a.effective_to IS NULL))))) x
       JOIN patients p ON p.id = x.patient_id::bigint
      ORDER BY x.patient_id::bigint, x.listed_by_kind = 'practice' DESC, x.program, x.id::bigint`,
    [opts.practiceId, opts.planId ?? null],
  );
  const byPatient = new Map<string, ListedPatient>();
  for (const r of rows) {
    let patient = byPatient.get(r.patient_id);
    if (patient === undefined) {
      patient = {
        id: r.patient_id,
        familyName: r.family_name,
        givenName: r.given_name,
        birthDate: r.birth_date,
        enrollments: [],
      };
      byPatient.set(r.patient_id, patient);
    }
    patient.enrollments.push(toEnrollment(r));
  }
  return [...byPatient.values()];
}

/**
 * The goal's versions of each enrollment, newest first: the rows of its chain (same patient,
 * program, list source and listing organization, begun no later than it) where the goal or whether
 * it is met changed. An edit made on the day a row began changes that row in place, so a day shows
 * its last version only.
 */
export async function goalHistories(
  pool: Pool,
  enrollmentIds: readonly string[],
): Promise<Map<string, GoalVersion[]>> {
  const histories = new Map<string, GoalVersion[]>();
  if (enrollmentIds.length === 0) return histories;
  const { rows } = await pool.query<{
    current_id: string;
    goal: string | null;
    goal_met: boolean | null;
    effective_from: string;
    effective_to: string | null;
  }>(
    `SELECT c.id::text AS current_id, h.goal, h.goal_met,
            to_char(h.effective_from, 'YYYY-MM-DD') AS effective_from, to_char(h.effective_to, 'YYYY-MM-DD') AS effective_to
       FROM care_management_enrollments c
       JOIN care_management_enrollments h
         ON h.patient_id = c.patient_id AND h.program = c.program AND h.source = c.source
        AND h.listed_by_org_id = c.listed_by_org_id AND h.effective_from <= c.effective_from
        AND (h.id = c.id OR h.effective_to IS NOT NULL)
      WHERE c.id = ANY($1::bigint[])
      ORDER BY c.id, h.effective_from, h.id`,
    [enrollmentIds],
  );
  for (const r of rows) {
    const versions = histories.get(r.current_id) ?? [];
    const last = versions.at(-1);
    if (last !== undefined && last.goal === r.goal && last.goalMet === r.goal_met) last.to = r.effective_to;
    else {
      if (last !== undefined) last.to = r.effective_from;
      versions.push({ goal: r.goal, goalMet: r.goal_met, from: r.effective_from, to: r.effective_to });
    }
    histories.set(r.current_id, versions);
  }
  for (const versions of histories.values()) versions.reverse();
  return histories;
}
