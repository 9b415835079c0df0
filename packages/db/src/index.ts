export { MIGRATIONS_DIR, migrate } from "./migrate.ts";
export { createPool, type DbSettings, type Pool, type PoolClient } from "./pool.ts";
export { inTransaction } from "./transaction.ts";
/** NOTIFY channel: reference data (rosters, enrollments, consents, sensitive facilities, notification rules) changed; the matcher reloads. */
export const REFERENCE_CHANGED_CHANNEL = "homeward_reference";
