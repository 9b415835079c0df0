import pg from "pg";
import { type DbTls, pgConnectionOptions } from "./connection-options.ts";

export type Pool = pg.Pool;
/** A client checked out of the pool, e.g. for a transaction. */
export type PoolClient = pg.PoolClient;

export interface DbSettings {
  url: string;
  /** Every query runs with this schema first on the search_path; tests use one schema per run. */
  schema: string;
  /** Connections in the pool (DATABASE_POOL_MAX); DEFAULT_POOL_MAX when absent. */
  max?: number;
  /** TLS (DATABASE_SSL_*); plain TCP when absent. */
  tls?: DbTls;
  /**
   * How long `migrate` waits for another process migrating the same schema before it fails
   * (MIGRATION_LOCK_TIMEOUT_SECONDS; default DEFAULT_MIGRATION_LOCK_TIMEOUT_SECONDS, 60).
   */
  migrationLockTimeoutSeconds?: number;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]*$/;

/** A pool's size when neither the service nor DATABASE_POOL_MAX says (the api's, matcher's and notifier's). */
export const DEFAULT_POOL_MAX = 10;

export function createPool(settings: DbSettings): Pool {
  if (!SCHEMA_NAME.test(settings.schema)) throw new Error(`invalid schema name: ${settings.schema}`);
  return new pg.Pool({
    ...pgConnectionOptions(settings.url, settings.tls),
    max: settings.max ?? DEFAULT_POOL_MAX,
    options: `-c search_path=${settings.schema},public`,
    application_name: "homeward",
  });
}
