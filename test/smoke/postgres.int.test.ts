import { createPool, inTransaction, migrate } from "@homeward/db";
import { isolation } from "@homeward/testing";
import { describe, expect, it } from "vitest";

describe("PostgreSQL (real server)", () => {
  it("migrates a fresh schema, queries it, and a second migrate applies nothing", async () => {
    const iso = isolation("pg");
    const applied = await migrate(iso.settings.postgres);
    expect(applied).toContain("0001_audit-log");
    expect(await migrate(iso.settings.postgres)).toEqual([]);

    const pool = createPool(iso.settings.postgres);
    try {
      await pool.query(
        "insert into audit_log (actor, action, subject_type, subject_id) values ($1, $2, $3, $4)",
        ["smoke", "read", "task", "42"],
      );
      const { rows } = await pool.query<{ schema: string; n: string }>(
        "select current_schema() as schema, count(*)::text as n from audit_log",
      );
      expect(rows).toEqual([{ schema: iso.schema, n: "1" }]);
    } finally {
      await pool.end();
    }
  });

  it("inTransaction commits what resolves and rolls back what throws, returning the client", async () => {
    const iso = isolation("pgtx");
    await migrate(iso.settings.postgres);
    const pool = createPool({ ...iso.settings.postgres, max: 1 });
    try {
      const insert = (db: { query: typeof pool.query }, id: string) =>
        db.query(
          "insert into audit_log (actor, action, subject_type, subject_id) values ('tx', 'read', 'task', $1)",
          [id],
        );
      expect(await inTransaction(pool, async (tx) => (await insert(tx, "kept")).rowCount)).toBe(1);
      await expect(
        inTransaction(pool, async (tx) => {
          await insert(tx, "dropped");
          throw new Error("halfway");
        }),
      ).rejects.toThrow("halfway");
      // With a pool of one, this query only runs if both transactions gave their client back.
      const { rows } = await pool.query<{ subject_id: string }>(
        "select subject_id from audit_log where actor = 'tx'",
      );
      expect(rows.map((r) => r.subject_id)).toEqual(["kept"]);
    } finally {
      await pool.end();
    }
  });
});
