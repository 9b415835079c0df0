import { createHash } from "node:crypto";
import type { PoolClient } from "./pool.ts";

/** PostgreSQL cuts identifiers, channel names included, at 63 bytes (NAMEDATALEN - 1). */
const MAX_CHANNEL = 63;

/** `<prefix><schema>` for a plain schema name that fits; otherwise a cleaned, shortened name plus a hash of the real one. */
export function schemaChannel(prefix: string, schema: string): string {
  const plain = `${prefix}${schema}`;
  if (/^[a-z_][a-z0-9_]*$/.test(schema) && plain.length <= MAX_CHANNEL) return plain;
  const hash = createHash("sha256").update(schema).digest("hex").slice(0, 12);
  const cleaned = schema.toLowerCase().replace(/[^a-z0-9_]/g, "_");
  return `${prefix}${cleaned.slice(0, MAX_CHANNEL - prefix.length - hash.length - 1)}_${hash}`;
}

/** The connection's schema (its `current_schema()`, the first of its search_path). */
export async function currentSchema(client: Pick<PoolClient, "query">): Promise<string> {
  const { rows } = await client.query<{ schema: string | null }>("SELECT current_schema() AS schema");
  const schema = rows[0]?.schema;
  if (schema == null) throw new Error("no current schema to notify: the search_path names none that exists");
  return schema;
}

/**
 * The NOTIFY channel that says "reference data (rosters, enrollments, consents, sensitive
 * facilities, notification rules, taught identifiers) changed in `schema`". One per schema, since
 * NOTIFY is server-wide: tests and several installs keep their data in schemas of one database, and
 * an import into one must not make every other schema's matchers reload. `homeward_reference_<schema>`
 * for a plain schema name that fits; otherwise a cleaned, shortened name plus a hash of the real one.
 */
export function referenceChangedChannel(schema: string): string {
  return schemaChannel("homeward_reference_", schema);
}

/**
 * Tells the matchers of the connection's schema (its `current_schema()`, the first of its
 * search_path) that reference data changed. In a transaction, PostgreSQL delivers it at COMMIT and
 * drops it on ROLLBACK.
 */
export async function notifyReferenceChanged(client: Pick<PoolClient, "query">): Promise<void> {
  await client.query("SELECT pg_notify($1, '')", [referenceChangedChannel(await currentSchema(client))]);
}

/**
 * Listens, on a connection kept for it, for `schema`'s reference changes and calls `onChange` for
 * each (never for another schema's). Resolves once the LISTEN is in place; the returned function
 * stops listening.
 */
export async function listenReferenceChanged(
  client: PoolClient,
  schema: string,
  onChange: () => void,
): Promise<() => Promise<void>> {
  const channel = referenceChangedChannel(schema);
  const onNotification = (message: { channel: string }) => {
    if (message.channel === channel) onChange();
  };
  client.on("notification", onNotification);
  await client.query(`LISTEN "${channel}"`);
  return async () => {
    client.off("notification", onNotification);
    await client.query(`UNLISTEN "${channel}"`);
  };
}
