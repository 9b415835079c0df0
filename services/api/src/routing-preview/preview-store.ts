import type { Pool } from "@homeward/db";

/** What the "who would be alerted" preview reads besides routing's own data: the patient, and the place. */

export interface PreviewPatient {
  id: string;
  givenName: string | null;
  familyName: string | null;
}

/** The patients an id or an identifier (value, and authority when given) names: none, one, or several. */
export async function findPreviewPatients(
  pool: Pool,
  by: { patientId: string } | { identifier: string; assigningAuthority: string | null },
): Promise<PreviewPatient[]> {
  const { rows } = await pool.query<PreviewPatient>(
    "patientId" in by
      ? `SELECT id::text, given_name AS "givenName", family_name AS "familyName" FROM patients WHERE id = $1`
      : `SELECT DISTINCT p.id::text, p.given_name AS "givenName", p.family_name AS "familyName"
           FROM patient_identifiers i JOIN patients p ON p.id = i.patient_id
          WHERE upper(i.value) = upper($1) AND ($2::text IS NULL OR upper(i.assigning_authority) = upper($2))
          ORDER BY 1 LIMIT 5`,
    "patientId" in by ? [by.patientId] : [by.identifier, by.assigningAuthority],
  );
  return rows;
}

/** Whether a sending facility is listed as sensitive as a whole (42 CFR Part 2): its events are suppressed. */
export async function isSensitiveFacility(pool: Pool, sendingFacility: string): Promise<boolean> {
  const { rows } = await pool.query(
    "SELECT 1 FROM sensitive_facilities WHERE active AND sending_facility = $1 AND location = '' LIMIT 1",
    [sendingFacility],
  );
  return rows.length > 0;
}
