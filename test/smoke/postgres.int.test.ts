import { createPool, migrate } from "@homeward/db";
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
});
