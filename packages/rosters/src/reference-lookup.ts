import type { Pool } from "@homeward/db";
import { listActiveRecipients, listOrganizationSummaries } from "@homeward/directory";

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
 * Loads every organization and active recipient (thousands at most, from @homeward/directory), so
 * that resolving a practice code or a care manager's e-mail on each of a million rows costs a map
 * lookup, and an unknown one becomes a row error with its line, not a failed join later.
 */
export async function loadReferenceLookup(pool: Pool): Promise<ReferenceLookup> {
  const byKey = new Map<string, OrganizationRef>();
  for (const o of await listOrganizationSummaries(pool)) {
    const ref = { id: o.id, code: o.code, kind: o.kind };
    byKey.set(o.code.toUpperCase(), ref);
    if (o.npi !== null) byKey.set(o.npi, ref);
  }
  const byEmail = new Map<string, string>();
  for (const r of await listActiveRecipients(pool))
    if (r.email !== null) byEmail.set(`${r.organizationId} ${r.email.toLowerCase()}`, r.id);
  return {
    organization: (codeOrNpi) => byKey.get(codeOrNpi.trim().toUpperCase()),
    recipient: (organizationId, email) => byEmail.get(`${organizationId} ${email.trim().toLowerCase()}`),
  };
}
