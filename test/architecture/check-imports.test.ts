import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";

// infra/check-imports.mjs run against small fixture trees: a tree that keeps the rules passes, and
// each kind of crossing it must refuse makes it fail and names the file.
const CHECKER = join(import.meta.dirname, "..", "..", "infra", "check-imports.mjs");

/**
 * An import line for a fixture file, built at run time so that this file's own text holds no import
 * the checker would read as this file's (it checks the top-level test/ folder too).
 */
const use = (names: string, from: string) => `import { ${names} } from "${from}";\n`;

const trees: string[] = [];
afterEach(() => {
  for (const tree of trees.splice(0)) rmSync(tree, { recursive: true, force: true });
});

/** A repository with a package, a service and infra/demo, plus `extra` files (path → text). */
function fixture(extra: Record<string, string> = {}): string {
  const tree = mkdtempSync(join(tmpdir(), "check-imports-"));
  trees.push(tree);
  const files: Record<string, string> = {
    "packages/alpha/package.json": JSON.stringify({
      name: "@homeward/alpha",
      exports: { ".": { source: "./src/index.ts" } },
    }),
    "packages/alpha/src/index.ts": "export const alpha = 1;\n",
    "services/svc/package.json": JSON.stringify({
      name: "@homeward/svc",
      dependencies: { "@homeward/alpha": "*" },
    }),
    "services/svc/src/app.ts": `${use("alpha", "@homeward/alpha")}${use("inner", "./inner.ts")}export const app = alpha + inner;\n`,
    "services/svc/src/env.ts": "export const env = {};\n",
    "services/svc/src/inner.ts": "export const inner = 2;\n",
    "services/svc/src/svc.test-support.ts": `export { inner } from "${"./inner.ts"}";\n`,
    "services/svc/bench/svc.bench.ts": `${use("inner", "../src/inner.ts")}export const b = inner;\n`,
    "infra/demo/package.json": JSON.stringify({
      name: "@homeward/demo",
      dependencies: { "@homeward/alpha": "*" },
    }),
    "infra/demo/seed.ts": `${use("alpha", "@homeward/alpha")}${use("helper", "./helper.ts")}export const s = alpha + helper;\n`,
    "infra/demo/helper.ts": "export const helper = 3;\n",
    "infra/demo/seed.int.test.ts": `${use("harness", "../../test/e2e/harness.test-support.ts")}export const t = harness;\n`,
    "test/e2e/harness.test-support.ts": "export const harness = 4;\n",
    "test/e2e/system.int.test.ts": `${use("app", "../../services/svc/src/app.ts")}${use("env", "../../services/svc/src/env.ts")}${use("inner", "../../services/svc/src/svc.test-support.ts")}${use("harness", "./harness.test-support.ts")}export const x = [app, env, inner, harness];\n`,
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

describe("infra/check-imports.mjs", () => {
  it("passes a tree whose imports stay inside their workspaces or use the test seams", () => {
    const { status, output } = check(fixture());
    expect(output).toContain("Architecture check: 3 workspaces");
    expect(status).toBe(0);
  });

  it("refuses infra/demo reaching into a service's src by relative path", () => {
    const { status, output } = check(
      fixture({
        "infra/demo/work.ts": `${use("inner", "../../services/svc/src/inner.ts")}export const w = inner;\n`,
      }),
    );
    expect(status).toBe(1);
    expect(output).toContain(
      "infra/demo/work.ts: imports services/svc/src/inner.ts across @homeward/demo's workspace boundary; import @homeward/svc by its package name",
    );
  });

  it("refuses a bench file reaching into another workspace's src", () => {
    const { status, output } = check(
      fixture({
        "services/svc/bench/alpha.bench.ts": `${use("alpha", "../../../packages/alpha/src/index.ts")}export const a = alpha;\n`,
      }),
    );
    expect(status).toBe(1);
    expect(output).toContain("services/svc/bench/alpha.bench.ts: imports packages/alpha/src/index.ts across");
  });

  it("refuses shipped workspace code leaning on the top-level test harness; test code may", () => {
    const { status, output } = check(
      fixture({
        "infra/demo/run.ts": `${use("harness", "../../test/e2e/harness.test-support.ts")}export const r = harness;\n`,
      }),
    );
    expect(status).toBe(1);
    expect(output).toContain("infra/demo/run.ts: imports test/e2e/harness.test-support.ts across");
    expect(output).not.toContain("seed.int.test.ts");
  });

  it("refuses a declared dependency missing from infra/demo's package.json (its files are checked too)", () => {
    const { status, output } = check(
      fixture({
        "infra/demo/package.json": JSON.stringify({ name: "@homeward/demo" }),
      }),
    );
    expect(status).toBe(1);
    expect(output).toContain(
      "infra/demo/seed.ts: imports @homeward/alpha but @homeward/demo does not declare it",
    );
  });

  it("refuses an SQL statement in a service file that is not a *-store.ts; stores and tests may hold SQL", () => {
    const query = (sql: string) =>
      `export const q = (db: { query(s: string): unknown }) => db.query("${sql}");\n`;
    const { status, output } = check(
      fixture({
        "services/svc/src/handler.ts": query("SELECT id FROM tasks"),
        "services/svc/src/task-store.ts": query("SELECT id FROM tasks"),
        "services/svc/src/handler.int.test.ts": query("DELETE FROM tasks"),
      }),
    );
    expect(status).toBe(1);
    expect(output).toContain(
      "services/svc/src/handler.ts:1: SQL outside a *-store.ts file; move the statement into the feature's store",
    );
    expect(output).not.toContain("task-store.ts");
    expect(output).not.toContain("handler.int.test.ts");
  });

  it("refuses an SQL statement outside a *-store.ts file in a package's src and in infra/demo; the named channel and migration files may", () => {
    const query = (sql: string) =>
      `export const q = (db: { query(s: string): unknown }) => db.query("${sql}");\n`;
    const { status, output } = check(
      fixture({
        "packages/alpha/src/import.ts": `// the merge step\n${query("UPDATE alpha_stage SET valid = false")}`,
        "packages/alpha/src/alpha-store.ts": query("INSERT INTO alpha (id) VALUES (1)"),
        "packages/alpha/src/alpha.int.test.ts": query("DELETE FROM alpha"),
        "packages/alpha/src/alpha.test-support.ts": query("INSERT INTO alpha (id) VALUES (2)"),
        "infra/demo/seed-step.ts": query("SELECT id FROM alpha"),
        "infra/demo/seed-store.ts": query("SELECT id FROM alpha"),
        "packages/db/package.json": JSON.stringify({ name: "@homeward/db" }),
        "packages/db/src/migrate.ts": query("SELECT pg_advisory_lock(1)"),
        "packages/db/src/workspace-channel.ts": query("SELECT pg_notify('c', '')"),
        "packages/db/src/other.ts": query("SELECT 1"),
      }),
    );
    expect(status).toBe(1);
    expect(output).toContain(
      "packages/alpha/src/import.ts:2: SQL outside a *-store.ts file; move the statement into the feature's store",
    );
    expect(output).toContain("infra/demo/seed-step.ts:1: SQL outside a *-store.ts file");
    expect(output).toContain("packages/db/src/other.ts:1: SQL outside a *-store.ts file");
    for (const allowed of [
      "alpha-store.ts",
      "alpha.int.test.ts",
      "alpha.test-support.ts",
      "seed-store.ts",
      "migrate.ts",
      "workspace-channel.ts",
    ])
      expect(output).not.toContain(allowed);
  });

  it("lets the top-level tests reach a service only through app.ts, env.ts and *.test-support.ts, packages by name", () => {
    const { status, output } = check(
      fixture({
        "test/e2e/deep.int.test.ts": `${use("inner", "../../services/svc/src/inner.ts")}${use("alpha", "../../packages/alpha/src/index.ts")}export const d = [inner, alpha];\n`,
        "test/e2e/named.int.test.ts": `${use("alpha", "@homeward/alpha/internal")}export const n = alpha;\n`,
      }),
    );
    expect(status).toBe(1);
    expect(output).toContain(
      "test/e2e/deep.int.test.ts: imports services/svc/src/inner.ts; the whole-system tests reach a service through src/app.ts, src/env.ts or its *.test-support.ts",
    );
    expect(output).toContain(
      "test/e2e/deep.int.test.ts: imports packages/alpha/src/index.ts; import @homeward/alpha by its package name",
    );
    expect(output).toContain(
      "test/e2e/named.int.test.ts: imports @homeward/alpha/internal, which @homeward/alpha does not export",
    );
    expect(output).not.toContain("system.int.test.ts");
  });
});
