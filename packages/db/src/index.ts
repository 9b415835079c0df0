export { createPool, type DbSettings, type Pool } from "./pool.ts";
export { migrate, MIGRATIONS_DIR } from "./migrate.ts";
