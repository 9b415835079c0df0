import type { Pool, PoolClient } from "./pool.ts";

/**
 * Runs `work` in one transaction on a client of its own: committed if it resolves, rolled back if
 * it throws, and the client always returned to the pool. The one place that owns BEGIN/COMMIT.
 */
export async function inTransaction<T>(pool: Pool, work: (tx: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    const result = await work(client);
    await client.query("COMMIT");
    return result;
  } catch (err) {
    await client.query("ROLLBACK").catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}
