import type { Pool } from "@homeward/db";

export interface OrganizationRef {
  id: string;
  code: string;
  kind: "practice" | "health_plan" | "aco";
}

/** The organizations and recipients a roster may name, held in memory for the length of one import. */
export interface ReferenceLookup {
  /** By code (case-insensitive) or group NPI. */
  organization(codeOrNpi: string): OrganizationRef | undefined;
  /** An active recipient of `organizationId` by e-mail (case-insensitive); its id. */
  recipient(organizationId: string, email: string): string | undefined;
}

/**
 * Loads every organization and recipient (thousands at most), so that resolving a practice code or
 * a care manager's e-mail on each of a million rows costs a map lookup, and an unknown one becomes
 * a row error with its line, not a failed join later.
 */
export async function loadReferenceLookup(pool: Pool): Promise<ReferenceLookup> {
  const orgs = await pool.query<OrganizationRef & { npi: string | null }>(
    "SELECT id::text, code, kind, npi FROM organizations",
  );
  const byKey = new Map<string, OrganizationRef>();
  for (const o of orgs.rows) {
    const ref = { id: o.id, code: o.code, kind: o.kind };
    byKey.set(o.code.toUpperCase(), ref);
    if (o.npi !== null) byKey.set(o.npi, ref);
  }
  const recipients = await pool.query<{ id: string; organization_id: string; email: string }>(
    "SELECT id::text, organization_id::text, lower(email) AS email FROM recipients WHERE active AND email IS NOT NULL",
  );
  const byEmail = new Map<string, string>();
  for (const r of recipients.rows) byEmail.set(`${r.organization_id} ${r.email}`, r.id);
  return {
    organization: (codeOrNpi) => byKey.get(codeOrNpi.trim().toUpperCase()),
    recipient: (organizationId, email) => byEmail.get(`${organizationId} ${email.trim().toLowerCase()}`),
  };
}
