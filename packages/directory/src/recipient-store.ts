import type { Pool } from "@homeward/db";

/**
 * The recipients table's owner: the people who receive alerts and work tasks. A recipient who is a
 * clinician is linked to them by NPI, which is how routing finds a patient's PCP of record (the
 * attribution's PCP NPI → the clinician → that organization's `pcp` recipient).
 */

export type RecipientRole = "care_manager" | "pcp" | "supervisor";

export interface Recipient {
  id: string;
  organizationId: string;
  role: RecipientRole;
  displayName: string;
  email: string | null;
  pagerId: string | null;
  timeZone: string;
  active: boolean;
  /** The clinician's NPI, when the recipient is one. */
  npi: string | null;
}

/** What an admin sets on a recipient: all of it but its id and organization. */
export type RecipientFields = Omit<Recipient, "id" | "organizationId">;

/** Why a write was refused: the e-mail is taken in the organization, or the NPI is another's. */
export type RecipientConflict = "email-taken" | "npi-taken";

const SELECT = `SELECT r.id::text, r.organization_id::text AS "organizationId", r.role, r.display_name AS "displayName",
                       r.email, r.pager_id AS "pagerId", r.time_zone AS "timeZone", r.active, c.npi
                  FROM recipients r LEFT JOIN clinicians c ON c.id = r.clinician_id`;

export async function findRecipient(pool: Pool, id: string): Promise<Recipient | undefined> {
  const { rows } = await pool.query<Recipient>(`${SELECT} WHERE r.id = $1`, [id]);
  return rows[0];
}

/** Recipients of these organizations (all when `organizationIds` is null), by organization and name. */
export async function listRecipients(
  pool: Pool,
  filter: { organizationIds: readonly string[] | null; role?: RecipientRole; active?: boolean },
): Promise<Recipient[]> {
  const { rows } = await pool.query<Recipient>(
    `${SELECT} WHERE ($1::bigint[] IS NULL OR r.organization_id = ANY($1::bigint[]))
        AND ($2::text IS NULL OR r.role = $2) AND ($3::boolean IS NULL OR r.active = $3)
      ORDER BY r.organization_id, r.display_name, r.id`,
    [filter.organizationIds, filter.role ?? null, filter.active ?? null],
  );
  return rows;
}

/**
 * The clinician with this NPI, created on first sight like a roster's PCP. A clinician already
 * linked to another organization's recipient is refused: one person's NPI must not route another
 * organization's patients' PCP alerts to a recipient who claims it.
 */
async function clinicianFor(
  pool: Pool,
  organizationId: string,
  npi: string | null,
  recipientId: string | null,
): Promise<string | null | "npi-taken"> {
  if (npi === null) return null;
  const { rows } = await pool.query<{ id: string; elsewhere: boolean }>(
    `WITH c AS (
       INSERT INTO clinicians (npi, organization_id) VALUES ($1, $2)
       ON CONFLICT (npi) DO UPDATE SET organization_id = coalesce(clinicians.organization_id, excluded.organization_id)
       RETURNING id)
     SELECT c.id::text, EXISTS (SELECT 1 FROM recipients r WHERE r.clinician_id = c.id
                                  AND r.organization_id <> $2 AND r.id IS DISTINCT FROM $3::bigint) AS elsewhere
       FROM c`,
    [npi, organizationId, recipientId],
  );
  const row = rows[0];
  if (row === undefined) return null;
  return row.elsewhere ? "npi-taken" : row.id;
}

const isUniqueViolation = (err: unknown) => (err as { code?: string }).code === "23505";

export async function createRecipient(
  pool: Pool,
  organizationId: string,
  fields: RecipientFields,
): Promise<Recipient | RecipientConflict> {
  const clinician = await clinicianFor(pool, organizationId, fields.npi, null);
  if (clinician === "npi-taken") return clinician;
  try {
    const { rows } = await pool.query<{ id: string }>(
      `INSERT INTO recipients (organization_id, clinician_id, role, display_name, email, pager_id, time_zone, active)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id::text`,
      [
        organizationId,
        clinician,
        fields.role,
        fields.displayName,
        fields.email,
        fields.pagerId,
        fields.timeZone,
        fields.active,
      ],
    );
    const created = await findRecipient(pool, rows[0]?.id ?? "");
    if (created === undefined) throw new Error("recipient vanished after insert");
    return created;
  } catch (err) {
    if (isUniqueViolation(err)) return "email-taken";
    throw err;
  }
}

/** Changes a recipient in place (recipients are deactivated, never deleted: tasks point at them). */
export async function updateRecipient(
  pool: Pool,
  current: Pick<Recipient, "id" | "organizationId">,
  fields: RecipientFields,
): Promise<Recipient | RecipientConflict> {
  const clinician = await clinicianFor(pool, current.organizationId, fields.npi, current.id);
  if (clinician === "npi-taken") return clinician;
  try {
    await pool.query(
      `UPDATE recipients SET clinician_id = $2, role = $3, display_name = $4, email = $5, pager_id = $6, time_zone = $7,
              active = $8, updated_at = now() WHERE id = $1`,
      [
        current.id,
        clinician,
        fields.role,
        fields.displayName,
        fields.email,
        fields.pagerId,
        fields.timeZone,
        fields.active,
      ],
    );
  } catch (err) {
    if (isUniqueViolation(err)) return "email-taken";
    throw err;
  }
  const updated = await findRecipient(pool, current.id);
  if (updated === undefined) throw new Error("recipient vanished after update");
  return updated;
}

/** An active recipient as routing and imports find them: by organization and role, NPI or e-mail. */
export interface ActiveRecipient {
  id: string;
  organizationId: string;
  role: RecipientRole;
  email: string | null;
  /** The clinician's NPI, when the recipient is one. */
  npi: string | null;
}

/** Every active recipient (thousands at most), by id. */
export async function listActiveRecipients(pool: Pool): Promise<ActiveRecipient[]> {
  const { rows } = await pool.query<ActiveRecipient>(
    `SELECT r.id::text, r.organization_id::text AS "organizationId", r.role, r.email, c.npi
       FROM recipients r LEFT JOIN clinicians c ON c.id = r.clinician_id
      WHERE r.active ORDER BY r.id`,
  );
  return rows;
}

/**
 * The id of the organization's recipient with this e-mail, created the first time (a seed run again
 * leaves an admin's changes alone). Throws when the NPI is another organization's recipient's.
 */
export async function ensureRecipient(
  pool: Pool,
  organizationId: string,
  fields: RecipientFields & { email: string },
): Promise<string> {
  const clinician = await clinicianFor(pool, organizationId, fields.npi, null);
  if (clinician === "npi-taken") throw new Error("the recipient's NPI is another organization's recipient's");
  const { rows } = await pool.query<{ id: string }>(
    `INSERT INTO recipients (organization_id, clinician_id, role, display_name, email, pager_id, time_zone, active)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     ON CONFLICT (organization_id, lower(email)) WHERE email IS NOT NULL
     DO UPDATE SET clinician_id = recipients.clinician_id
     RETURNING id::text`,
    [
      organizationId,
      clinician,
      fields.role,
      fields.displayName,
      fields.email,
      fields.pagerId,
      fields.timeZone,
      fields.active,
    ],
  );
  const id = rows[0]?.id;
  if (id === undefined) throw new Error("recipient upsert returned no row");
  return id;
}
