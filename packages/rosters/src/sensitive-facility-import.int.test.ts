import { createPool, migrate, type Pool } from "@homeward/db";
import { isolation } from "@homeward/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type ImportReferenceOptions, importReferenceList } from "./reference-import.ts";
import { csv } from "./seed.test-support.ts";

let pool: Pool;
beforeEach(async () => {
  const iso = isolation("sensitive");
  await migrate(iso.settings.postgres);
  pool = createPool(iso.settings.postgres);
});
afterEach(async () => {
  await pool?.end();
});

const HEADER = "Sending Facility,Sending Application,Location,Reason,Active";
const places = (lines: string[], extra: Partial<ImportReferenceOptions> = {}) =>
  importReferenceList({
    pool,
    kind: "sensitive-facility",
    source: "state-part2-list",
    input: csv([HEADER, ...lines]),
    asOf: "2024-03-01",
    ...extra,
  });

/** Every sensitive place as `facility|application|location reason active source`. */
async function stored(): Promise<string[]> {
  const { rows } = await pool.query<{ line: string }>(
    `SELECT concat_ws(' ', sending_facility || '|' || sending_application || '|' || location, reason,
                      CASE WHEN active THEN 'active' ELSE 'inactive' END, coalesce(source, '(by hand)')) AS line
       FROM sensitive_facilities ORDER BY sending_facility, sending_application, location`,
  );
  return rows.map((r) => r.line);
}

describe("sensitive-facility import", () => {
  it("imports places with their reason; refuses bad rows with line, column, value and reason", async () => {
    const report = await places([
      "HARBORRECOVERY,,,,", // 2: the whole facility, the default reason
      "MERCYGEN,EPICADT,DETOX-4,Inpatient detox unit,Y", // 3
      ",,,,Y", // 4: no facility
      "STJUDE,,,,perhaps", // 5: not yes/no
      "HARBORRECOVERY,,,Part 2 programme,", // 6: line 2's place again
    ]);
    expect(report).toMatchObject({ status: "completed", read: 5, valid: 2, inserted: 2, rejectedRows: 3 });
    expect(report.errors).toEqual([
      { line: 4, column: "Sending Facility", value: null, reason: "required" },
      { line: 5, column: "Active", value: "perhaps", reason: "not yes/no (Y/N, true/false, 1/0)" },
      { line: 6, column: "Sending Facility", value: "HARBORRECOVERY", reason: "duplicate of line 2" },
    ]);
    expect(await stored()).toEqual([
      "HARBORRECOVERY|| 42 CFR Part 2 active state-part2-list",
      "MERCYGEN|EPICADT|DETOX-4 Inpatient detox unit active state-part2-list",
    ]);
    const run = await pool.query("SELECT kind, organization_id FROM import_runs WHERE id = $1", [
      report.runId,
    ]);
    expect(run.rows[0]).toEqual({ kind: "sensitive-facility", organization_id: null });
  });

  it("is the complete list of its source: a re-import changes nothing, a place left out is deactivated", async () => {
    await pool.query(
      "INSERT INTO sensitive_facilities (sending_facility, location, reason) VALUES ('MERCYGEN', 'PSYCH-2', 'set by hand')",
    );
    const list = ["HARBORRECOVERY,,,,", "MERCYGEN,EPICADT,DETOX-4,Inpatient detox unit,Y"];
    await places(list);
    const before = await stored();
    expect(await places(list)).toMatchObject({ inserted: 0, updated: 0, ended: 0, unchanged: 2 });
    expect(await stored()).toEqual(before);

    const next = await places(["MERCYGEN,EPICADT,DETOX-4,Withdrawal management,Y", "LAKESIDE,,,,"]);
    expect(next).toMatchObject({ inserted: 1, updated: 1, ended: 1, unchanged: 0 });
    expect(await stored()).toEqual([
      "HARBORRECOVERY|| 42 CFR Part 2 inactive state-part2-list",
      "LAKESIDE|| 42 CFR Part 2 active state-part2-list",
      "MERCYGEN||PSYCH-2 set by hand active (by hand)",
      "MERCYGEN|EPICADT|DETOX-4 Withdrawal management active state-part2-list",
    ]);
    // Listed again: active again (the same row, not a second one).
    expect(await places(["HARBORRECOVERY,,,,", "LAKESIDE,,,,N"])).toMatchObject({
      updated: 2,
      ended: 1,
    });
    expect(await stored()).toEqual([
      "HARBORRECOVERY|| 42 CFR Part 2 active state-part2-list",
      "LAKESIDE|| 42 CFR Part 2 inactive state-part2-list",
      "MERCYGEN||PSYCH-2 set by hand active (by hand)",
      "MERCYGEN|EPICADT|DETOX-4 Withdrawal management inactive state-part2-list",
    ]);
  });

  it("deactivates nothing while rows are refused, and says so; another source's places are its own", async () => {
    await places(["HARBORRECOVERY,,,,", "LAKESIDE,,,,"]);
    const partly = await places(["HARBORRECOVERY,,,,", "LAKESIDE,,,,maybe"]);
    expect(partly).toMatchObject({ ended: 0, unchanged: 1, errorCount: 1 });
    expect(partly.message).toBe(
      "1 place(s) of state-part2-list missing from the file were left active, because rows were refused; " +
        "correct the file and import it again to deactivate them",
    );
    const other = await places(["STJUDE,,,,"], { source: "hospital-own-list" });
    expect(other).toMatchObject({ inserted: 1, ended: 0 });
    expect((await stored()).filter((l) => l.includes(" active "))).toHaveLength(3);
  });

  it("a dry run writes nothing but its run record; an organization is refused", async () => {
    const report = await places(["HARBORRECOVERY,,,,"], { dryRun: true });
    expect(report).toMatchObject({ dryRun: true, inserted: 1 });
    expect(await stored()).toEqual([]);
    await expect(places([], { organization: "BLUECARE" })).rejects.toThrow(/system-wide/);
  });
});
