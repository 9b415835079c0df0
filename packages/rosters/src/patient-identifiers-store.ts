import type { Pool, PoolClient } from "@homeward/db";

/** An identifier as an ADT event carries it (contracts `Identifier`, by what this needs). */
export interface IdentifierToTeach {
  value: string;
  typeCode?: string | undefined;
  assigningAuthority?: string | undefined;
}

/**
 * Gives `patientId` the identifiers it does not hold yet, so the next event under them matches:
 * what a hospital merge (A40) and a reviewer's confirmation both do. Only identifiers with an
 * assigning authority and a type are keyed; one already held by another patient stays with them
 * (an identifier names exactly one patient) and is counted, never moved. `source` says who taught
 * it (`feed:merge:<event id>`, `review:<event id>`), kept on the identifier like an import's.
 */
export async function addPatientIdentifiers(
  db: Pool | PoolClient,
  patientId: string,
  identifiers: readonly IdentifierToTeach[],
  source: string,
): Promise<{ added: number; heldByOthers: number }> {
  const outcome = { added: 0, heldByOthers: 0 };
  for (const id of identifiers) {
    if (id.assigningAuthority === undefined || id.typeCode === undefined) continue;
    const inserted = await db.query(
      `INSERT INTO patient_identifiers (patient_id, assigning_authority, type_code, value, source)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (assigning_authority, type_code, value) DO NOTHING`,
      [patientId, id.assigningAuthority, id.typeCode, id.value, source],
    );
    if (inserted.rowCount === 1) {
      outcome.added++;
      continue;
    }
    const holder = await db.query(
      `SELECT 1 FROM patient_identifiers
        WHERE assigning_authority = $1 AND type_code = $2 AND value = $3 AND patient_id <> $4`,
      [id.assigningAuthority, id.typeCode, id.value, patientId],
    );
    if ((holder.rowCount ?? 0) > 0) outcome.heldByOthers++;
  }
  return outcome;
}
