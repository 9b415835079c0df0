import pg from "pg";

export type Pool = pg.Pool;
/** A client checked out of the pool, e.g. for a transaction. */
export type PoolClient = pg.PoolClient;

export interface DbSettings {
  url: string;
  /** Every query runs with this schema first on the search_path; tests use one schema per run. */
  schema: string;
  max?: number;
  /**
   * How long `migrate` waits for another process migrating the same schema before it fails
   * (MIGRATION_LOCK_TIMEOUT_SECONDS; default DEFAULT_MIGRATION_LOCK_TIMEOUT_SECONDS, 60).
   */
  migrationLockTimeoutSeconds?: number;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]*$/;

export function createPool(settings: DbSettings): Pool {
  if (!SCHEMA_NAME.test(settings.schema)) throw new Error(`invalid schema name: ${settings.schema}`);
  return new pg.Pool({
    connectionString: settings.url,
    max: settings.max ?? 10,
    options: `-c search_path=${settings.schema},public`,
    application_name: "homeward",
  });
}
