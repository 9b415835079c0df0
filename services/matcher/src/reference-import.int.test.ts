import { Readable } from "node:stream";
import { ADT_EVENT_KINDS, type AdtEvent } from "@homeward/contracts";
import { createPool, migrate, type Pool } from "@homeward/db";
import { ADT_A01_ADMIT, ADT_A04_ED, fixtureEvent } from "@homeward/hl7/fixtures";
import { type ImportReferenceOptions, importReferenceList } from "@homeward/rosters";
import { type Isolation, isolation } from "@homeward/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type MatcherHarness,
  reloadCountingLogger,
  startMatcherHarness,
  until,
} from "./matcher-harness.test-support.ts";

/**
 * What `npm run import -- --kind consent|sensitive-facility|notification-rule` writes reaches a
 * running matcher the way a roster does: the import NOTIFYs on commit, the matcher reloads, and
 * the next event is routed by the imported rules, or suppressed by the imported opt-out or place.
 */

/** Marisol Quillfeather's ED arrival at Mercy General (PV1-3 point of care `ED`), as another message and visit. */
function edArrival(n: number): AdtEvent {
  return fixtureEvent(
    ADT_A04_ED.replace("ADT^A04^ADT_A01|MG20240305143015001", `ADT^A04^ADT_A01|MG-IMPORT-${n}`).replace(
      "V40012345001^^^MERCYGEN^VN",
      `V4001234590${n}^^^MERCYGEN^VN`,
    ),
  );
}
const admission = fixtureEvent(ADT_A01_ADMIT);

let iso: Isolation;
let pool: Pool;
let harness: MatcherHarness | undefined;
/** How many times the matcher has loaded its reference data (read off its log). */
let loads: () => number = () => 0;
const ids: Record<string, string> = {};

beforeAll(async () => {
  iso = isolation("refimport");
  await migrate(iso.settings.postgres);
  pool = createPool(iso.settings.postgres);
  const one = async (sql: string, params: unknown[] = []) =>
    String((await pool.query(sql, params)).rows[0]?.id);
  ids.practice = await one(
    "INSERT INTO organizations (kind, code, name) VALUES ('practice', 'SFM', 'Springvale Family Medicine') RETURNING id",
  );
  ids.clinician = await one(
    "INSERT INTO clinicians (npi, family_name, given_name) VALUES ('1234567893', 'Alderwood', 'Ada') RETURNING id",
  );
  const recipient = (role: string, email: string, clinician: string | null = null) =>
    one(
      `INSERT INTO recipients (organization_id, role, display_name, email, time_zone, clinician_id)
       VALUES ($1, $2, $3, $4, 'America/New_York', $5) RETURNING id`,
      [ids.practice, role, email, email, clinician],
    );
  ids.pcp = await recipient("pcp", "pcp@sfm.example", ids.clinician);
  // A second PCP of the practice, not this patient's: a PCP rule never reaches her.
  await recipient("pcp", "pcp2@sfm.example");
  ids.cm = await recipient("care_manager", "cm@sfm.example");
  ids.patient = await one(
    "INSERT INTO patients (family_name, given_name, birth_date, sex, postal_code) VALUES ('QUILLFEATHER', 'MARISOL', '1958-04-12', 'F', '45501') RETURNING id",
  );
  await pool.query(
    "INSERT INTO patient_identifiers (patient_id, assigning_authority, type_code, value) VALUES ($1, 'MERCYGEN', 'MR', '40012345')",
    [ids.patient],
  );
  await pool.query(
    "INSERT INTO attributions (patient_id, practice_org_id, pcp_clinician_id, source, kind, effective_from) VALUES ($1, $2, $3, 'sfm-panel', 'panel', '2020-01-01')",
    [ids.patient, ids.practice, ids.clinician],
  );

  const counting = reloadCountingLogger();
  loads = counting.loads;
  harness = await startMatcherHarness(iso, counting.logger);
});

afterAll(async () => {
  await harness?.stop();
  await pool?.end();
});

/** Imports a list as the CLI does, then waits for the matcher to have reloaded after its NOTIFY. */
async function importAndReload(
  kind: ImportReferenceOptions["kind"],
  lines: string[],
  extra: Partial<ImportReferenceOptions> = {},
) {
  const before = loads();
  const report = await importReferenceList({
    pool,
    kind,
    ...(kind === "sensitive-facility" ? {} : { organization: "SFM" }),
    input: Readable.from([`${lines.join("\n")}\n`]),
    asOf: "2024-01-01",
    eventKinds: ADT_EVENT_KINDS,
    ...extra,
  });
  expect(report).toMatchObject({ status: "completed", errorCount: 0 });
  await until(() => loads() > before, `the matcher's reload after the ${kind} import`);
  return report;
}

/** Publishes one event and waits for what the matcher made of it. */
async function outcomeOf(event: AdtEvent) {
  if (harness === undefined) throw new Error("no matcher");
  const { matched, unmatched } = await harness.outcomeOf(event);
  return { matched: matched[0], unmatched };
}

describe("reference imports reach the running matcher", () => {
  it("routes by imported notification rules: the care manager for admissions, the PCP for ED arrivals", async () => {
    await importAndReload("notification-rule", [
      "Recipient Email,Recipient Role,Event Kinds",
      "cm@sfm.example,,inpatient-admit",
      ",PCP,ed-arrival",
    ]);
    const admitted = await outcomeOf(admission);
    expect(admitted.matched?.recipients).toEqual([
      { recipientId: ids.cm, role: "care-manager", copy: "lead", basis: "named-by-rule" },
    ]);
    const arrived = await outcomeOf(edArrival(1));
    expect(arrived.matched?.recipients).toEqual([
      { recipientId: ids.pcp, role: "pcp", copy: "lead", basis: "pcp-of-record" },
    ]);
  });

  it("suppresses the patient's events after an imported opt-out, and alerts again after the opt-in", async () => {
    await importAndReload("consent", [
      "MRN,ID Type,ID Authority,Decision,Effective Date",
      "40012345,MR,MERCYGEN,opt-out,2023-06-01",
    ]);
    const optedOut = await outcomeOf(edArrival(2));
    expect(optedOut.matched).toBeUndefined();
    expect(optedOut.unmatched).toMatchObject({ reason: "suppressed", detail: "patient opted out" });
    const audit = await pool.query(
      "SELECT detail->>'reason' AS reason FROM audit_log WHERE action = 'suppress'",
    );
    expect(audit.rows).toEqual([{ reason: "patient opted out" }]);

    await importAndReload("consent", [
      "MRN,ID Type,ID Authority,Decision,Effective Date",
      "40012345,MR,MERCYGEN,opt-in,2023-12-01",
    ]);
    expect((await outcomeOf(edArrival(3))).matched?.recipients).toEqual([
      { recipientId: ids.pcp, role: "pcp", copy: "lead", basis: "pcp-of-record" },
    ]);
  });

  it("suppresses events from an imported sensitive location, and announces them again once it is deactivated", async () => {
    await importAndReload(
      "sensitive-facility",
      ["Sending Facility,Location,Reason", "MERCYGEN,ED,42 CFR Part 2"],
      {
        source: "test-part2",
      },
    );
    const sensitive = await outcomeOf(edArrival(4));
    expect(sensitive.matched).toBeUndefined();
    expect(sensitive.unmatched).toMatchObject({
      reason: "suppressed",
      detail: "sensitive facility (42 CFR Part 2)",
    });

    await importAndReload("sensitive-facility", ["Sending Facility,Location,Active", "MERCYGEN,ED,N"], {
      source: "test-part2",
    });
    expect((await outcomeOf(edArrival(5))).matched).toBeDefined();
  });
});
