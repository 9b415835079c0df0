import { randomBytes } from "node:crypto";
import { readdirSync } from "node:fs";
import pg from "pg";
import { afterAll, describe, expect, inject, it } from "vitest";
import { MIGRATIONS_DIR, migrate, migrationLockKey } from "./migrate.ts";
import type { DbSettings } from "./pool.ts";

// The stack comes from the global setup (test/global-setup.ts). Not through @homeward/testing's
// `isolation`: that package depends on this one, so importing it here would be a cycle.
const stack = (inject as (key: string) => unknown)("stack") as {
  settings: { postgres: { url: string } };
  runId: string;
};
const url = stack.settings.postgres.url;
const schemas: string[] = [];
/** A schema no one has migrated yet, as a fresh install has. */
const freshSchema = (label: string): DbSettings => {
  const schema = `t${stack.runId}${label}${randomBytes(3).toString("hex")}`;
  schemas.push(schema);
  return { url, schema };
};
const ALL_MIGRATIONS = readdirSync(MIGRATIONS_DIR)
  .filter((f) => f.endsWith(".sql"))
  .map((f) => f.replace(/\.sql$/, ""))
  .sort();

afterAll(async () => {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  for (const schema of schemas) await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await admin.end();
});

describe("migrate, started by every service at once", () => {
  it("lets one apply the migrations while the others wait, then find nothing to do", async () => {
    // What `npm start` does: the listener, matcher, notifier and api (and a second instance of
    // each) migrate the same schema at the same moment.
    const settings = freshSchema("race");
    const outcomes = await Promise.allSettled(Array.from({ length: 8 }, () => migrate(settings)));

    const failures = outcomes.flatMap((o) => (o.status === "rejected" ? [String(o.reason)] : []));
    expect(failures).toEqual([]);
    const applied = outcomes.map((o) => (o.status === "fulfilled" ? o.value : []));
    expect(applied.filter((names) => names.length > 0)).toEqual([ALL_MIGRATIONS]);
    expect(applied.filter((names) => names.length === 0)).toHaveLength(7);

    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const { rows } = await client.query<{ name: string }>(
      `SELECT name FROM "${settings.schema}".schema_migrations ORDER BY id`,
    );
    await client.end();
    expect(rows.map((r) => r.name)).toEqual(ALL_MIGRATIONS);
  });

  it("waits for a lock held elsewhere, bounded: past the timeout it fails naming the lock and the timeout", async () => {
    const settings = freshSchema("bound");
    const key = migrationLockKey(settings.schema).toString();
    const holder = new pg.Client({ connectionString: url, application_name: "slow-migration" });
    await holder.connect();
    try {
      await holder.query("SELECT pg_advisory_lock($1::bigint)", [key]);
      const lines: string[] = [];
      const t0 = performance.now();
      const error = await migrate({ ...settings, migrationLockTimeoutSeconds: 1 }, (m) => lines.push(m)).then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(performance.now() - t0).toBeGreaterThanOrEqual(900);
      expect(String(error)).toMatch(
        new RegExp(
          `gave up after 1s waiting for the migration lock of schema ${settings.schema} \\(advisory lock ${key}\\), still held by PostgreSQL backend \\d+ \\(slow-migration\\).*MIGRATION_LOCK_TIMEOUT_SECONDS`,
        ),
      );
      expect(lines).toEqual([
        expect.stringMatching(/^waiting up to 1s for the migration lock of schema .*slow-migration/),
      ]);

      // Released while another start waits: that one takes the lock and migrates.
      lines.length = 0;
      const waiting = migrate({ ...settings, migrationLockTimeoutSeconds: 30 }, (m) => lines.push(m));
      await new Promise((r) => setTimeout(r, 300));
      await holder.query("SELECT pg_advisory_unlock($1::bigint)", [key]);
      await expect(waiting).resolves.toEqual(ALL_MIGRATIONS);
      expect(lines[0]).toMatch(/^waiting up to 30s for the migration lock of schema/);
      expect(lines[1]).toMatch(/^took the migration lock of schema .* after \d+\.\ds$/);
      expect(lines).toContain("> Migrating files:");
      expect(lines.join("\n")).not.toMatch(/Can't determine timestamp/);
    } finally {
      await holder.end();
    }
  });
});
