import { createPool, migrate, type Pool } from "@homeward/db";
import { isolation } from "@homeward/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type ImportRosterOptions, importRoster } from "./roster-import.ts";
import { csv, npi, type SeededOrgs, seedOrganizations } from "./seed.test-support.ts";

/**
 * Data has an owner (DESIGN.md, the trust model): an organization's upload names only patients it
 * is entitled to name, and never changes what another source said about them.
 */

let pool: Pool;
let orgs: SeededOrgs;
let hilltopCm: string;
beforeEach(async () => {
  const iso = isolation("ownership");
  await migrate(iso.settings.postgres);
  pool = createPool(iso.settings.postgres);
  orgs = await seedOrganizations(pool);
  const { rows } = await pool.query<{ id: string }>(
    `INSERT INTO recipients (organization_id, role, display_name, email, time_zone)
     VALUES ($1, 'care_manager', 'Care Manager', 'cm.hilltop@example.org', 'America/New_York') RETURNING id::text`,
    [orgs.hilltop],
  );
  hilltopCm = rows[0]?.id ?? "";
});
afterEach(async () => {
  await pool?.end();
});

const OSLER = npi("123456789");
/** BlueCare attributes Alma (member M1001) to Riverside. */
const payerRoster = () =>
  importRoster({
    pool,
    kind: "attribution",
    source: "bluecare-attribution",
    organization: "BLUECARE",
    input: csv([
      "Member ID,Member Last Name,Member First Name,DOB,Gender,Zip,Phone,Attributed Practice ID,PCP NPI",
      `M1001,Testcase,Alma,1950-03-04,F,02139,617-555-0101,RIVERSIDE,${OSLER}`,
    ]),
    asOf: "2024-04-01",
  });

/** Hilltop's care-management list, naming patients by BlueCare member id. */
const hilltopList = (rows: string[], extra: Partial<ImportRosterOptions> = {}) =>
  importRoster({
    pool,
    kind: "enrollment",
    source: "hilltop-cm",
    organization: "HILLTOP",
    input: csv([
      "Member ID,ID Authority,Last Name,First Name,DOB,Sex,Program,Priority,Care Manager Email,Status",
      ...rows,
    ]),
    asOf: "2024-04-02",
    ...extra,
  });
const hilltopRow = (member: string, family = "Testcase", given = "Alma", dob = "1950-03-04") =>
  `${member},BLUECARE,${family},${given},${dob},F,complex-care,Priority I,cm.hilltop@example.org,Active`;

const enrollments = async () =>
  (
    await pool.query<{ n: string }>(
      "SELECT count(*)::text AS n FROM care_management_enrollments WHERE listed_by_org_id = $1",
      [orgs.hilltop],
    )
  ).rows[0]?.n;

describe("who may name a patient", () => {
  it("refuses another practice's upload that names a patient by a plan's member id it has no agreement for", async () => {
    await payerRoster();
    const report = await hilltopList([hilltopRow("M1001"), hilltopRow("M7777", "Newperson", "Dana")]);
    expect(report).toMatchObject({ status: "completed", inserted: 0, patientsCreated: 0, valid: 0 });
    // The same words for a patient who exists and one who does not: an upload cannot probe.
    const reasons = report.errors.map((e) => [e.line, e.column, e.reason]);
    const reason =
      "HILLTOP may not name patients by BLUECARE identifiers (no agreement with BLUECARE), and this identifier is not of a patient on HILLTOP's open rosters or lists";
    expect(reasons).toEqual([
      [2, "(identifier)", reason],
      [3, "(identifier)", reason],
    ]);
    expect(await enrollments()).toBe("0");
    const ids = await pool.query("SELECT value FROM patient_identifiers ORDER BY value");
    expect(ids.rows).toEqual([{ value: "M1001" }]);
  });

  it("takes the same row once the organization has an agreement for that authority", async () => {
    await payerRoster();
    await pool.query(
      "INSERT INTO organization_identifier_authorities (organization_id, assigning_authority, type_code) VALUES ($1, 'BLUECARE', 'MB')",
      [orgs.hilltop],
    );
    const report = await hilltopList([hilltopRow("M1001")]);
    expect(report).toMatchObject({ status: "completed", inserted: 1, patientsCreated: 0, errorCount: 0 });
    const cm = await pool.query(
      "SELECT care_manager_recipient_id::text AS cm FROM care_management_enrollments WHERE listed_by_org_id = $1",
      [orgs.hilltop],
    );
    expect(cm.rows).toEqual([{ cm: hilltopCm }]);
  });

  it("lets a practice name by the plan's member id a patient the plan attributes to it, and no other", async () => {
    await payerRoster();
    const riverside = (member: string) =>
      importRoster({
        pool,
        kind: "panel",
        source: "riverside-panel",
        organization: "RIVERSIDE",
        input: csv([
          "MRN,Patient Last Name,Patient First Name,Birth Date,Sex,Insurance Member ID,Insurance Plan Code",
          `R-77,Testcase,Alma,1950-03-04,F,${member},BLUECARE`,
        ]),
        asOf: "2024-04-03",
      });
    expect(await riverside("M1001")).toMatchObject({ inserted: 1, patientsCreated: 0, errorCount: 0 });
    // A member id the plan never attributed to Riverside: not Riverside's to create or to link.
    const other = await riverside("M5555");
    expect(other.errors.map((e) => [e.column, e.value])).toEqual([["(second identifier)", "M5555"]]);
    const ids = await pool.query("SELECT value FROM patient_identifiers WHERE value = 'M5555'");
    expect(ids.rows).toEqual([]);
  });

  it("keeps who supplied each identifier", async () => {
    const report = await payerRoster();
    const { rows } = await pool.query(
      "SELECT source_org_id::text AS org, source, import_run_id::text AS run FROM patient_identifiers",
    );
    expect(rows).toEqual([{ org: orgs.bluecare, source: "roster:bluecare-attribution", run: report.runId }]);
  });
});

describe("whose demographics", () => {
  it("keeps another source's different name and birth date beside the record, never over it, and queues the conflict", async () => {
    await payerRoster();
    await pool.query(
      "INSERT INTO organization_identifier_authorities (organization_id, assigning_authority) VALUES ($1, 'BLUECARE')",
      [orgs.hilltop],
    );
    const report = await hilltopList([hilltopRow("M1001", "Impostor", "Alma", "1990-01-01")]);
    expect(report).toMatchObject({ status: "completed", inserted: 1 });
    expect(report.message).toMatch(/disagree with another source/);

    const patient = await pool.query(
      "SELECT family_name, given_name, birth_date::text AS birth_date, source_org_id::text AS org FROM patients",
    );
    expect(patient.rows).toEqual([
      { family_name: "Testcase", given_name: "Alma", birth_date: "1950-03-04", org: orgs.bluecare },
    ]);
    const sources = await pool.query(
      `SELECT source, source_org_id::text AS org, family_name, birth_date::text AS birth_date
         FROM patient_demographics ORDER BY id`,
    );
    expect(sources.rows).toEqual([
      {
        source: "bluecare-attribution",
        org: orgs.bluecare,
        family_name: "Testcase",
        birth_date: "1950-03-04",
      },
      { source: "hilltop-cm", org: orgs.hilltop, family_name: "Impostor", birth_date: "1990-01-01" },
    ]);
    const conflicts = await pool.query("SELECT fields, status FROM demographic_conflicts");
    expect(conflicts.rows).toEqual([{ fields: ["family_name", "birth_date"], status: "pending" }]);

    // The same file again records nothing new; the creating plan's own update still refreshes the record.
    await hilltopList([hilltopRow("M1001", "Impostor", "Alma", "1990-01-01")]);
    expect((await pool.query("SELECT 1 FROM demographic_conflicts")).rowCount).toBe(1);
    await importRoster({
      pool,
      kind: "attribution",
      source: "bluecare-attribution",
      organization: "BLUECARE",
      input: csv([
        "Member ID,Member Last Name,Member First Name,DOB,Gender,Attributed Practice ID",
        "M1001,Testcase-Moss,Alma,1950-03-04,F,RIVERSIDE",
      ]),
      asOf: "2024-05-01",
    });
    const renamed = await pool.query("SELECT family_name FROM patients");
    expect(renamed.rows).toEqual([{ family_name: "Testcase-Moss" }]);
  });
});
