import type { Pool } from "@homeward/db";

/**
 * The owner of patient-data provenance: which organizations may name patients by which other
 * authorities' identifiers (agreements), and the disagreements between sources that wait for a
 * person. The imports write both tables; the admin API reads and decides through here.
 */

export interface IdentifierAgreement {
  id: string;
  organizationCode: string;
  assigningAuthority: string;
  /** `null`: every identifier type of the authority. */
  typeCode: string | null;
  note: string | null;
  createdAt: string;
}

const AGREEMENT_COLUMNS = `a.id::text, o.code AS organization_code, a.assigning_authority, a.type_code, a.note,
  to_char(a.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS created_at`;

interface AgreementRow {
  id: string;
  organization_code: string;
  assigning_authority: string;
  type_code: string | null;
  note: string | null;
  created_at: string;
}
const agreementOf = (r: AgreementRow): IdentifierAgreement => ({
  id: r.id,
  organizationCode: r.organization_code,
  assigningAuthority: r.assigning_authority,
  typeCode: r.type_code,
  note: r.note,
  createdAt: r.created_at,
});

/** Every agreement, by organization and authority. */
export async function listIdentifierAgreements(pool: Pool): Promise<IdentifierAgreement[]> {
  const { rows } = await pool.query<AgreementRow>(
    `SELECT ${AGREEMENT_COLUMNS} FROM organization_identifier_authorities a
       JOIN organizations o ON o.id = a.organization_id
      ORDER BY o.code, a.assigning_authority, a.type_code NULLS FIRST`,
  );
  return rows.map(agreementOf);
}

/**
 * Lets `organizationCode`'s imports name patients by `assigningAuthority` identifiers (of one
 * type, or all). Undefined when the organization does not exist; the existing agreement when the
 * same one is recorded already (adding it twice changes nothing).
 */
export async function addIdentifierAgreement(
  pool: Pool,
  input: {
    organizationCode: string;
    assigningAuthority: string;
    typeCode: string | null;
    note: string | null;
  },
): Promise<IdentifierAgreement | undefined> {
  const { rows } = await pool.query<AgreementRow>(
    `WITH org AS (SELECT id, code FROM organizations WHERE code = $1),
          added AS (
            INSERT INTO organization_identifier_authorities (organization_id, assigning_authority, type_code, note)
            SELECT id, $2, $3, $4 FROM org
            ON CONFLICT DO NOTHING RETURNING *)
     SELECT ${AGREEMENT_COLUMNS} FROM added a JOIN organizations o ON o.id = a.organization_id
     UNION ALL
     SELECT ${AGREEMENT_COLUMNS} FROM organization_identifier_authorities a JOIN org o ON o.id = a.organization_id
      WHERE upper(a.assigning_authority) = upper($2) AND coalesce(a.type_code, '') = coalesce($3, '')`,
    [input.organizationCode, input.assigningAuthority, input.typeCode, input.note],
  );
  const row = rows[0];
  return row === undefined ? undefined : agreementOf(row);
}

/**
 * Ends an agreement: the organization's later imports may no longer name patients by that
 * authority (what they linked stays, with its source). False when there was none.
 */
export async function removeIdentifierAgreement(pool: Pool, id: string): Promise<boolean> {
  const res = await pool.query("DELETE FROM organization_identifier_authorities WHERE id = $1", [id]);
  return (res.rowCount ?? 0) > 0;
}

/** One side of a conflict: what one source says of the patient. */
export interface SourceDemographics {
  /** The organization whose file said it; null for a record entered without a source. */
  organizationCode: string | null;
  source: string;
  familyName: string | null;
  givenName: string | null;
  birthDate: string | null;
  sex: string | null;
}

export interface DemographicConflict {
  id: string;
  patientId: string;
  fields: string[];
  status: "pending" | "resolved";
  createdAt: string;
  decidedBy: string | null;
  /** The source whose import found the disagreement, and the one it disagrees with. */
  sources: [SourceDemographics, SourceDemographics];
}

interface ConflictRow {
  id: string;
  patient_id: string;
  fields: string[];
  status: "pending" | "resolved";
  created_at: string;
  decided_by: string | null;
  a: SourceDemographics;
  b: SourceDemographics;
}

const SIDE = (alias: string) => `json_build_object(
  'organizationCode', ${alias}_org.code, 'source', ${alias}.source, 'familyName', ${alias}.family_name,
  'givenName', ${alias}.given_name, 'birthDate', ${alias}.birth_date::text, 'sex', ${alias}.sex)`;

/** Conflicts between sources with both sides' values (PHI: system admins only), oldest first. */
export async function listDemographicConflicts(
  pool: Pool,
  query: { status: "pending" | "resolved"; limit: number; offset: number },
): Promise<DemographicConflict[]> {
  const { rows } = await pool.query<ConflictRow>(
    `SELECT c.id::text, c.patient_id::text, c.fields, c.status, c.decided_by,
            to_char(c.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS created_at,
            ${SIDE("d")} AS a,
            CASE WHEN c.other_id IS NULL THEN json_build_object(
                   'organizationCode', NULL, 'source', 'patient record', 'familyName', p.family_name,
                   'givenName', p.given_name, 'birthDate', p.birth_date::text, 'sex', p.sex)
                 ELSE ${SIDE("o")} END AS b
       FROM demographic_conflicts c
       JOIN patient_demographics d ON d.id = c.demographics_id
       LEFT JOIN organizations d_org ON d_org.id = d.source_org_id
       LEFT JOIN patient_demographics o ON o.id = c.other_id
       LEFT JOIN organizations o_org ON o_org.id = o.source_org_id
       JOIN patients p ON p.id = c.patient_id
      WHERE c.status = $1
      ORDER BY c.created_at, c.id LIMIT $2 OFFSET $3`,
    [query.status, query.limit, query.offset],
  );
  return rows.map((r) => ({
    id: r.id,
    patientId: r.patient_id,
    fields: r.fields,
    status: r.status,
    createdAt: r.created_at,
    decidedBy: r.decided_by,
    sources: [r.a, r.b],
  }));
}

/**
 * Marks a conflict looked at. Nothing of either source is changed: the fix for a wrong source is
 * that organization's next file (or an ended agreement), and the matcher keeps comparing events
 * with both. Returns the patient it was about, or why not.
 */
export async function resolveDemographicConflict(
  pool: Pool,
  input: { id: string; actor: string; now: Date },
): Promise<{ patientId: string } | "not-found" | "not-pending"> {
  const { rows } = await pool.query<{ patient_id: string; was: string }>(
    `UPDATE demographic_conflicts c SET status = 'resolved', decided_by = $2, decided_at = $3
       FROM (SELECT id, status AS was FROM demographic_conflicts WHERE id = $1 FOR UPDATE) old
      WHERE c.id = old.id AND old.was = 'pending'
      RETURNING c.patient_id::text, old.was`,
    [input.id, input.actor, input.now],
  );
  const row = rows[0];
  if (row !== undefined) return { patientId: row.patient_id };
  const exists = await pool.query("SELECT 1 FROM demographic_conflicts WHERE id = $1", [input.id]);
  return (exists.rowCount ?? 0) > 0 ? "not-pending" : "not-found";
}
