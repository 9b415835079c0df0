import type { SqlClient } from "./sql-client.ts";

/** A row the set-based steps refused after reading (duplicates, identity conflicts). */
export interface LateRowError {
  line: number;
  field: "identifierValue" | "secondaryIdentifierValue";
  value: string | null;
  reason: string;
}

/**
 * Marks rows that repeat an earlier row's key (the same patient identifier and `keyColumn` value)
 * as invalid; the first occurrence wins.
 */
export async function rejectDuplicates(client: SqlClient, keyColumn: string): Promise<LateRowError[]> {
  const { rows } = await client.query<{ line: number; first: number; id_value: string }>(
    `UPDATE roster_stage s SET valid = false
       FROM (SELECT line, first_value(line) OVER w AS first
               FROM roster_stage WHERE valid
             WINDOW w AS (PARTITION BY id_authority, id_type, id_value, ${keyColumn} ORDER BY line)) d
      WHERE s.line = d.line AND d.line <> d.first
      RETURNING s.line, d.first, s.id_value`,
  );
  return rows.map((r) => ({
    line: r.line,
    field: "identifierValue",
    value: r.id_value,
    reason: `duplicate of line ${r.first}`,
  }));
}

/**
 * Gives every valid staged row a patient: the one its identifier already names; else the one its
 * second identifier names (a panel's member id links to the payer's record of the same person);
 * else a new patient. A row whose two identifiers name two different patients is refused rather
 * than guessed at: a wrong link would route one person's alerts to another's practice.
 * Leaves `roster_patients(id_authority, id_type, id_value, patient_id)` for the merge steps.
 */
export async function resolvePatients(
  client: SqlClient,
): Promise<{ created: number; conflicts: LateRowError[] }> {
  await client.query(`
    CREATE TEMP TABLE roster_patients ON COMMIT DROP AS
    SELECT DISTINCT ON (s.id_authority, s.id_type, s.id_value)
           s.line, s.id_authority, s.id_type, s.id_value, s.id2_authority, s.id2_type, s.id2_value,
           s.family_name, s.given_name, s.middle_name, s.birth_date, s.sex, s.postal_code, s.phone,
           p1.patient_id AS primary_patient_id, p2.patient_id AS secondary_patient_id,
           coalesce(p1.patient_id, p2.patient_id) AS patient_id,
           (p1.patient_id IS NULL AND p2.patient_id IS NULL) AS is_new
      FROM roster_stage s
      LEFT JOIN patient_identifiers p1
        ON p1.assigning_authority = s.id_authority AND p1.type_code = s.id_type AND p1.value = s.id_value
      LEFT JOIN patient_identifiers p2
        ON p2.assigning_authority = s.id2_authority AND p2.type_code = s.id2_type AND p2.value = s.id2_value
     WHERE s.valid
     ORDER BY s.id_authority, s.id_type, s.id_value, s.line`);

  const { rows: conflictRows } = await client.query<{ line: number; id2_value: string }>(`
    DELETE FROM roster_patients
     WHERE primary_patient_id IS NOT NULL AND secondary_patient_id IS NOT NULL
       AND primary_patient_id <> secondary_patient_id
    RETURNING line, id2_value`);
  const conflicts: LateRowError[] = conflictRows.map((r) => ({
    line: r.line,
    field: "secondaryIdentifierValue",
    value: r.id2_value,
    reason: "this identifier already belongs to a different patient than the row's main identifier",
  }));
  if (conflicts.length > 0) {
    await client.query("UPDATE roster_stage SET valid = false WHERE line = ANY($1::int[])", [
      conflicts.map((c) => c.line),
    ]);
  }

  await client.query(
    `UPDATE roster_patients SET patient_id = nextval(pg_get_serial_sequence('patients', 'id')) WHERE is_new`,
  );
  const created = await client.query(`
    INSERT INTO patients (id, family_name, given_name, middle_name, birth_date, sex, postal_code, phone)
    SELECT patient_id, family_name, given_name, middle_name, birth_date, sex, postal_code, phone
      FROM roster_patients WHERE is_new`);

  // Rosters refresh demographics (the matcher compares them); a blank cell keeps what we had.
  await client.query(`
    UPDATE patients p
       SET family_name = coalesce(r.family_name, p.family_name), given_name = coalesce(r.given_name, p.given_name),
           middle_name = coalesce(r.middle_name, p.middle_name), birth_date = coalesce(r.birth_date, p.birth_date),
           sex = coalesce(r.sex, p.sex), postal_code = coalesce(r.postal_code, p.postal_code),
           phone = coalesce(r.phone, p.phone), updated_at = now()
      FROM roster_patients r
     WHERE p.id = r.patient_id AND NOT r.is_new
       AND (coalesce(r.family_name, p.family_name), coalesce(r.given_name, p.given_name),
            coalesce(r.middle_name, p.middle_name), coalesce(r.birth_date, p.birth_date), coalesce(r.sex, p.sex),
            coalesce(r.postal_code, p.postal_code), coalesce(r.phone, p.phone))
           IS DISTINCT FROM
           (p.family_name, p.given_name, p.middle_name, p.birth_date, p.sex, p.postal_code, p.phone)`);

  await client.query(`
    INSERT INTO patient_identifiers (patient_id, assigning_authority, type_code, value)
    SELECT patient_id, id_authority, id_type, id_value FROM roster_patients WHERE primary_patient_id IS NULL
    UNION ALL
    SELECT patient_id, id2_authority, id2_type, id2_value FROM roster_patients
     WHERE secondary_patient_id IS NULL AND id2_value IS NOT NULL
    ON CONFLICT (assigning_authority, type_code, value) DO NOTHING`);
  await client.query("ANALYZE roster_patients");
  return { created: created.rowCount ?? 0, conflicts };
}
