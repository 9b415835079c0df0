import { Readable } from "node:stream";
import { createPool, migrate, type Pool } from "@homeward/db";
import { isolation } from "@homeward/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { RosterImportError } from "./csv-import.ts";
import { importReferenceList } from "./reference-import.ts";
import { type ImportRosterOptions, importRoster } from "./roster-import.ts";
import { csv, seedOrganizations } from "./seed.test-support.ts";

let pool: Pool;
beforeEach(async () => {
  const iso = isolation("csvimport");
  await migrate(iso.settings.postgres);
  pool = createPool(iso.settings.postgres);
  await seedOrganizations(pool);
});
afterEach(async () => {
  await pool?.end();
});

const attribution = (input: Readable, extra: Partial<ImportRosterOptions> = {}) =>
  importRoster({
    pool,
    kind: "attribution",
    source: "bluecare-attribution",
    organization: "BLUECARE",
    input,
    asOf: "2024-04-01",
    ...extra,
  });

async function patients() {
  const { rows } = await pool.query(
    `SELECT pi.value AS member, p.family_name, p.given_name, p.middle_name, p.birth_date::text, p.sex,
            p.postal_code, p.phone
       FROM patients p JOIN patient_identifiers pi ON pi.patient_id = p.id ORDER BY pi.value`,
  );
  return rows;
}

const runs = async () =>
  (await pool.query("SELECT status, dry_run, message FROM import_runs ORDER BY id")).rows;

describe("header spellings", () => {
  it("reads birth_date, middle_initial, gender, zip_code, phone_number and mbi with the attribution preset", async () => {
    const report = await attribution(
      csv([
        "mbi,last_name,first_name,middle_initial,birth_date,gender,zip_code,phone_number,practice_id,pcp_npi",
        "1EG4TE5MK73,Testcase,Alma,Q,1950-03-04,F,02139,617-555-0101,RIVERSIDE,",
      ]),
    );
    expect(report).toMatchObject({ status: "completed", inserted: 1, errorCount: 0, unmappedColumns: [] });
    expect(await patients()).toEqual([
      {
        member: "1EG4TE5MK73",
        family_name: "Testcase",
        given_name: "Alma",
        middle_name: "Q",
        birth_date: "1950-03-04",
        sex: "F",
        postal_code: "02139",
        phone: "6175550101",
      },
    ]);
  });
});

describe("fields a file leaves empty", () => {
  const BIRTH_DT = "Member ID,Last Name,First Name,patient_birth_dt,Sex,Attributed Practice ID";
  const ALMA = "M1,Testcase,Alma,1950-03-04,F,RIVERSIDE";

  it("refuses a column that looks like a birth date but is not mapped, dry run included; allowMissing lets it through", async () => {
    for (const dryRun of [true, false]) {
      const report = await attribution(csv([BIRTH_DT, ALMA]), { dryRun });
      expect(report).toMatchObject({ status: "rejected", dryRun, valid: 0, inserted: 0 });
      expect(report.message).toBe(
        'birthDate would be missing from every row: column "patient_birth_dt" looks like it but is not mapped; ' +
          "the matcher relies on it. Map the column, or import without it: --allow-missing birthDate " +
          "(API: allowMissing=birthDate)",
      );
    }
    expect(await patients()).toEqual([]);
    expect((await runs()).map((r) => [r.status, r.dry_run])).toEqual([
      ["rejected", true],
      ["rejected", false],
    ]);

    const allowed = await attribution(csv([BIRTH_DT, ALMA]), { allowMissing: ["birthDate"] });
    expect(allowed).toMatchObject({
      status: "completed",
      inserted: 1,
      unmappedColumns: ["patient_birth_dt"],
    });
    expect(await patients()).toEqual([expect.objectContaining({ member: "M1", birth_date: null, sex: "F" })]);
  });

  it("refuses a file whose needed column is blank in every row, after reading it: its good rows are not written", async () => {
    const report = await attribution(
      csv([
        "Member ID,Last Name,First Name,DOB,Sex,Attributed Practice ID",
        "M1,Testcase,Alma,1950-03-04,,RIVERSIDE",
        "M2,Sample,Ben,not-a-date,,RIVERSIDE",
      ]),
    );
    expect(report).toMatchObject({ status: "rejected", read: 2, valid: 0, inserted: 0, errorCount: 1 });
    expect(report.message).toMatch(
      /^sex would be missing from every row: column "Sex" is empty in every row; the matcher relies on it\./,
    );
    expect(report.errors).toEqual([expect.objectContaining({ line: 3, column: "DOB" })]);
    expect(await patients()).toEqual([]);
  });

  it("refuses a field the matcher does not need when a column looks like it, not when a mapped column fills it", async () => {
    const header = "Member ID,Last Name,First Name,DOB,Sex,Attributed Practice ID,mailing_zip";
    const refused = await attribution(csv([header, `${ALMA},02139`]));
    expect(refused.status).toBe("rejected");
    expect(refused.message).toMatch(
      /^postalCode would be missing from every row: column "mailing_zip" looks like it/,
    );
    // With a mapped ZIP column, another ZIP-like column (or the PCP's phone) is just not imported.
    const taken = await attribution(
      csv([
        "Member ID,Last Name,First Name,DOB,Sex,Zip,Attributed Practice ID,mailing_zip,PCP Phone",
        "M1,Testcase,Alma,1950-03-04,F,02139,RIVERSIDE,02140,617-555-0199",
      ]),
    );
    expect(taken).toMatchObject({ status: "completed", unmappedColumns: ["mailing_zip", "PCP Phone"] });
  });

  it("names every missing field at once, with the header's columns the preset looks for", async () => {
    const report = await attribution(csv(["Member ID,Attributed Practice ID", "M1,RIVERSIDE"]), {
      allowMissing: ["family_name", "Given Name"],
    });
    expect(report.status).toBe("rejected");
    expect(report.message).toBe(
      'birthDate would be missing from every row: no column maps to it (looked for "Member Date of Birth", ' +
        '"Patient Date of Birth", "Date of Birth", "Member DOB", …); the matcher relies on it. ' +
        'sex would be missing from every row: no column maps to it (looked for "Member Sex", "Patient Sex", "Sex", ' +
        '"Member Gender", …); the matcher relies on it. Map the column, or import without it: ' +
        "--allow-missing birthDate,sex (API: allowMissing=birthDate,sex)",
    );
  });

  it("refuses a field name the kind does not have before anything starts", async () => {
    await expect(
      attribution(csv([BIRTH_DT, ALMA]), { allowMissing: ["birthdate", "eyeColour"] }),
    ).rejects.toThrow(RosterImportError);
    expect(await runs()).toEqual([]);
  });

  it("applies to reference lists: a consent file's birth-date look-alike, and its identifier", async () => {
    await attribution(csv(["Member ID,Last Name,First Name,DOB,Sex,Attributed Practice ID", ALMA]));
    const consents = (lines: string[], allowMissing: string[] = []) =>
      importReferenceList({
        pool,
        kind: "consent",
        organization: "BLUECARE",
        input: csv(lines),
        asOf: "2024-05-01",
        allowMissing,
      });
    const lookAlike = await consents(["Member ID,member_birth_dt,Decision", "M1,1950-03-04,opt-out"]);
    expect(lookAlike.status).toBe("rejected");
    expect(lookAlike.message).toMatch(/^birthDate would be missing from every row: column "member_birth_dt"/);
    expect(
      await consents(["Member ID,member_birth_dt,Decision", "M1,1950-03-04,opt-out"], ["birthDate"]),
    ).toMatchObject({
      status: "completed",
      inserted: 1,
    });
    const noIdentifier = await consents(["Member ID,Decision", ",opt-out"]);
    expect(noIdentifier).toMatchObject({ status: "rejected", errorCount: 1 });
    expect(noIdentifier.message).toMatch(
      /^identifierValue would be missing from every row: column "Member ID" is empty/,
    );
  });
});

describe("cells that are not text", () => {
  const HEADER = "Member ID,Member Last Name,Member First Name,DOB,Sex,Attributed Practice ID\n";
  const bytes = (...parts: (string | number[])[]) =>
    Readable.from([
      Buffer.concat(parts.map((p) => (typeof p === "string" ? Buffer.from(p) : Buffer.from(p)))),
    ]);

  it("a NUL byte or invalid UTF-8 is a row error at its line and column; the other rows land", async () => {
    const report = await attribution(
      bytes(
        HEADER,
        "M1,Testcase,Alma,1950-03-04,F,RIVERSIDE\n",
        "M2,Sam\0ple,Ben,1962-03-15,M,RIVERSIDE\n",
        "M3,Example,Jos",
        [0xe9], // Windows-1252 é
        ",1980-01-01,M,RIVERSIDE\n",
        "M4,Other,",
        [0xff, 0xfe],
        ",1990-02-02,\0,RIVERSIDE\n",
        "M5,Last,Row,1991-01-01,F,RIVERSIDE\n",
      ),
    );
    expect(report).toMatchObject({ status: "completed", read: 5, valid: 2, inserted: 2, rejectedRows: 3 });
    expect(report.errors).toEqual([
      { line: 3, column: "Member Last Name", value: null, reason: "contains a NUL byte" },
      {
        line: 4,
        column: "Member First Name",
        value: null,
        reason: "not valid UTF-8 (save the file as UTF-8)",
      },
      {
        line: 5,
        column: "Member First Name",
        value: null,
        reason: "not valid UTF-8 (save the file as UTF-8)",
      },
      { line: 5, column: "Sex", value: null, reason: "contains a NUL byte" },
    ]);
    expect((await patients()).map((p) => p.member)).toEqual(["M1", "M5"]);
    const stored = await pool.query(
      "SELECT count(*)::int AS n FROM import_row_errors WHERE import_run_id = $1",
      [report.runId],
    );
    expect(stored.rows[0]?.n).toBe(4);
  });

  it("a member whose row has an unreadable cell is not ended, as for any refused row", async () => {
    const ben = "M2,Sample,Ben,1962-03-15,M,RIVERSIDE\n";
    await attribution(bytes(HEADER, "M1,Testcase,Alma,1950-03-04,F,RIVERSIDE\n", ben));
    const next = await attribution(
      bytes(
        HEADER,
        "M1,Testcase,Alma,1950-03-04,F,RIVERSIDE\n",
        "M2,Sample,B",
        [0xe9],
        "n,1962-03-15,M,RIVERSIDE\n",
      ),
      { asOf: "2024-05-01" },
    );
    expect(next).toMatchObject({ status: "completed", ended: 0, unchanged: 1, errorCount: 1 });
  });

  it("applies to reference lists: a sensitive facility with a NUL in a cell is refused, its neighbours taken", async () => {
    const report = await importReferenceList({
      pool,
      kind: "sensitive-facility",
      source: "state-list",
      input: bytes("Sending Facility,Location,Reason\n", "HARBOR,,\n", "LAKESIDE,DETOX\0,\n"),
      asOf: "2024-05-01",
    });
    expect(report).toMatchObject({ status: "completed", inserted: 1, errorCount: 1 });
    expect(report.errors).toEqual([
      { line: 3, column: "Location", value: null, reason: "contains a NUL byte" },
    ]);
  });
});
