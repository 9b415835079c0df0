import type { AdtEventKind } from "@homeward/contracts";
import type { Pool, PoolClient } from "@homeward/db";
import type { EndpointAuthKind, EndpointKind, EndpointTls, SmartBackendSettings } from "./endpoint.ts";
import { endpointSecretContext, openSecret, sealSecret } from "./secret-box.ts";

/**
 * The outbound_endpoints table's only SQL (the outbound family's owner). Secrets go in sealed and
 * come out only through {@link endpointSecret}, for the notifier's sender: the api's reads never
 * select them.
 */

type Db = Pool | PoolClient;

/** An endpoint as the api shows it: whether it has a secret, never the secret. */
export interface Endpoint {
  id: string;
  organizationId: string;
  name: string;
  kind: EndpointKind;
  url: string | null;
  host: string | null;
  port: number | null;
  authKind: EndpointAuthKind;
  /** smart_backend: the token URL, client id, key id and scope; null otherwise. */
  smart: SmartBackendSettings | null;
  /** TLS settings: MLLP over TLS, the server's CA, the client certificate (its key never returned). */
  tls: EndpointTls;
  hasTlsClientKey: boolean;
  hasSecret: boolean;
  eventKinds: AdtEventKind[];
  programs: string[];
  enabled: boolean;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
}

export interface EndpointFields {
  name: string;
  kind: EndpointKind;
  url: string | null;
  host: string | null;
  port: number | null;
  authKind: EndpointAuthKind;
  /** smart_backend's settings; omitted or null for the other kinds. */
  smart?: SmartBackendSettings | null;
  /** Omitted: no TLS settings of its own (plain MLLP; the system's CAs, no client certificate). */
  tls?: EndpointTls;
  eventKinds: readonly AdtEventKind[];
  programs: readonly string[];
  enabled: boolean;
}

interface Row {
  id: string;
  organization_id: string;
  name: string;
  kind: EndpointKind;
  url: string | null;
  host: string | null;
  port: number | null;
  auth_kind: EndpointAuthKind;
  token_url: string | null;
  client_id: string | null;
  key_id: string | null;
  scope: string | null;
  mllp_tls: boolean;
  tls_ca: string | null;
  tls_client_cert: string | null;
  has_tls_client_key: boolean;
  has_secret: boolean;
  event_kinds: AdtEventKind[];
  programs: string[];
  enabled: boolean;
  created_by: string;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = `id::text, organization_id::text, name, kind, url, host, port, auth_kind,
  token_url, client_id, key_id, scope, mllp_tls, tls_ca, tls_client_cert,
  tls_client_key_sealed IS NOT NULL AS has_tls_client_key, secret_sealed IS NOT NULL AS has_secret, event_kinds, programs, enabled, created_by, created_at, updated_at`;

const endpointOf = (r: Row): Endpoint => ({
  id: r.id,
  organizationId: r.organization_id,
  name: r.name,
  kind: r.kind,
  url: r.url,
  host: r.host,
  port: r.port,
  authKind: r.auth_kind,
  smart: smartOf(r),
  tls: { mllpTls: r.mllp_tls, caPem: r.tls_ca, clientCertPem: r.tls_client_cert },
  hasTlsClientKey: r.has_tls_client_key,
  hasSecret: r.has_secret,
  eventKinds: r.event_kinds,
  programs: r.programs,
  enabled: r.enabled,
  createdBy: r.created_by,
  createdAt: r.created_at.toISOString(),
  updatedAt: r.updated_at.toISOString(),
});

/** The SMART settings of a row (the CHECK keeps them all set or all null but the scope). */
function smartOf(r: {
  token_url: string | null;
  client_id: string | null;
  key_id: string | null;
  scope: string | null;
}): SmartBackendSettings | null {
  return r.token_url === null || r.client_id === null || r.key_id === null
    ? null
    : { tokenUrl: r.token_url, clientId: r.client_id, keyId: r.key_id, scope: r.scope };
}

export type EndpointConflict = "name-taken";

/**
 * Adds an endpoint; `secret` (a bearer token or webhook signing secret) is sealed under `key` with
 * the new row's id as context, in the same transaction.
 */
export async function createEndpoint(
  db: PoolClient,
  key: Buffer,
  input: {
    organizationId: string;
    fields: EndpointFields;
    secret: string | null;
    /** The client certificate's private key (PEM), sealed apart from the secret. */
    tlsClientKey?: string | null;
    createdBy: string;
  },
): Promise<Endpoint | EndpointConflict> {
  const f = input.fields;
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO outbound_endpoints (organization_id, name, kind, url, host, port, auth_kind, secret_sealed,
            event_kinds, programs, enabled, created_by, token_url, client_id, key_id, scope,
            mllp_tls, tls_ca, tls_client_cert, tls_client_key_sealed)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)
     ON CONFLICT (organization_id, name) DO NOTHING RETURNING id::text`,
    [
      input.organizationId,
      f.name,
      f.kind,
      f.url,
      f.host,
      f.port,
      f.authKind,
      // A placeholder the CHECK accepts; sealed with the id just below.
      input.secret === null ? null : "pending",
      f.eventKinds,
      f.programs,
      f.enabled,
      input.createdBy,
      ...smartParams(f.smart),
      ...tlsParams(f.tls),
      typeof input.tlsClientKey === "string" ? "pending" : null,
    ],
  );
  const id = rows[0]?.id;
  if (id === undefined) return "name-taken";
  if (input.secret !== null) await storeSecret(db, key, id, input.secret);
  if (typeof input.tlsClientKey === "string") await storeTlsKey(db, key, id, input.tlsClientKey);
  const created = await findEndpoint(db, id);
  if (created === undefined) throw new Error("endpoint vanished after insert");
  return created;
}

/** Changes an endpoint's fields; `secret`: a new one (sealed), null to drop it, undefined to keep it. */
export async function updateEndpoint(
  db: PoolClient,
  key: Buffer,
  id: string,
  fields: EndpointFields,
  secret: string | null | undefined,
  /** The client certificate's key: a new one, null to drop it, undefined to keep it. */
  tlsClientKey?: string | null,
): Promise<Endpoint | EndpointConflict | undefined> {
  const res = await db
    .query(
      `UPDATE outbound_endpoints SET name = $2, kind = $3, url = $4, host = $5, port = $6, auth_kind = $7,
              secret_sealed = CASE WHEN $8::boolean THEN NULL WHEN $9::boolean THEN 'pending' ELSE secret_sealed END,
              event_kinds = $10, programs = $11, enabled = $12, token_url = $13, client_id = $14, key_id = $15,
              scope = $16, mllp_tls = $17, tls_ca = $18, tls_client_cert = $19,
              tls_client_key_sealed = CASE WHEN $20::boolean THEN NULL WHEN $21::boolean THEN 'pending'
                                           ELSE tls_client_key_sealed END,
              updated_at = now()
        WHERE id = $1`,
      [
        id,
        fields.name,
        fields.kind,
        fields.url,
        fields.host,
        fields.port,
        fields.authKind,
        secret === null,
        typeof secret === "string",
        fields.eventKinds,
        fields.programs,
        fields.enabled,
        ...smartParams(fields.smart),
        ...tlsParams(fields.tls),
        tlsClientKey === null,
        typeof tlsClientKey === "string",
      ],
    )
    .catch((err: { code?: string; constraint?: string }) => {
      if (err.code === "23505") return "name-taken" as const;
      throw err;
    });
  if (res === "name-taken") return res;
  if ((res.rowCount ?? 0) === 0) return undefined;
  if (typeof secret === "string") await storeSecret(db, key, id, secret);
  if (typeof tlsClientKey === "string") await storeTlsKey(db, key, id, tlsClientKey);
  return findEndpoint(db, id);
}

const smartParams = (s: SmartBackendSettings | null | undefined) =>
  s === null || s === undefined ? [null, null, null, null] : [s.tokenUrl, s.clientId, s.keyId, s.scope];

const tlsParams = (t: EndpointTls | undefined) =>
  t === undefined ? [false, null, null] : [t.mllpTls, t.caPem, t.clientCertPem];

/** The sealing context of an endpoint's TLS client key: not the secret's, so neither opens as the other. */
const tlsKeyContext = (id: string) => `${endpointSecretContext(id)}:tls-client-key`;

async function storeTlsKey(db: Db, key: Buffer, id: string, pem: string): Promise<void> {
  await db.query("UPDATE outbound_endpoints SET tls_client_key_sealed = $2 WHERE id = $1", [
    id,
    sealSecret(key, tlsKeyContext(id), pem),
  ]);
}

/** The endpoint's TLS client key in clear, for the sender only; undefined when it has none. */
export async function endpointTlsClientKey(db: Db, key: Buffer, id: string): Promise<string | undefined> {
  const { rows } = await db.query<{ sealed: string | null }>(
    "SELECT tls_client_key_sealed AS sealed FROM outbound_endpoints WHERE id = $1",
    [id],
  );
  const sealed = rows[0]?.sealed;
  return sealed === null || sealed === undefined ? undefined : openSecret(key, tlsKeyContext(id), sealed);
}

async function storeSecret(db: Db, key: Buffer, id: string, secret: string): Promise<void> {
  await db.query("UPDATE outbound_endpoints SET secret_sealed = $2 WHERE id = $1", [
    id,
    sealSecret(key, endpointSecretContext(id), secret),
  ]);
}

export async function findEndpoint(db: Db, id: string): Promise<Endpoint | undefined> {
  const { rows } = await db.query<Row>(`SELECT ${COLUMNS} FROM outbound_endpoints WHERE id = $1`, [id]);
  return rows[0] === undefined ? undefined : endpointOf(rows[0]);
}

/** The endpoints of these organizations (null: all), by organization then name. */
export async function listEndpoints(db: Db, organizationIds: readonly string[] | null): Promise<Endpoint[]> {
  const { rows } = await db.query<Row>(
    `SELECT ${COLUMNS} FROM outbound_endpoints
      WHERE $1::bigint[] IS NULL OR organization_id = ANY($1::bigint[])
      ORDER BY organization_id, name`,
    [organizationIds],
  );
  return rows.map(endpointOf);
}

/** The enabled endpoints of one organization: what the notifier routes a matched record to. */
export async function enabledEndpoints(db: Db, organizationId: string): Promise<Endpoint[]> {
  const { rows } = await db.query<Row>(
    `SELECT ${COLUMNS} FROM outbound_endpoints WHERE organization_id = $1 AND enabled ORDER BY id`,
    [organizationId],
  );
  return rows.map(endpointOf);
}

/** The endpoint's secret in clear, for the sender only; undefined when it has none. */
export async function endpointSecret(db: Db, key: Buffer, id: string): Promise<string | undefined> {
  const { rows } = await db.query<{ secret_sealed: string | null }>(
    "SELECT secret_sealed FROM outbound_endpoints WHERE id = $1",
    [id],
  );
  const sealed = rows[0]?.secret_sealed;
  return sealed === null || sealed === undefined
    ? undefined
    : openSecret(key, endpointSecretContext(id), sealed);
}
