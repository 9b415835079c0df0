import type { Pool } from "@homeward/db";

/**
 * Which of the given organizations have tasks for each of the given patients: the organizations a
 * report that names patients (the misses lists) reads each patient under, for its access rows.
 * `organizationIds` null: every organization (a system admin).
 */
export async function taskOrganizationsOfPatients(
  pool: Pool,
  patientIds: readonly string[],
  organizationIds: readonly string[] | null,
): Promise<{ patientId: string; organizationId: string }[]> {
  const { rows } = await pool.query<{ patient_id: string; organization_id: string }>(
    `SELECT DISTINCT patient_id::text, organization_id::text FROM tasks
      WHERE patient_id = ANY($1::bigint[]) AND ($2::bigint[] IS NULL OR organization_id = ANY($2::bigint[]))`,
    [patientIds, organizationIds],
  );
  return rows.map((r) => ({ patientId: r.patient_id, organizationId: r.organization_id }));
}
