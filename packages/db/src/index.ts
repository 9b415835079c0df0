export { MIGRATIONS_DIR, migrate } from "./migrate.ts";
export { createPool, type DbSettings, type Pool } from "./pool.ts";
