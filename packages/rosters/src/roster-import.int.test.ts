import { createPool, migrate, type Pool } from "@homeward/db";
import { isolation } from "@homeward/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type ImportRosterOptions, importRoster } from "./roster-import.ts";
import { csv, npi, type SeededOrgs, seedOrganizations } from "./seed.test-support.ts";

let pool: Pool;
let orgs: SeededOrgs;
beforeEach(async () => {
  const iso = isolation("rosters");
  await migrate(iso.settings.postgres);
  pool = createPool(iso.settings.postgres);
  orgs = await seedOrganizations(pool);
});
afterEach(async () => {
  await pool?.end();
});

const OSLER = npi("123456789");
const APGAR = npi("987654321");
const PAYER_HEADER =
  "Member ID,Member Last Name,Member First Name,DOB,Gender,Zip,Phone,Attributed Practice ID,PCP NPI,PCP Last Name,PCP First Name";
const alma = (pcp = OSLER) =>
  `M1001,Testcase,Alma,1950-03-04,F,02139,617-555-0101,RIVERSIDE,${pcp},Osler,Wil`;
const ben = "M1002,Sample,Ben,03/15/1962,M,02140-1234,,RIVERSIDE,,,";
const cleo = `M1003,Example,Cleo,19800101,female,02141,,HILLTOP,${APGAR},Apgar,Vi`;

const payer = (lines: string[], extra: Partial<ImportRosterOptions> = {}) =>
  importRoster({
    pool,
    kind: "attribution",
    source: "bluecare-attribution",
    organization: "BLUECARE",
    input: csv([PAYER_HEADER, ...lines]),
    asOf: "2024-04-01",
    ...extra,
  });

async function attributions() {
  const { rows } = await pool.query<{
    member: string;
    practice: string;
    pcp: string | null;
    from: string;
    to: string | null;
  }>(
    `SELECT pi.value AS member, o.code AS practice, c.npi AS pcp,
            to_char(a.effective_from, 'YYYY-MM-DD') AS from, to_char(a.effective_to, 'YYYY-MM-DD') AS to
       FROM attributions a
       JOIN organizations o ON o.id = a.practice_org_id
       JOIN patient_identifiers pi ON pi.patient_id = a.patient_id AND pi.type_code = 'MB'
       LEFT JOIN clinicians c ON c.id = a.pcp_clinician_id
      ORDER BY pi.value, a.effective_from, a.id`,
  );
  return rows;
}

const count = async (table: string) =>
  Number((await pool.query<{ n: string }>(`SELECT count(*)::text AS n FROM ${table}`)).rows[0]?.n);

describe("presets", () => {
  it("payer-attribution: member ids of the payer, demographics normalized, PCPs created by NPI", async () => {
    const report = await payer([alma(), ben, cleo], { fileName: "bluecare-2024-04.csv" });
    expect(report).toMatchObject({
      status: "completed",
      read: 3,
      valid: 3,
      inserted: 3,
      updated: 0,
      ended: 0,
      unchanged: 0,
      patientsCreated: 3,
      errorCount: 0,
      errors: [],
      unmappedColumns: [],
    });
    expect(await attributions()).toEqual([
      { member: "M1001", practice: "RIVERSIDE", pcp: OSLER, from: "2024-04-01", to: null },
      { member: "M1002", practice: "RIVERSIDE", pcp: null, from: "2024-04-01", to: null },
      { member: "M1003", practice: "HILLTOP", pcp: APGAR, from: "2024-04-01", to: null },
    ]);
    const { rows } = await pool.query(
      `SELECT pi.assigning_authority, pi.type_code, p.birth_date::text, p.sex, p.postal_code, p.phone
         FROM patients p JOIN patient_identifiers pi ON pi.patient_id = p.id ORDER BY pi.value`,
    );
    expect(rows).toEqual([
      {
        assigning_authority: "BLUECARE",
        type_code: "MB",
        birth_date: "1950-03-04",
        sex: "F",
        postal_code: "02139",
        phone: "6175550101",
      },
      expect.objectContaining({ birth_date: "1962-03-15", sex: "M", postal_code: "02140", phone: null }),
      expect.objectContaining({ birth_date: "1980-01-01", sex: "F" }),
    ]);
    const run = await pool.query(
      "SELECT kind, source, file_name, status, dry_run, rows_read, inserted FROM import_runs WHERE id = $1",
      [report.runId],
    );
    expect(run.rows[0]).toEqual({
      kind: "attribution",
      source: "bluecare-attribution",
      file_name: "bluecare-2024-04.csv",
      status: "completed",
      dry_run: false,
      rows_read: 3,
      inserted: 3,
    });
  });

  it("practice-panel: MRNs of the practice, linked to the payer's record of the same person by member id", async () => {
    await payer([alma()]);
    const report = await importRoster({
      pool,
      kind: "panel",
      source: "riverside-panel",
      organization: "RIVERSIDE",
      input: csv([
        "MRN,Patient Last Name,Patient First Name,Birth Date,Sex,Zip Code,Home Phone,PCP NPI,Insurance Member ID,Insurance Plan Code",
        `R-77,Testcase,Alma,1950-03-04,F,02139,(617) 555-0199,${OSLER},M1001,BLUECARE`,
        "R-78,Newperson,Dana,1990-07-08,U,02142,,,,",
      ]),
      asOf: "2024-04-03",
    });
    expect(report).toMatchObject({ status: "completed", inserted: 2, patientsCreated: 1, errorCount: 0 });
    expect(await count("patients")).toBe(2);
    const { rows } = await pool.query(
      `SELECT string_agg(pi.type_code || ':' || pi.assigning_authority || ':' || pi.value, ' ' ORDER BY pi.value) AS ids,
              p.phone, a.kind, a.source
         FROM attributions a JOIN patients p ON p.id = a.patient_id
         JOIN patient_identifiers pi ON pi.patient_id = p.id
        WHERE a.source = 'riverside-panel' GROUP BY p.id, a.id ORDER BY p.id`,
    );
    // The payer created Alma: its phone stays on her record; the panel's is kept as the panel's own.
    expect(rows).toEqual([
      {
        ids: "MB:BLUECARE:M1001 MR:RIVERSIDE:R-77",
        phone: "6175550101",
        kind: "panel",
        source: "riverside-panel",
      },
      { ids: "MR:RIVERSIDE:R-78", phone: null, kind: "panel", source: "riverside-panel" },
    ]);
  });

  it("refuses a panel row whose MRN and member id already name two different patients", async () => {
    await payer([alma(), cleo]);
    const panel = (member: string) =>
      importRoster({
        pool,
        kind: "panel",
        source: "riverside-panel",
        organization: "RIVERSIDE",
        input: csv([
          "MRN,Birth Date,Insurance Member ID,Insurance Plan Code",
          `R-77,1950-03-04,${member},BLUECARE`,
        ]),
        allowMissing: ["familyName", "givenName", "sex"],
        asOf: "2024-04-03",
      });
    expect(await panel("M1001")).toMatchObject({ inserted: 1, patientsCreated: 0 });
    // Cleo is Hilltop's: without an agreement for BlueCare's ids, Riverside may not name her at all.
    expect((await panel("M1003")).errors[0]?.reason).toMatch(/^RIVERSIDE may not name patients by BLUECARE/);
    await pool.query(
      "INSERT INTO organization_identifier_authorities (organization_id, assigning_authority) VALUES ($1, 'BLUECARE')",
      [orgs.riverside],
    );
    const conflict = await panel("M1003");
    expect(conflict.errors).toEqual([
      {
        line: 2,
        column: "(second identifier)",
        value: "M1003",
        reason: "this identifier already belongs to a different patient than the row's main identifier",
      },
    ]);
    expect(conflict).toMatchObject({ valid: 0, ended: 0, unchanged: 0 });
    expect(await count("patients")).toBe(2);
  });

  it("cm-enrollment: programme, tier, care manager, lead, status, goal and scores", async () => {
    const report = await importRoster({
      pool,
      kind: "enrollment",
      source: "bluecare-high-risk",
      organization: "BLUECARE",
      input: csv([
        "Member ID,Last Name,First Name,DOB,Sex,Practice ID,Program,Priority,Care Manager Email,Lead,Status,Patient-Centered Goal,Goal Met,Risk Score",
        "M1001,Testcase,Alma,1950-03-04,F,RIVERSIDE,complex-care,Priority II,CM.BlueCare@example.org,Health Plan,Tracking List,Walk to church again,Y,0.8731",
      ]),
      asOf: "2024-04-01",
    });
    expect(report).toMatchObject({ status: "completed", inserted: 1, errorCount: 0 });
    const { rows } = await pool.query(
      `SELECT program, listed_by_org_id::text, practice_org_id::text, risk_tier, care_manager_recipient_id::text,
              lead_organization, status, goal, goal_met, plan_risk_score::text, practice_flag
         FROM care_management_enrollments`,
    );
    expect(rows).toEqual([
      {
        program: "complex-care",
        listed_by_org_id: orgs.bluecare,
        practice_org_id: orgs.riverside,
        risk_tier: "II",
        care_manager_recipient_id: orgs.bluecareCm,
        lead_organization: "plan",
        status: "tracking_list",
        goal: "Walk to church again",
        goal_met: true,
        plan_risk_score: "0.8731",
        practice_flag: null,
      },
    ]);
  });

  it("a custom mapping names its own columns and defaults", async () => {
    const report = await importRoster({
      pool,
      kind: "attribution",
      source: "aco-feed",
      organization: "BLUECARE",
      mapping: {
        columns: {
          subscriber: "identifierValue",
          surname: "familyName",
          birth: "birthDate",
          clinic: "practice",
        },
        defaults: { identifierType: "MB" },
      },
      input: csv(["SUBSCRIBER;SURNAME;BIRTH;CLINIC".replaceAll(";", ","), "Z9,Doe,1970-01-01,HILLTOP"]),
      allowMissing: ["givenName", "sex"],
      asOf: "2024-04-01",
    });
    expect(report).toMatchObject({ status: "completed", inserted: 1, errorCount: 0 });
    expect(await attributions()).toEqual([
      { member: "Z9", practice: "HILLTOP", pcp: null, from: "2024-04-01", to: null },
    ]);
  });
});

describe("row errors", () => {
  it("carry line, column, value and reason; the good rows still land", async () => {
    const report = await payer([
      alma(), // line 2
      "M2001,Bad,Date,13/45/1950,F,02139,,RIVERSIDE,,,", // line 3
      "M2002,Unknown,Practice,1950-01-01,F,02139,,NOWHERE,,,", // line 4
      "M2003,Bad,Npi,1950-01-01,F,02139,,RIVERSIDE,1234567890,,", // line 5
      ",No,Member,1950-01-01,F,02139,,RIVERSIDE,,,", // line 6
      "M2004,Too,Few,1950-01-01", // line 7
      cleo, // line 8
      alma(), // line 9: the same member again
    ]);
    expect(report).toMatchObject({ status: "completed", read: 8, valid: 2, inserted: 2, rejectedRows: 6 });
    expect(report.errors).toEqual([
      {
        line: 3,
        column: "DOB",
        value: "13/45/1950",
        reason: "not a date (YYYY-MM-DD, MM/DD/YYYY or YYYYMMDD)",
      },
      {
        line: 4,
        column: "Attributed Practice ID",
        value: "NOWHERE",
        reason: "unknown practice (no practice organization has this code or NPI)",
      },
      {
        line: 5,
        column: "PCP NPI",
        value: "1234567890",
        reason: "not a valid NPI (10 digits with a check digit)",
      },
      { line: 6, column: "Member ID", value: null, reason: "required" },
      { line: 7, column: null, value: null, reason: "wrong number of fields for the header" },
      { line: 9, column: "(identifier)", value: "M1001", reason: "duplicate of line 2" },
    ]);
    expect(report.errorCount).toBe(6);
    expect((await attributions()).map((a) => a.member)).toEqual(["M1001", "M1003"]);
    const stored = await pool.query(
      "SELECT line, column_name, value, reason FROM import_row_errors WHERE import_run_id = $1 ORDER BY line",
      [report.runId],
    );
    expect(stored.rows.map((r) => [r.line, r.column_name, r.value])).toEqual(
      report.errors.map((e) => [e.line, e.column, e.value]),
    );
    const run = await pool.query("SELECT error_count, rows_valid FROM import_runs WHERE id = $1", [
      report.runId,
    ]);
    expect(run.rows[0]).toEqual({ error_count: 6, rows_valid: 2 });
  });

  it("a file without a required column is refused whole, and nothing is written", async () => {
    const report = await importRoster({
      pool,
      kind: "attribution",
      source: "bluecare-attribution",
      organization: "BLUECARE",
      input: csv(["Member ID,DOB", "M1,1950-01-01"]),
      asOf: "2024-04-01",
    });
    expect(report.status).toBe("rejected");
    expect(report.message).toMatch(
      /missing required column\(s\): practice \(column "Attributed Practice ID"/,
    );
    expect(await count("patients")).toBe(0);
    const run = await pool.query("SELECT status, message FROM import_runs WHERE id = $1", [report.runId]);
    expect(run.rows[0]?.status).toBe("rejected");
  });

  it("reports the limit it was given but counts every error", async () => {
    const bad = Array.from({ length: 30 }, (_, i) => `X${i},A,B,not-a-date,F,02139,,RIVERSIDE,,,`);
    const report = await payer(bad, { maxReportedErrors: 5 });
    expect(report.errors).toHaveLength(5);
    expect(report.errorCount).toBe(30);
  });
});

describe("dry run", () => {
  it("validates and counts what an import would do, and writes nothing but its run record", async () => {
    await payer([alma(), ben]);
    const before = await attributions();
    const report = await payer([alma(APGAR), cleo, "M9,Bad,Row,1950-99-99,F,,,RIVERSIDE,,,"], {
      dryRun: true,
      asOf: "2024-05-01",
    });
    expect(report).toMatchObject({
      dryRun: true,
      inserted: 1,
      updated: 1,
      ended: 1,
      unchanged: 0,
      patientsCreated: 1,
      errorCount: 1,
    });
    expect(await attributions()).toEqual(before);
    expect(await count("patients")).toBe(2);
    expect(await count("clinicians")).toBe(1);
    const run = await pool.query("SELECT dry_run, status, updated FROM import_runs WHERE id = $1", [
      report.runId,
    ]);
    expect(run.rows[0]).toEqual({ dry_run: true, status: "completed", updated: 1 });
  });
});

describe("effective dating", () => {
  it("re-importing the same roster changes nothing", async () => {
    await payer([alma(), ben, cleo]);
    const first = await attributions();
    const again = await payer([alma(), ben, cleo], { asOf: "2024-05-01" });
    expect(again).toMatchObject({ inserted: 0, updated: 0, ended: 0, unchanged: 3, patientsCreated: 0 });
    expect(await attributions()).toEqual(first);
  });

  it("ends a member missing from this month's roster, ends and reopens a changed PCP, reopens a returning member", async () => {
    await payer([alma(), ben, cleo]);
    const may = await payer([alma(APGAR), cleo], { asOf: "2024-05-01" });
    expect(may).toMatchObject({ inserted: 0, updated: 1, ended: 1, unchanged: 1 });
    expect(await attributions()).toEqual([
      { member: "M1001", practice: "RIVERSIDE", pcp: OSLER, from: "2024-04-01", to: "2024-05-01" },
      { member: "M1001", practice: "RIVERSIDE", pcp: APGAR, from: "2024-05-01", to: null },
      { member: "M1002", practice: "RIVERSIDE", pcp: null, from: "2024-04-01", to: "2024-05-01" },
      { member: "M1003", practice: "HILLTOP", pcp: APGAR, from: "2024-04-01", to: null },
    ]);
    const june = await payer([alma(APGAR), ben, cleo], { asOf: "2024-06-01" });
    expect(june).toMatchObject({ inserted: 1, updated: 0, ended: 0, unchanged: 2 });
    expect((await attributions()).filter((a) => a.member === "M1002").map((a) => [a.from, a.to])).toEqual([
      ["2024-04-01", "2024-05-01"],
      ["2024-06-01", null],
    ]);
  });

  it("another source's roster neither ends nor duplicates this one's", async () => {
    await payer([alma(), ben]);
    const other = await payer([cleo], { source: "other-plan-attribution" });
    expect(other).toMatchObject({ inserted: 1, ended: 0 });
    expect((await attributions()).filter((a) => a.to === null)).toHaveLength(3);
  });

  it("does not end a member whose row was refused, nor anyone when the whole file is bad", async () => {
    await payer([alma(), ben]);
    const partly = await payer([alma(), "M1002,Sample,Ben,1962-02-30,M,,,RIVERSIDE,,,"], {
      asOf: "2024-05-01",
    });
    expect(partly).toMatchObject({ ended: 0, unchanged: 1, errorCount: 1 });
    const allBad = await payer(["M1001,,,bad,F,,,RIVERSIDE,,,"], { asOf: "2024-06-01" });
    expect(allBad).toMatchObject({ ended: 0, valid: 0, errorCount: 1 });
    expect((await attributions()).every((a) => a.to === null)).toBe(true);
  });

  it("an enrollment change (tier, lead, status) ends the old row and opens the new one", async () => {
    const list = (tier: string, status: string) =>
      importRoster({
        pool,
        kind: "enrollment",
        source: "riverside-high-risk",
        organization: "RIVERSIDE",
        input: csv([
          "MRN,DOB,Program,Risk Tier,Status,Practice Flag",
          `R-1,1950-01-01,complex-care,${tier},${status},Y`,
        ]),
        allowMissing: ["familyName", "givenName", "sex"],
        mapping: {
          columns: {
            MRN: "identifierValue",
            DOB: "birthDate",
            Program: "program",
            "Risk Tier": "riskTier",
            Status: "status",
            "Practice Flag": "practiceFlag",
          },
          defaults: { identifierType: "MR" },
        },
        asOf: tier === "I" ? "2024-04-01" : "2024-05-01",
      });
    expect(await list("I", "active")).toMatchObject({ inserted: 1 });
    expect(await list("II", "monitor")).toMatchObject({ inserted: 0, updated: 1 });
    const { rows } = await pool.query(
      `SELECT risk_tier, status, practice_org_id::text, to_char(effective_to, 'YYYY-MM-DD') AS to
         FROM care_management_enrollments ORDER BY id`,
    );
    expect(rows).toEqual([
      { risk_tier: "I", status: "active", practice_org_id: orgs.riverside, to: "2024-05-01" },
      { risk_tier: "II", status: "monitor", practice_org_id: orgs.riverside, to: null },
    ]);
  });
});
