import { createPool, migrate, type Pool } from "@homeward/db";
import { isolation } from "@homeward/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { RosterImportError } from "./csv-import.ts";
import { type ImportReferenceOptions, importReferenceList } from "./reference-import.ts";
import { importRoster } from "./roster-import.ts";
import { csv, type SeededOrgs, seedOrganizations } from "./seed.test-support.ts";

let pool: Pool;
let orgs: SeededOrgs;
beforeEach(async () => {
  const iso = isolation("consents");
  await migrate(iso.settings.postgres);
  pool = createPool(iso.settings.postgres);
  orgs = await seedOrganizations(pool);
  // BlueCare's members M1001–M1003 (Riverside's patients) and Hilltop's own patient by MRN.
  await importRoster({
    pool,
    kind: "attribution",
    source: "bluecare-attribution",
    organization: "BLUECARE",
    input: csv([
      "Member ID,Member Last Name,Member First Name,DOB,Sex,Attributed Practice ID",
      "M1001,Testcase,Alma,1950-03-04,F,RIVERSIDE",
      "M1002,Sample,Ben,1962-03-15,M,RIVERSIDE",
      "M1003,Example,Cleo,1980-01-01,F,RIVERSIDE",
    ]),
    asOf: "2024-01-01",
  });
  await importRoster({
    pool,
    kind: "panel",
    source: "hilltop-panel",
    organization: "HILLTOP",
    input: csv(["MRN,Last Name,First Name,DOB,Sex", "H-1,Hill,Dora,2015-05-05,F"]),
    asOf: "2024-01-01",
  });
});
afterEach(async () => {
  await pool?.end();
});

const HEADER = "Member ID,DOB,Decision,Organization,Program,Effective Date,Note";
const consents = (lines: string[], extra: Partial<ImportReferenceOptions> = {}) =>
  importReferenceList({
    pool,
    kind: "consent",
    source: "bluecare-consents",
    organization: "BLUECARE",
    input: csv([HEADER, ...lines]),
    asOf: "2024-03-01",
    ...extra,
  });

/** Every consent, as `member decision scope program from→to`. */
async function recorded(): Promise<string[]> {
  const { rows } = await pool.query<{ line: string }>(
    `SELECT concat_ws(' ', pi.value, c.decision, coalesce(o.code, 'ALL'), coalesce(c.program, '*'),
                      to_char(c.effective_from, 'YYYY-MM-DD') || '→' || coalesce(to_char(c.effective_to, 'YYYY-MM-DD'), '')) AS line
       FROM consents c JOIN patient_identifiers pi ON pi.patient_id = c.patient_id
       LEFT JOIN organizations o ON o.id = c.organization_id
      ORDER BY pi.value, c.effective_from, c.decision, c.id`,
  );
  return rows.map((r) => r.line);
}

describe("consent import", () => {
  it("records opt-outs by member id, scoped to the importer unless ALL, with the run and its source", async () => {
    const report = await consents(
      [
        "M1001,1950-03-04,Opt-Out,,,2024-02-01,called in",
        "M1002,,opt out,ALL,complex-care,,",
        "M1003,,OPT_OUT,RIVERSIDE,,02/15/2024,",
      ],
      { fileName: "consents-feb.csv" },
    );
    expect(report).toMatchObject({
      status: "completed",
      read: 3,
      valid: 3,
      inserted: 3,
      ended: 0,
      unchanged: 0,
      patientsCreated: 0,
      errorCount: 0,
    });
    expect(await recorded()).toEqual([
      "M1001 opt_out BLUECARE * 2024-02-01→",
      "M1002 opt_out ALL complex-care 2024-03-01→",
      "M1003 opt_out RIVERSIDE * 2024-02-15→",
    ]);
    const { rows } = await pool.query(
      "SELECT recorded_by, source, note, import_run_id::text AS run FROM consents ORDER BY id LIMIT 1",
    );
    expect(rows[0]).toEqual({
      recorded_by: "import:bluecare-consents",
      source: "bluecare-consents",
      note: "called in",
      run: report.runId,
    });
    const run = await pool.query(
      "SELECT kind, source, organization_id::text, file_name FROM import_runs WHERE id = $1",
      [report.runId],
    );
    expect(run.rows[0]).toEqual({
      kind: "consent",
      source: "bluecare-consents",
      organization_id: orgs.bluecare,
      file_name: "consents-feb.csv",
    });
  });

  it("refuses bad rows with line, column, value and reason, and still records the good ones", async () => {
    const report = await consents([
      "M1001,,opt_out,,,2024-02-01,", // 2: good
      "M9999,,opt_out,,,2024-02-01,", // 3: nobody has this member id
      "M1002,,maybe,,,2024-02-01,", // 4: not a decision
      "M1002,,opt_out,NOWHERE,,2024-02-01,", // 5: unknown organization
      "M1002,,opt_out,,,2024-02-31,", // 6: not a date
      "M1003,1999-09-09,opt_out,,,2024-02-01,", // 7: the member's birth date is another
      "M1001,,opt_out,,,2024-02-01,", // 8: line 2 again
      "M1001,,opt_in,,,2024-02-01,", // 9: the other decision, same day and scope as line 2
      ",,opt_out,,,,", // 10: no member id
      "M1002,,opt_in,,,2024-02-01", // 11: a field short
      "M1002,,opt_in,,,2024-02-20,", // 12: good
    ]);
    expect(report).toMatchObject({ status: "completed", read: 11, valid: 2, inserted: 2, rejectedRows: 9 });
    expect(report.errors).toEqual([
      {
        line: 3,
        column: "Member ID",
        value: "M9999",
        reason: "unknown patient (no patient has this identifier)",
      },
      { line: 4, column: "Decision", value: "maybe", reason: "not one of opt_out, opt_in" },
      {
        line: 5,
        column: "Organization",
        value: "NOWHERE",
        reason: "unknown organization (no organization has this code or NPI)",
      },
      {
        line: 6,
        column: "Effective Date",
        value: "2024-02-31",
        reason: "not a date (YYYY-MM-DD, MM/DD/YYYY or YYYYMMDD)",
      },
      {
        line: 7,
        column: "DOB",
        value: "1999-09-09",
        reason: "the patient with this identifier has another birth date",
      },
      { line: 8, column: "Member ID", value: "M1001", reason: "duplicate of line 2" },
      {
        line: 9,
        column: "Decision",
        value: "opt_in",
        reason: "contradicts line 2 (the other decision, same patient, scope and day)",
      },
      { line: 10, column: "Member ID", value: null, reason: "required" },
      { line: 11, column: null, value: null, reason: "wrong number of fields for the header" },
    ]);
    expect(await recorded()).toEqual([
      "M1001 opt_out BLUECARE * 2024-02-01→",
      "M1002 opt_in BLUECARE * 2024-02-20→",
    ]);
    const stored = await pool.query<{ line: number }>(
      "SELECT line FROM import_row_errors WHERE import_run_id = $1 ORDER BY line",
      [report.runId],
    );
    expect(stored.rows.map((r) => r.line)).toEqual([3, 4, 5, 6, 7, 8, 9, 10, 11]);
  });

  it("re-importing the same file changes nothing", async () => {
    const file = ["M1001,,opt_out,,,2024-02-01,", "M1002,,opt_out,ALL,,,", "M1002,,opt_in,ALL,,2024-04-01,"];
    const first = await consents(file);
    expect(first).toMatchObject({ inserted: 3, ended: 1 });
    const before = await recorded();
    const again = await consents(file);
    expect(again).toMatchObject({ valid: 3, inserted: 0, updated: 0, ended: 0, unchanged: 3, errorCount: 0 });
    expect(await recorded()).toEqual(before);
  });

  it("an opt-in closes the opt-outs it covers, and a re-import of the opt-out does not reopen them", async () => {
    await consents([
      "M1001,,opt_out,,,2024-02-01,",
      "M1002,,opt_out,ALL,,2024-02-01,",
      "M1003,,opt_out,RIVERSIDE,complex-care,2024-02-01,",
    ]);
    const optIns = await consents([
      "M1001,,opt_in,,,2024-03-10,", // BlueCare's opt-out: closed
      "M1002,,opt_in,RIVERSIDE,,2024-03-10,", // narrower than the opt-out for everyone: it stands
      "M1003,,opt_in,ALL,,2024-03-10,", // wider than Riverside's complex-care opt-out: closed
    ]);
    expect(optIns).toMatchObject({ inserted: 3, ended: 2 });
    expect(await recorded()).toEqual([
      "M1001 opt_out BLUECARE * 2024-02-01→2024-03-10",
      "M1001 opt_in BLUECARE * 2024-03-10→",
      "M1002 opt_out ALL * 2024-02-01→",
      "M1002 opt_in RIVERSIDE * 2024-03-10→",
      "M1003 opt_out RIVERSIDE complex-care 2024-02-01→2024-03-10",
      "M1003 opt_in ALL * 2024-03-10→",
    ]);
    const ended = await pool.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM consents WHERE ended_by_run_id = $1",
      [optIns.runId],
    );
    expect(ended.rows[0]?.n).toBe(2);
    const replay = await consents(["M1001,,opt_out,,,2024-02-01,"]);
    expect(replay).toMatchObject({ inserted: 0, unchanged: 1 });
    const later = await consents(["M1001,,opt_out,,,2024-05-01,"]);
    expect(later).toMatchObject({ inserted: 1, unchanged: 0 });
    expect((await recorded()).filter((l) => l.startsWith("M1001"))).toEqual([
      "M1001 opt_out BLUECARE * 2024-02-01→2024-03-10",
      "M1001 opt_in BLUECARE * 2024-03-10→",
      "M1001 opt_out BLUECARE * 2024-05-01→",
    ]);
  });

  it("takes a patient's history in one file, and an opt-out already in force adds nothing", async () => {
    const report = await consents([
      "M1001,,opt_out,,,2024-01-10,",
      "M1001,,opt_in,,,2024-02-10,",
      "M1001,,opt_out,,,2024-03-10,",
    ]);
    expect(report).toMatchObject({ inserted: 3, ended: 1 });
    expect(await recorded()).toEqual([
      "M1001 opt_out BLUECARE * 2024-01-10→2024-02-10",
      "M1001 opt_in BLUECARE * 2024-02-10→",
      "M1001 opt_out BLUECARE * 2024-03-10→",
    ]);
    // A monthly opt-out list without dates: the same patients again, as of the next month.
    const april = await consents(["M1001,,opt_out,,,,"], { asOf: "2024-04-01" });
    expect(april).toMatchObject({ inserted: 0, unchanged: 1 });
  });

  it("names patients by MRN with its authority, as a custom mapping or a preset column says", async () => {
    const report = await importReferenceList({
      pool,
      kind: "consent",
      organization: "HILLTOP",
      input: csv(["MRN,ID Type,ID Authority,Decision", "H-1,MR,HILLTOP,opt_out"]),
      asOf: "2024-03-01",
    });
    expect(report).toMatchObject({ inserted: 1, errorCount: 0 });
    expect(await recorded()).toEqual(["H-1 opt_out HILLTOP * 2024-03-01→"]);
    const run = await pool.query("SELECT source, preset FROM import_runs WHERE id = $1", [report.runId]);
    expect(run.rows[0]).toEqual({ source: "consent", preset: "consent-list" });
  });

  it("a dry run counts what the import would do and writes nothing but its run record", async () => {
    await consents(["M1001,,opt_out,,,2024-02-01,"]);
    const before = await recorded();
    const report = await consents(["M1001,,opt_in,,,2024-03-01,", "M1002,,opt_out,,,,"], { dryRun: true });
    expect(report).toMatchObject({ dryRun: true, inserted: 2, ended: 1 });
    expect(await recorded()).toEqual(before);
    const run = await pool.query("SELECT dry_run, status, inserted FROM import_runs WHERE id = $1", [
      report.runId,
    ]);
    expect(run.rows[0]).toEqual({ dry_run: true, status: "completed", inserted: 2 });
  });

  it("scoped to its organization, an importer reaches only its own patients and its own scope", async () => {
    const report = await importReferenceList({
      pool,
      kind: "consent",
      organization: "HILLTOP",
      scopedToOrganization: true,
      recordedBy: "user:42",
      input: csv([
        "Patient ID,ID Type,ID Authority,Decision,Organization",
        "H-1,MR,HILLTOP,opt_out,", // 2: Hilltop's patient, Hilltop's scope
        "M1001,MB,BLUECARE,opt_out,", // 3: Riverside's patient
        "H-1,MR,HILLTOP,opt_out,ALL", // 4: a scope beyond Hilltop
        "H-1,MR,HILLTOP,opt_out,RIVERSIDE", // 5: another organization
      ]),
      asOf: "2024-03-01",
    });
    expect(report.errors).toEqual([
      {
        line: 3,
        column: "Patient ID",
        value: "M1001",
        reason: "unknown patient (no patient of HILLTOP has this identifier)",
      },
      { line: 4, column: "Organization", value: "ALL", reason: "you may record consents for HILLTOP only" },
      {
        line: 5,
        column: "Organization",
        value: "RIVERSIDE",
        reason: "you may record consents for HILLTOP only",
      },
    ]);
    expect(await recorded()).toEqual(["H-1 opt_out HILLTOP * 2024-03-01→"]);
    const by = await pool.query("SELECT recorded_by FROM consents");
    expect(by.rows).toEqual([{ recorded_by: "user:42" }]);
  });

  it("refuses a wrong call before starting: unknown organization, preset of another kind, no organization", async () => {
    await expect(consents([], { organization: "NOPE" })).rejects.toThrow(RosterImportError);
    await expect(consents([], { mapping: "notification-rules" })).rejects.toThrow(
      "preset notification-rules is for notification-rule lists, not consent",
    );
    await expect(consents([], { mapping: { columns: { X: "sendingFacility" } } })).rejects.toThrow(
      /not a mapping for a consent list/,
    );
    await expect(consents([], { organization: undefined })).rejects.toThrow(
      /needs the importing organization/,
    );
    const runs = await pool.query("SELECT 1 FROM import_runs WHERE kind = 'consent'");
    expect(runs.rowCount).toBe(0);
  });
});
