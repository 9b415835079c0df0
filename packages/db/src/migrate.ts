import { createHash } from "node:crypto";
import { fileURLToPath } from "node:url";
import { runner } from "node-pg-migrate";
import pg from "pg";
import { pgConnectionOptions } from "./connection-options.ts";
import type { DbSettings } from "./pool.ts";

/** Versioned SQL migrations (`NNNN_name.sql`, with `-- Up Migration` / `-- Down Migration`). */
export const MIGRATIONS_DIR = fileURLToPath(new URL("../migrations", import.meta.url));

/** How long `migrate` waits for another process's migration of the same schema (MIGRATION_LOCK_TIMEOUT_SECONDS). */
export const DEFAULT_MIGRATION_LOCK_TIMEOUT_SECONDS = 60;

/**
 * The advisory lock key of a schema's migrations: per schema, so parallel test runs (one schema
 * each) don't wait on each other while services migrating the same schema take turns. The same
 * key node-pg-migrate was given before `migrate` took the lock itself, so an older process and a
 * newer one still exclude each other.
 */
export function migrationLockKey(schema: string): bigint {
  return BigInt(`0x${createHash("sha256").update(schema).digest("hex").slice(0, 12)}`);
}

/**
 * Brings `settings.schema` up to the latest migration, creating the schema if needed, and returns
 * the names it applied.
 *
 * Every service migrates at start, and `npm start` starts them together: when another process
 * holds the schema's migration lock this one waits for it (up to
 * `settings.migrationLockTimeoutSeconds`, saying so through `log`), then finds the migrations the
 * other applied and applies only what is left: usually nothing. node-pg-migrate's own lock gives
 * up at once ("Another migration is already running"), so it is off and the lock is taken here,
 * on the connection the migrations run on; ending that connection releases it.
 */
export async function migrate(
  settings: DbSettings,
  log: (msg: string) => void = () => {},
): Promise<string[]> {
  const client = new pg.Client({
    ...pgConnectionOptions(settings.url, settings.tls),
    application_name: "homeward-migrate",
  });
  await client.connect();
  try {
    await takeMigrationLock(client, settings, log);
    const applied = await runner({
      dbClient: client,
      noLock: true,
      dir: MIGRATIONS_DIR,
      direction: "up",
      schema: settings.schema,
      createSchema: true,
      migrationsTable: "schema_migrations",
      checkOrder: true,
      singleTransaction: true,
      // node-pg-migrate says "Can't determine timestamp for 0001" of every file on every run: our
      // NNNN_ prefixes are not timestamps, and need not be (they order the files, as intended).
      log: (line) => {
        if (!line.startsWith("Can't determine timestamp for ")) log(line);
      },
    });
    return applied.map((m) => m.name);
  } finally {
    await client.end();
  }
}

/** Takes the schema's migration lock on `client`, waiting a bounded time if another process holds it. */
async function takeMigrationLock(
  client: pg.Client,
  settings: DbSettings,
  log: (msg: string) => void,
): Promise<void> {
  const key = migrationLockKey(settings.schema).toString();
  const seconds = settings.migrationLockTimeoutSeconds ?? DEFAULT_MIGRATION_LOCK_TIMEOUT_SECONDS;
  if (!(Number.isFinite(seconds) && seconds > 0))
    throw new Error(`migration lock timeout must be a positive number of seconds, not ${seconds}`);
  const lock = `the migration lock of schema ${settings.schema} (advisory lock ${key})`;

  const tried = await client.query<{ taken: boolean }>("SELECT pg_try_advisory_lock($1::bigint) AS taken", [
    key,
  ]);
  if (tried.rows[0]?.taken === true) return;

  log(`waiting up to ${seconds}s for ${lock}: ${await holder(client, key)} is migrating it`);
  const started = performance.now();
  // lock_timeout bounds the wait for this one statement; the migrations themselves run without it.
  await client.query(`SET lock_timeout = ${Math.ceil(seconds * 1000)}`);
  try {
    await client.query("SELECT pg_advisory_lock($1::bigint)", [key]);
  } catch (err) {
    if ((err as { code?: string }).code !== "55P03") throw err; // 55P03: lock_not_available
    throw new Error(
      `gave up after ${seconds}s waiting for ${lock}, still held by ${await holder(client, key)}; ` +
        "if that migration is still running, raise MIGRATION_LOCK_TIMEOUT_SECONDS, else end that session",
    );
  }
  await client.query("RESET lock_timeout");
  log(`took ${lock} after ${((performance.now() - started) / 1000).toFixed(1)}s`);
}

/** Who holds the advisory lock `key`, for the log and the error ("another process" if it cannot tell). */
async function holder(client: pg.Client, key: string): Promise<string> {
  try {
    const { rows } = await client.query<{ pid: number; application_name: string }>(
      `SELECT l.pid, a.application_name FROM pg_locks l LEFT JOIN pg_stat_activity a ON a.pid = l.pid
        WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
          AND ((l.classid::bigint << 32) | l.objid::bigint) = $1::bigint`,
      [key],
    );
    const row = rows[0];
    if (row === undefined) return "another process";
    return `PostgreSQL backend ${row.pid}${row.application_name ? ` (${row.application_name})` : ""}`;
  } catch {
    return "another process";
  }
}
