import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";

// The table-ownership rule of infra/check-imports.mjs over small fixture trees: the directory's
// tables are written only in packages/directory/src (test code and migrations aside), and every
// other write is refused with its file, line and table.
const CHECKER = join(import.meta.dirname, "..", "..", "infra", "check-imports.mjs");

const trees: string[] = [];
afterEach(() => {
  for (const tree of trees.splice(0)) rmSync(tree, { recursive: true, force: true });
});

/** A repository with the directory package and a service, plus `extra` files (path → text). */
function fixture(extra: Record<string, string> = {}): string {
  const tree = mkdtempSync(join(tmpdir(), "table-ownership-"));
  trees.push(tree);
  const files: Record<string, string> = {
    "packages/directory/package.json": JSON.stringify({ name: "@homeward/directory" }),
    "packages/directory/src/recipient-store.ts": [
      "export const create = `INSERT INTO recipients (organization_id) VALUES ($1)`;",
      "export const rename = `UPDATE organizations SET name = $2 WHERE id = $1`;",
      "export const forget = `DELETE FROM user_invitations WHERE user_id = $1`;",
      "",
    ].join("\n"),
    "services/svc/package.json": JSON.stringify({ name: "@homeward/svc" }),
    // Reads of the directory's tables, and writes of the service's own, are the service's business.
    "services/svc/src/report-store.ts": [
      "export const names = `SELECT r.display_name FROM recipients r JOIN organizations o ON o.id = r.organization_id`;",
      "export const mine = `INSERT INTO deliveries (id) VALUES ($1) ON CONFLICT (id) DO UPDATE SET id = $1`;",
      "export const other = `UPDATE recipients_archive SET note = $1`;",
      "",
    ].join("\n"),
    // Test code may write its fixtures directly; migrations are SQL, not read.
    "services/svc/src/report.int.test.ts": "export const seed = `INSERT INTO recipients (id) VALUES (1)`;\n",
    "services/svc/src/report.test-support.ts":
      "export const seed = `INSERT INTO organizations (id) VALUES (1)`;\n",
    "packages/db/migrations/0001_init.sql": "INSERT INTO organizations (code) VALUES ('X');\n",
    ...extra,
  };
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(tree, path)), { recursive: true });
    writeFileSync(join(tree, path), text);
  }
  return tree;
}

function check(tree: string): { status: number | null; output: string } {
  const run = spawnSync(process.execPath, [CHECKER, tree], { encoding: "utf8" });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

describe("table ownership (infra/check-imports.mjs)", () => {
  it("passes writes in the owner's src, reads elsewhere, test fixtures and migrations", () => {
    const { status, output } = check(fixture());
    expect(output).toContain("owned tables written by their owners only");
    expect(status).toBe(0);
  });

  it("refuses a service's store writing recipients, naming file, line, statement and owner", () => {
    const { status, output } = check(
      fixture({
        "services/svc/src/recipient-copy-store.ts":
          "// a store of the service\nexport const q = `INSERT INTO recipients (organization_id) VALUES ($1)`;\n",
      }),
    );
    expect(status).toBe(1);
    expect(output).toContain(
      "services/svc/src/recipient-copy-store.ts:2: INSERT INTO recipients: only packages/directory/src writes that table; call @homeward/directory",
    );
  });

  it("refuses the audit log written outside @homeward/audit; its own store and test fixtures may", () => {
    const { status, output } = check(
      fixture({
        "packages/audit/package.json": JSON.stringify({ name: "@homeward/audit" }),
        "packages/audit/src/audit-store.ts":
          "export const q = `INSERT INTO audit_log (actor, action) VALUES ($1, $2)`;\n",
        "services/svc/src/access-store.ts":
          "export const q = `INSERT INTO audit_log (actor, action, subject_type, subject_id) VALUES ($1, $2, $3, $4)`;\n",
        "services/svc/src/access.int.test.ts":
          "export const seed = `INSERT INTO audit_log (actor) VALUES ('x')`;\n",
      }),
    );
    expect(status).toBe(1);
    expect(output).toContain(
      "services/svc/src/access-store.ts:1: INSERT INTO audit_log: only packages/audit/src writes that table; call @homeward/audit",
    );
    expect(output).not.toContain("audit-store.ts");
    expect(output).not.toContain("access.int.test.ts");
  });

  it("refuses writes spread over lines, schema-qualified or quoted, in benches, the demo and test/ scripts", () => {
    const { status, output } = check(
      fixture({
        "services/svc/bench/seed.bench.ts":
          "export const q = `DELETE FROM\n   user_invitations WHERE true`;\n",
        "infra/demo/demo-rules.ts":
          "export const q = `UPDATE homeward.notification_rules SET active = false`;\n",
        "test/soak/soak-world.ts":
          'export const q = `INSERT INTO "organization_settings" (organization_id) VALUES (1)`;\n',
        "services/svc/src/wipe.ts": "export const q = `TRUNCATE TABLE api_sessions`;\n",
      }),
    );
    expect(status).toBe(1);
    expect(output).toContain("services/svc/bench/seed.bench.ts:1: DELETE FROM user_invitations");
    expect(output).toContain("infra/demo/demo-rules.ts:1: UPDATE notification_rules");
    expect(output).toContain("test/soak/soak-world.ts:1: INSERT INTO organization_settings");
    expect(output).toContain("services/svc/src/wipe.ts:1: TRUNCATE TABLE api_sessions");
    expect(output).not.toContain("report-store.ts");
  });
});
