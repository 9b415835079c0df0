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

/** Who is importing, and as which source: what decides which patients the rows may name. */
export interface ImportOwner {
  /** The importing organization. */
  organizationId: string;
  /** Its code: identifiers of this assigning authority are its own. */
  code: string;
  /** The roster source (`import_runs.source`): its demographics are kept as this source's. */
  source: string;
  runId: string;
  /** The roster's date: relationships open on it entitle the organization to name a patient. */
  asOf: string;
}

/**
 * Whether the importing organization ($1 id, $2 code) may name patients by identifiers of this
 * authority and type: its own code, or an agreement in organization_identifier_authorities.
 */
const entitled = (authority: string, type: string) => `(
  upper(${authority}) = upper($2)
  OR EXISTS (SELECT 1 FROM organization_identifier_authorities oa
              WHERE oa.organization_id = $1 AND upper(oa.assigning_authority) = upper(${authority})
                AND (oa.type_code IS NULL OR upper(oa.type_code) = upper(${type}))))`;

/**
 * Whether the importing organization ($1) has the patient on a roster or list open on the as-of
 * day ($3): attributed to it (as practice, or by a roster it sent), or on a care-management list it
 * sent or that names it as the practice.
 */
const related = (patient: string) => `EXISTS (
  SELECT 1 FROM attributions a LEFT JOIN import_runs r ON r.id = a.import_run_id
   WHERE a.patient_id = ${patient} AND (a.practice_org_id = $1 OR r.organization_id = $1)
     AND a.effective_from <= $3::date AND (a.effective_to IS NULL OR a.effective_to > $3::date)
  UNION ALL
  SELECT 1 FROM care_management_enrollments e
   WHERE e.patient_id = ${patient} AND (e.listed_by_org_id = $1 OR e.practice_org_id = $1)
     AND e.effective_from <= $3::date AND (e.effective_to IS NULL OR e.effective_to > $3::date))`;

/**
 * Gives every valid staged row a patient: the one its identifier already names; else the one its
 * second identifier names (a panel's member id links to the payer's record of the same person);
 * else a new patient. A row whose two identifiers name two different patients is refused rather
 * than guessed at: a wrong link would route one person's alerts to another's practice.
 *
 * Ownership (DESIGN.md, the trust model): an identifier of an authority the organization is not
 * entitled to (not its own code, no agreement) may only name a patient the organization already
 * has on an open roster or list; it never creates a patient or an identifier. The refusal reads the
 * same whether or not the patient exists, so an upload cannot probe for other organizations' patients.
 * The row's demographics are this source's own (`patient_demographics`); the `patients` row changes
 * only for the organization that created it, and a disagreement with another source is kept for
 * review (`demographic_conflicts`), never written over it.
 * Leaves `roster_patients(id_authority, id_type, id_value, patient_id)` for the merge steps.
 */
export async function resolvePatients(
  client: SqlClient,
  owner: ImportOwner,
): Promise<{ created: number; conflicts: LateRowError[]; demographicConflicts: number }> {
  const who = [owner.organizationId, owner.code, owner.asOf];
  await client.query(
    `
    CREATE TEMP TABLE roster_patients ON COMMIT DROP AS
    SELECT DISTINCT ON (s.id_authority, s.id_type, s.id_value)
           s.line, s.id_authority, s.id_type, s.id_value, s.id2_authority, s.id2_type, s.id2_value,
           s.family_name, s.given_name, s.middle_name, s.birth_date, s.sex, s.postal_code, s.phone,
           p1.patient_id AS primary_patient_id, p2.patient_id AS secondary_patient_id,
           coalesce(p1.patient_id, p2.patient_id) AS patient_id,
           (p1.patient_id IS NULL AND p2.patient_id IS NULL) AS is_new,
           ${entitled("s.id_authority", "s.id_type")} AS id_entitled,
           (s.id2_value IS NULL OR ${entitled("s.id2_authority", "s.id2_type")}) AS id2_entitled,
           (p1.patient_id IS NOT NULL AND ${related("p1.patient_id")}) AS p1_related,
           (p2.patient_id IS NOT NULL AND ${related("p2.patient_id")}) AS p2_related
      FROM roster_stage s
      LEFT JOIN patient_identifiers p1
        ON p1.assigning_authority = s.id_authority AND p1.type_code = s.id_type AND p1.value = s.id_value
      LEFT JOIN patient_identifiers p2
        ON p2.assigning_authority = s.id2_authority AND p2.type_code = s.id2_type AND p2.value = s.id2_value
     WHERE s.valid
     ORDER BY s.id_authority, s.id_type, s.id_value, s.line`,
    who,
  );

  const notEntitled = (authority: string) =>
    `${owner.code} may not name patients by ${authority} identifiers (no agreement with ${authority}), ` +
    `and this identifier is not of a patient on ${owner.code}'s open rosters or lists`;
  const { rows: refusedRows } = await client.query<{
    line: number;
    second: boolean;
    id_value: string;
    id2_value: string | null;
    authority: string;
  }>(`
    DELETE FROM roster_patients
     WHERE NOT (id_entitled OR p1_related) OR NOT (id2_entitled OR p2_related)
    RETURNING line, (id_entitled OR p1_related) AS second, id_value, id2_value,
              CASE WHEN id_entitled OR p1_related THEN id2_authority ELSE id_authority END AS authority`);
  const refused: LateRowError[] = refusedRows.map((r) => ({
    line: r.line,
    field: r.second ? "secondaryIdentifierValue" : "identifierValue",
    value: r.second ? r.id2_value : r.id_value,
    reason: notEntitled(r.authority),
  }));

  const { rows: conflictRows } = await client.query<{ line: number; id2_value: string }>(`
    DELETE FROM roster_patients
     WHERE primary_patient_id IS NOT NULL AND secondary_patient_id IS NOT NULL
       AND primary_patient_id <> secondary_patient_id
    RETURNING line, id2_value`);
  const conflicts: LateRowError[] = [
    ...refused,
    ...conflictRows.map((r) => ({
      line: r.line,
      field: "secondaryIdentifierValue" as const,
      value: r.id2_value,
      reason: "this identifier already belongs to a different patient than the row's main identifier",
    })),
  ];
  if (conflicts.length > 0) {
    await client.query("UPDATE roster_stage SET valid = false WHERE line = ANY($1::int[])", [
      conflicts.map((c) => c.line),
    ]);
  }

  await client.query(
    `UPDATE roster_patients SET patient_id = nextval(pg_get_serial_sequence('patients', 'id')) WHERE is_new`,
  );
  const created = await client.query(
    `INSERT INTO patients (id, family_name, given_name, middle_name, birth_date, sex, postal_code, phone, source_org_id)
     SELECT patient_id, family_name, given_name, middle_name, birth_date, sex, postal_code, phone, $1
       FROM roster_patients WHERE is_new`,
    [owner.organizationId],
  );

  // The creating organization's rosters refresh its patients row (a blank cell keeps what we had);
  // any other source's values stay in its own demographics row below.
  await client.query(
    `
    UPDATE patients p
       SET family_name = coalesce(r.family_name, p.family_name), given_name = coalesce(r.given_name, p.given_name),
           middle_name = coalesce(r.middle_name, p.middle_name), birth_date = coalesce(r.birth_date, p.birth_date),
           sex = coalesce(r.sex, p.sex), postal_code = coalesce(r.postal_code, p.postal_code),
           phone = coalesce(r.phone, p.phone), updated_at = now()
      FROM roster_patients r
     WHERE p.id = r.patient_id AND NOT r.is_new AND p.source_org_id = $1
       AND (coalesce(r.family_name, p.family_name), coalesce(r.given_name, p.given_name),
            coalesce(r.middle_name, p.middle_name), coalesce(r.birth_date, p.birth_date), coalesce(r.sex, p.sex),
            coalesce(r.postal_code, p.postal_code), coalesce(r.phone, p.phone))
           IS DISTINCT FROM
           (p.family_name, p.given_name, p.middle_name, p.birth_date, p.sex, p.postal_code, p.phone)`,
    [owner.organizationId],
  );

  await client.query(
    `
    INSERT INTO patient_identifiers (patient_id, assigning_authority, type_code, value, source_org_id, source, import_run_id)
    SELECT patient_id, id_authority, id_type, id_value, $1::bigint, $2, $3::bigint FROM roster_patients
     WHERE primary_patient_id IS NULL
    UNION ALL
    SELECT patient_id, id2_authority, id2_type, id2_value, $1::bigint, $2, $3::bigint FROM roster_patients
     WHERE secondary_patient_id IS NULL AND id2_value IS NOT NULL
    ON CONFLICT (assigning_authority, type_code, value) DO NOTHING`,
    [owner.organizationId, `roster:${owner.source}`, owner.runId],
  );
  const demographicConflicts = await keepSourceDemographics(client, owner);
  await client.query("ANALYZE roster_patients");
  return { created: created.rowCount ?? 0, conflicts, demographicConflicts };
}

/** The demographics fields two sources are compared on for a conflict (names only ever leave here). */
const CONFLICT_FIELDS = ["family_name", "given_name", "birth_date", "sex"] as const;

/**
 * Writes each row's demographics as this source's own (a blank cell keeps what the source said
 * before), then records, for a person to look at, every patient on whom this source and another
 * disagree on name, birth date or sex (or the patients row, for a patient entered without a
 * source, e.g. by SQL). Only the creating organization's imports have a source row that matches
 * the patients row, so comparing source rows covers every other case.
 * Returns how many new conflicts it recorded.
 */
async function keepSourceDemographics(client: SqlClient, owner: ImportOwner): Promise<number> {
  await client.query(
    `
    INSERT INTO patient_demographics AS d (patient_id, source_org_id, source, import_run_id, family_name, given_name,
                                           middle_name, birth_date, sex, postal_code, phone)
    SELECT patient_id, $1::bigint, $2, $3::bigint, family_name, given_name, middle_name, birth_date, sex, postal_code,
           phone
      FROM roster_patients
    ON CONFLICT (patient_id, coalesce(source_org_id, 0), source) DO UPDATE
       SET family_name = coalesce(excluded.family_name, d.family_name),
           given_name = coalesce(excluded.given_name, d.given_name),
           middle_name = coalesce(excluded.middle_name, d.middle_name),
           birth_date = coalesce(excluded.birth_date, d.birth_date), sex = coalesce(excluded.sex, d.sex),
           postal_code = coalesce(excluded.postal_code, d.postal_code), phone = coalesce(excluded.phone, d.phone),
           import_run_id = excluded.import_run_id, updated_at = now()
     WHERE (excluded.family_name, excluded.given_name, excluded.middle_name, excluded.birth_date, excluded.sex,
            excluded.postal_code, excluded.phone)
           IS DISTINCT FROM (d.family_name, d.given_name, d.middle_name, d.birth_date, d.sex, d.postal_code, d.phone)`,
    [owner.organizationId, owner.source, owner.runId],
  );
  const differs = (a: string, b: string) =>
    CONFLICT_FIELDS.map((f) =>
      f === "birth_date" || f === "sex"
        ? `CASE WHEN ${a}.${f} <> ${b}.${f} THEN '${f}' END`
        : `CASE WHEN upper(trim(${a}.${f})) <> upper(trim(${b}.${f})) THEN '${f}' END`,
    ).join(", ");
  const mine = `SELECT d.* FROM patient_demographics d
                 WHERE d.source_org_id = $1 AND d.source = $2
                   AND EXISTS (SELECT 1 FROM roster_patients r WHERE r.patient_id = d.patient_id)`;
  const inserted = await client.query(
    `
    INSERT INTO demographic_conflicts (patient_id, demographics_id, other_id, fields, import_run_id)
    SELECT patient_id, demographics_id, other_id, fields, $3::bigint FROM (
      SELECT m.patient_id, m.id AS demographics_id, o.id AS other_id,
             array_remove(ARRAY[${differs("m", "o")}], NULL) AS fields
        FROM (${mine}) m JOIN patient_demographics o ON o.patient_id = m.patient_id AND o.id <> m.id
      UNION ALL
      SELECT m.patient_id, m.id, NULL, array_remove(ARRAY[${differs("m", "p")}], NULL)
        FROM (${mine}) m JOIN patients p ON p.id = m.patient_id
       WHERE p.source_org_id IS NULL
    ) c
    WHERE cardinality(fields) > 0
    ON CONFLICT (demographics_id, coalesce(other_id, 0)) WHERE status = 'pending' DO NOTHING`,
    [owner.organizationId, owner.source, owner.runId],
  );
  return inserted.rowCount ?? 0;
}
