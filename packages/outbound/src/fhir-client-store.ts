import type { Pool, PoolClient } from "@homeward/db";

/**
 * The fhir_clients and fhir_client_assertions tables' only SQL: an organization's registered FHIR
 * clients (SMART Backend Services: public keys, allowed scopes) and the jti of every assertion
 * already traded for a token, so none is accepted twice.
 */

type Db = Pool | PoolClient;

/** A public JWK as registered (RSA or EC P-384); never a private part. */
export type PublicJwk = Record<string, unknown> & { kty: string };

export interface FhirClient {
  id: string;
  organizationId: string;
  name: string;
  jwks: { keys: PublicJwk[] };
  scopes: string[];
  enabled: boolean;
  createdBy: string;
  createdAt: string;
}

const COLUMNS = `id, organization_id::text AS "organizationId", name, jwks, scopes, enabled,
  created_by AS "createdBy", to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS "createdAt"`;

/** Registers a client (enabled). */
export async function createFhirClient(
  db: Db,
  c: Pick<FhirClient, "id" | "organizationId" | "name" | "jwks" | "scopes" | "createdBy">,
): Promise<FhirClient> {
  const { rows } = await db.query<FhirClient>(
    `INSERT INTO fhir_clients (id, organization_id, name, jwks, scopes, created_by)
     VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${COLUMNS}`,
    [c.id, c.organizationId, c.name, JSON.stringify(c.jwks), c.scopes, c.createdBy],
  );
  return rows[0] as FhirClient;
}

export async function findFhirClient(db: Db, id: string): Promise<FhirClient | undefined> {
  const { rows } = await db.query<FhirClient>(`SELECT ${COLUMNS} FROM fhir_clients WHERE id = $1`, [id]);
  return rows[0];
}

/** The clients of some organizations (undefined: all), newest first. */
export async function listFhirClients(
  db: Db,
  organizationIds: readonly string[] | undefined,
): Promise<FhirClient[]> {
  const { rows } = await db.query<FhirClient>(
    `SELECT ${COLUMNS} FROM fhir_clients
     WHERE $1::bigint[] IS NULL OR organization_id = ANY($1::bigint[])
     ORDER BY created_at DESC, id`,
    [organizationIds === undefined ? null : [...organizationIds]],
  );
  return rows;
}

/** Enables or disables a client; a disabled client gets no token and its tokens stop working. */
export async function setFhirClientEnabled(
  db: Db,
  id: string,
  enabled: boolean,
): Promise<FhirClient | undefined> {
  const { rows } = await db.query<FhirClient>(
    `UPDATE fhir_clients SET enabled = $2, updated_at = now() WHERE id = $1 RETURNING ${COLUMNS}`,
    [id, enabled],
  );
  return rows[0];
}

/**
 * Remembers an assertion's jti until it expires; false when the client already used it (a replay).
 * Expired entries of the client are dropped on the way.
 */
export async function claimAssertionJti(
  db: Db,
  clientId: string,
  jti: string,
  expiresAt: Date,
  now: Date,
): Promise<boolean> {
  await db.query("DELETE FROM fhir_client_assertions WHERE client_id = $1 AND expires_at < $2", [
    clientId,
    now,
  ]);
  const result = await db.query(
    `INSERT INTO fhir_client_assertions (client_id, jti, expires_at) VALUES ($1, $2, $3)
     ON CONFLICT DO NOTHING`,
    [clientId, jti, expiresAt],
  );
  return (result.rowCount ?? 0) === 1;
}
