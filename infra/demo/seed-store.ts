/**
 * The few reads and writes the demo's seed makes beside the owners' functions (@homeward/directory,
 * @homeward/rosters): when its first list import ran, the patients its member ids name, and its PCP
 * in the clinicians table.
 */
import type { Pool } from "@homeward/db";

/**
 * The start of the first completed (not dry-run) import of `source`, or undefined before there is
 * one: the demo tells its past from it, so every later run replays the same past with the same ids.
 */
export async function firstCompletedImport(pool: Pool, source: string): Promise<Date | undefined> {
  const { rows } = await pool.query<{ at: Date | null }>(
    `SELECT min(started_at) AS at FROM import_runs
      WHERE source = $1 AND status = 'completed' AND NOT dry_run`,
    [source],
  );
  return rows[0]?.at ?? undefined;
}

/** The patient each member id (type MB of `authority`) names, by member id. */
export async function patientIdsByMemberId(
  pool: Pool,
  authority: string,
  memberIds: readonly string[],
): Promise<Map<string, string>> {
  const { rows } = await pool.query<{ value: string; patient_id: string }>(
    `SELECT value, patient_id::text FROM patient_identifiers
      WHERE assigning_authority = $1 AND type_code = 'MB' AND value = ANY($2::text[])`,
    [authority, [...memberIds]],
  );
  return new Map(rows.map((r) => [r.value, r.patient_id]));
}

/** Adds the clinician (by NPI) or moves it to `organizationId`; returns its id. */
export async function upsertClinician(
  pool: Pool,
  clinician: { npi: string; family: string; given: string; organizationId: string },
): Promise<string> {
  const { rows } = await pool.query<{ id: string }>(
    `INSERT INTO clinicians (npi, family_name, given_name, organization_id) VALUES ($1, $2, $3, $4)
     ON CONFLICT (npi) DO UPDATE SET organization_id = EXCLUDED.organization_id RETURNING id::text`,
    [clinician.npi, clinician.family, clinician.given, clinician.organizationId],
  );
  return rows[0]?.id ?? "";
}
