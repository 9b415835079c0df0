import { execFile } from "node:child_process";
import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { createPool, migrate, type Pool } from "@homeward/db";
import { type Isolation, isolation } from "@homeward/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const SERVICE_DIR = fileURLToPath(new URL("..", import.meta.url));

let iso: Isolation;
let pool: Pool;
beforeAll(async () => {
  iso = isolation("importcli");
  await migrate(iso.settings.postgres);
  pool = createPool(iso.settings.postgres);
  await pool.query(
    `INSERT INTO organizations (kind, code, name) VALUES
       ('practice', 'RIVERSIDE', 'Riverside Family Medicine'), ('health_plan', 'BLUECARE', 'BlueCare Medicaid')`,
  );
});
afterAll(async () => {
  await pool?.end();
});

/** Runs the CLI as an operator would, against this test's schema; resolves with its exit code too. */
async function importCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = {
    ...process.env,
    DATABASE_URL: iso.settings.postgres.url,
    DATABASE_SCHEMA: iso.settings.postgres.schema,
  };
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      ["--conditions=source", "--import", "tsx", "src/import-cli.ts", ...args],
      { cwd: SERVICE_DIR, env, timeout: 60_000 },
    );
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
  }
}

function rosterFile(name: string, lines: string[]): string {
  const path = join(tmpdir(), `${iso.id}-${name}`);
  writeFileSync(path, `${lines.join("\n")}\n`);
  return path;
}

const HEADER = "Member ID,Member Last Name,Member First Name,DOB,Attributed Practice ID";
const base = ["--kind", "attribution", "--source", "bluecare-attribution", "--org", "BLUECARE"];

describe("import CLI", () => {
  it("imports a roster, prints the summary and the row errors, and exits 1 for the refused row", async () => {
    const file = rosterFile("april.csv", [
      HEADER,
      "M1,Testcase,Alma,1950-03-04,RIVERSIDE",
      "M2,Sample,Ben,1962-13-01,RIVERSIDE",
      "M3,Example,Cleo,1980-01-01,RIVERSIDE",
    ]);
    const dry = await importCli([...base, "--file", file, "--as-of", "2024-04-01", "--dry-run"]);
    expect(dry.stdout).toContain("(dry run: nothing written)");
    const result = await importCli([...base, "--file", file, "--as-of", "2024-04-01"]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      "3 read, 2 valid: 2 inserted, 0 updated, 0 ended, 0 unchanged, 2 new patients",
    );
    expect(result.stdout).toContain('line 3, DOB "1962-13-01": not a date');
    const { rows } = await pool.query<{ n: string }>(
      "SELECT count(*)::text AS n FROM attributions WHERE effective_to IS NULL",
    );
    expect(rows[0]?.n).toBe("2");
    const runs = await pool.query("SELECT dry_run, status FROM import_runs ORDER BY id");
    expect(runs.rows).toEqual([
      { dry_run: true, status: "completed" },
      { dry_run: false, status: "completed" },
    ]);
  });

  it("exits 0 for a clean re-import with a preset, and 2 for a usage error", async () => {
    const file = rosterFile("may.csv", [HEADER, "M1,Testcase,Alma,1950-03-04,RIVERSIDE"]);
    const ok = await importCli([
      ...base,
      "--file",
      file,
      "--preset",
      "payer-attribution",
      "--as-of",
      "2024-05-01",
    ]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain("0 inserted, 0 updated, 1 ended, 1 unchanged");
    const usage = await importCli(["--kind", "roster", "--file", file]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain("--kind must be attribution, panel or enrollment");
  });
});
