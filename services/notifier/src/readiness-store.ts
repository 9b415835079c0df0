import type { Pool } from "@homeward/db";

/** The ops server's readiness check: PostgreSQL answers a trivial query through the service's pool. */
export async function pingPostgres(pool: Pool): Promise<void> {
  await pool.query("SELECT 1");
}
