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
  await pool.query(
    `INSERT INTO recipients (organization_id, role, display_name, email, time_zone)
     SELECT id, 'care_manager', 'Care Manager', 'cm@riverside.example', 'America/New_York' FROM organizations
      WHERE code = 'RIVERSIDE'`,
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

const HEADER = "Member ID,Member Last Name,Member First Name,DOB,Sex,Attributed Practice ID";
const base = ["--kind", "attribution", "--source", "bluecare-attribution", "--org", "BLUECARE"];

describe("import CLI", () => {
  it("imports a roster, prints the summary and the row errors, and exits 1 for the refused row", async () => {
    const file = rosterFile("april.csv", [
      HEADER,
      "M1,Testcase,Alma,1950-03-04,F,RIVERSIDE",
      "M2,Sample,Ben,1962-13-01,M,RIVERSIDE",
      "M3,Example,Cleo,1980-01-01,F,RIVERSIDE",
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
    const file = rosterFile("may.csv", [HEADER, "M1,Testcase,Alma,1950-03-04,F,RIVERSIDE"]);
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
    expect(usage.stderr).toContain(
      "--kind must be attribution, panel, enrollment, consent, sensitive-facility or notification-rule",
    );
  });
});

describe("import CLI, fields a file leaves empty", () => {
  const args = [
    "--kind",
    "attribution",
    "--source",
    "acme-attribution",
    "--org",
    "BLUECARE",
    "--as-of",
    "2024-04-01",
  ];
  const birthDates = async (member: string) =>
    (
      await pool.query<{ birth_date: string | null }>(
        `SELECT p.birth_date::text FROM patients p JOIN patient_identifiers pi ON pi.patient_id = p.id
          WHERE pi.value = $1`,
        [member],
      )
    ).rows;

  it("refuses, exit 1 and dry run included, a column that looks like a birth date but is not mapped", async () => {
    const file = rosterFile("birth-dt.csv", [
      "member_id,last_name,first_name,patient_birth_dt,gender,attributed_practice_id",
      "A1,Testcase,Alma,1950-03-04,F,RIVERSIDE",
    ]);
    for (const dry of [["--dry-run"], []]) {
      const result = await importCli([...args, "--file", file, ...dry]);
      expect(result.code).toBe(1);
      expect(result.stdout).toContain(": rejected");
      expect(result.stdout).toContain(
        'birthDate would be missing from every row: column "patient_birth_dt" looks like it but is not mapped; the matcher relies on it',
      );
      expect(result.stdout).toContain("--allow-missing birthDate");
    }
    expect(await birthDates("A1")).toEqual([]);
    const runs = await pool.query("SELECT status FROM import_runs WHERE source = 'acme-attribution'");
    expect(runs.rows).toEqual([{ status: "rejected" }, { status: "rejected" }]);

    const allowed = await importCli([...args, "--file", file, "--allow-missing", "birthDate"]);
    expect(allowed.code).toBe(0);
    expect(allowed.stdout).toContain("1 read, 1 valid: 1 inserted");
    expect(allowed.stdout).toContain("columns not imported: patient_birth_dt");
    expect(await birthDates("A1")).toEqual([{ birth_date: null }]);
  });

  it("reads birth_date, middle_initial and phone_number headers, and takes --allow-missing as a comma list", async () => {
    const file = rosterFile("birth-date.csv", [
      "member_id,last_name,first_name,middle_initial,birth_date,attributed_practice_id,phone_number",
      "A2,Sample,Ben,Q,1962-03-15,RIVERSIDE,617-555-0102",
    ]);
    const refused = await importCli([...args, "--file", file, "--dry-run"]);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain("sex would be missing from every row: no column maps to it");
    const unknown = await importCli([...args, "--file", file, "--allow-missing", "sex,shoeSize"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("allow-missing names no field of this import: shoeSize");
    const result = await importCli([...args, "--file", file, "--allow-missing", "sex,postal_code"]);
    expect(result.code).toBe(0);
    expect(result.stdout).not.toContain("columns not imported");
    const { rows } = await pool.query(
      `SELECT p.birth_date::text, p.middle_name, p.phone FROM patients p
         JOIN patient_identifiers pi ON pi.patient_id = p.id WHERE pi.value = 'A2'`,
    );
    expect(rows).toEqual([{ birth_date: "1962-03-15", middle_name: "Q", phone: "6175550102" }]);
  });
});

describe("import CLI, reference lists", () => {
  it("imports consents by member id: summary, row errors, exit 1; the same file again changes nothing", async () => {
    const file = rosterFile("consents.csv", [
      "Member ID,Decision,Effective Date",
      "M1,opt-out,2024-04-15",
      "M404,opt-out,2024-04-15",
    ]);
    const args = ["--kind", "consent", "--org", "BLUECARE", "--file", file, "--as-of", "2024-05-01"];
    const first = await importCli(args);
    expect(first.code).toBe(1);
    expect(first.stdout).toContain("consent list consent as of 2024-05-01");
    expect(first.stdout).toContain(
      "2 read, 1 valid: 1 inserted, 0 updated, 0 opt-outs closed, 0 unchanged; 1 errors in 1 rows",
    );
    expect(first.stdout).toContain(
      'line 3, Member ID "M404": unknown patient (no patient has this identifier)',
    );
    const again = await importCli([...args, "--errors", "0"]);
    expect(again.stdout).toContain("1 valid: 0 inserted, 0 updated, 0 opt-outs closed, 1 unchanged");
    expect(again.stdout).toContain("… and 1 more (import_row_errors)");
    const { rows } = await pool.query("SELECT decision, source FROM consents");
    expect(rows).toEqual([{ decision: "opt_out", source: "consent" }]);
  });

  it("imports notification rules with the contracts' event kinds, and refuses an unknown kind", async () => {
    const file = rosterFile("rules.csv", [
      "Recipient Email,Event Kinds,Risk Tiers,Channel",
      "cm@riverside.example,ed-arrival;inpatient-admit,I,pager",
      "cm@riverside.example,ed-arrived,,email",
    ]);
    const result = await importCli(["--kind", "notification-rule", "--org", "RIVERSIDE", "--file", file]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("notification rules of RIVERSIDE (notification-rule)");
    expect(result.stdout).toMatch(
      /line 3, Event Kinds "ed-arrived": not an event kind: ed-arrived \(one of ed-arrival, /,
    );
    const { rows } = await pool.query("SELECT event_kinds, risk_tiers, channel FROM notification_rules");
    expect(rows).toEqual([
      { event_kinds: ["ed-arrival", "inpatient-admit"], risk_tiers: ["I"], channel: "pager" },
    ]);
  });

  it("imports sensitive facilities without --org (exit 0, dry run first), and exits 2 with one", async () => {
    const file = rosterFile("part2.csv", ["Facility,Location,Reason", "HARBORRECOVERY,,42 CFR Part 2"]);
    const base = ["--kind", "sensitive-facility", "--source", "state-list", "--file", file];
    const dry = await importCli([...base, "--dry-run"]);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain("sensitive-facility list state-list as of");
    expect(dry.stdout).toContain("(dry run: nothing written)");
    expect((await pool.query("SELECT 1 FROM sensitive_facilities")).rowCount).toBe(0);
    const real = await importCli(base);
    expect(real.code).toBe(0);
    expect(real.stdout).toContain(
      "1 read, 1 valid: 1 inserted, 0 updated, 0 deactivated, 0 unchanged; 0 errors",
    );
    const withOrg = await importCli([...base, "--org", "BLUECARE"]);
    expect(withOrg.code).toBe(2);
    expect(withOrg.stderr).toContain("sensitive facilities are system-wide: leave out --org");
    const wrongPreset = await importCli([...base, "--preset", "consent-list"]);
    expect(wrongPreset.code).toBe(2);
    expect(wrongPreset.stderr).toContain("preset consent-list is for consent files, not sensitive-facility");
  });
});
