import { createHash } from "node:crypto";
import { fileURLToPath } from "node:url";
import { runner } from "node-pg-migrate";
import type { DbSettings } from "./pool.ts";

/** Versioned SQL migrations (`NNNN_name.sql`, with `-- Up Migration` / `-- Down Migration`). */
export const MIGRATIONS_DIR = fileURLToPath(new URL("../migrations", import.meta.url));

/**
 * Brings `settings.schema` up to the latest migration, creating the schema if needed.
 * The advisory lock is per schema, so parallel test runs (one schema each) don't wait on each
 * other while two service instances migrating the same schema still take turns.
 */
export async function migrate(
  settings: DbSettings,
  log: (msg: string) => void = () => {},
): Promise<string[]> {
  const lockValue = Number.parseInt(
    createHash("sha256").update(settings.schema).digest("hex").slice(0, 12),
    16,
  );
  const applied = await runner({
    databaseUrl: settings.url,
    dir: MIGRATIONS_DIR,
    direction: "up",
    schema: settings.schema,
    createSchema: true,
    migrationsTable: "schema_migrations",
    checkOrder: true,
    singleTransaction: true,
    lockValue,
    log,
  });
  return applied.map((m) => m.name);
}
