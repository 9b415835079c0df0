import type { Pool } from "@homeward/db";

/**
 * The matcher's set-based reads of patients for its in-memory identity index (reference-data.ts):
 * one query per table, never one per event or field. Attributions, enrollments, opt-outs,
 * organizations, recipients and rules come from @homeward/routing's loader.
 */

/** One row of demographics: the patient's own (`patient_id` = its id) or one source's. */
export interface DemographicsRow {
  patient_id: string;
  family_name: string | null;
  given_name: string | null;
  middle_name: string | null;
  birth_date: string | null;
  sex: string | null;
  postal_code: string | null;
  phone: string | null;
}

export interface IdentifierRow {
  patient_id: string;
  assigning_authority: string;
  type_code: string;
  value: string;
}

export interface SensitivePlaceRow {
  sending_facility: string;
  sending_application: string;
  location: string;
}

/**
 * The demographics of every patient with an attribution or enrollment in force at some time since
 * `since` (YYYY-MM-DD): the patient rows, then each source's own; every identifier; the active
 * sensitive places.
 */
export async function loadIdentityRows(
  pool: Pool,
  since: string,
): Promise<{
  patients: DemographicsRow[];
  demographics: DemographicsRow[];
  identifiers: IdentifierRow[];
  sensitive: SensitivePlaceRow[];
}> {
  const recent = "(effective_to IS NULL OR effective_to > $1)";
  const [patients, demographics, identifiers, sensitive] = await Promise.all([
    pool.query<DemographicsRow>(
      `SELECT id AS patient_id, family_name, given_name, middle_name, birth_date::text AS birth_date, sex, postal_code, phone
           FROM patients WHERE id IN (SELECT patient_id FROM attributions WHERE ${recent}
                                      UNION SELECT patient_id FROM care_management_enrollments WHERE ${recent})`,
      [since],
    ),
    pool.query<DemographicsRow>(
      `SELECT patient_id, family_name, given_name, middle_name, birth_date::text AS birth_date, sex, postal_code, phone
           FROM patient_demographics
          WHERE patient_id IN (SELECT patient_id FROM attributions WHERE ${recent}
                               UNION SELECT patient_id FROM care_management_enrollments WHERE ${recent})`,
      [since],
    ),
    pool.query<IdentifierRow>(
      "SELECT patient_id, assigning_authority, type_code, value FROM patient_identifiers",
    ),
    pool.query<SensitivePlaceRow>(
      "SELECT sending_facility, sending_application, location FROM sensitive_facilities WHERE active",
    ),
  ]);
  return {
    patients: patients.rows,
    demographics: demographics.rows,
    identifiers: identifiers.rows,
    sensitive: sensitive.rows,
  };
}
