import { Readable } from "node:stream";
import { type AdtEvent, adtEventId } from "@homeward/contracts";
import { createPool, migrate, type Pool } from "@homeward/db";
import { ADT_A04_ED, fixtureEvent } from "@homeward/hl7/fixtures";
import { type ImportRosterOptions, importRoster } from "@homeward/rosters";
import { type Isolation, isolation } from "@homeward/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type MatcherHarness,
  reloadCountingLogger,
  startMatcherHarness,
  until,
} from "./matcher-harness.test-support.ts";

/**
 * Right patient, right people, nobody else, through the running matcher on Kafka: practice B's
 * uploads cannot make it hear of practice A's patient; within A, the patient's own care manager and
 * PCP are told, not every holder of the role; and a late message routes by the roster of its day.
 *
 * Marisol Quillfeather (MERCYGEN MRN 40012345) is HPLAN member H100. HPLAN attributes her to
 * Springvale (SFM) with Dr. Alderwood as PCP from 2024-01-01, and to Riverside (RVP) from 2024-04-01.
 */

const ALDERWOOD = "1234567893";
const BIRCHWOOD = "1987654325";
let serial = 0;
/** Marisol's ED arrival at Mercy General on `day`, as its own message and visit. */
function arrival(day: string): AdtEvent {
  serial++;
  const base = fixtureEvent(ADT_A04_ED);
  return {
    ...base,
    eventId: adtEventId("EPICADT", "MERCYGEN", `RIGHT-${serial}`),
    controlId: `RIGHT-${serial}`,
    occurredAt: `${day}T14:30:00-05:00`,
    visit: { ...base.visit, visitNumber: `V-RIGHT-${serial}` },
  } as AdtEvent;
}

let iso: Isolation;
let pool: Pool;
let harness: MatcherHarness | undefined;
let loads: () => number = () => 0;
const ids: Record<string, string> = {};

/** Imports as the CLI and the admin API do, and waits for the running matcher to reload. */
async function roster(options: Omit<ImportRosterOptions, "pool" | "input"> & { lines: string[] }) {
  const before = loads();
  const { lines, ...rest } = options;
  const report = await importRoster({ pool, ...rest, input: Readable.from([`${lines.join("\n")}\n`]) });
  if (report.inserted + report.ended > 0) await until(() => loads() > before, "the matcher's reload");
  return report;
}

beforeAll(async () => {
  iso = isolation("rightpeople");
  await migrate(iso.settings.postgres);
  pool = createPool(iso.settings.postgres);
  const one = async (sql: string, params: unknown[] = []) =>
    String((await pool.query(sql, params)).rows[0]?.id);
  const org = (kind: string, code: string) =>
    one("INSERT INTO organizations (kind, code, name) VALUES ($1, $2, $2) RETURNING id", [kind, code]);
  ids.sfm = await org("practice", "SFM");
  ids.rvp = await org("practice", "RVP");
  ids.hplan = await org("health_plan", "HPLAN");
  await pool.query(
    "INSERT INTO organization_identifier_authorities (organization_id, assigning_authority, type_code) VALUES ($1, 'MERCYGEN', 'MR')",
    [ids.hplan],
  );
  const clinician = (npi: string, family: string) =>
    one("INSERT INTO clinicians (npi, family_name) VALUES ($1, $2) RETURNING id", [npi, family]);
  const alderwood = await clinician(ALDERWOOD, "Alderwood");
  const birchwood = await clinician(BIRCHWOOD, "Birchwood");
  const person = (orgId: string, role: string, email: string, clinicianId: string | null = null) =>
    one(
      `INSERT INTO recipients (organization_id, clinician_id, role, display_name, email, time_zone)
       VALUES ($1, $2, $3, $4, $4, 'America/New_York') RETURNING id`,
      [orgId, clinicianId, role, email],
    );
  // Springvale: two care managers, two PCPs. Riverside: a triage inbox for every care manager.
  ids.cm1 = await person(ids.sfm, "care_manager", "cm1@sfm.example");
  ids.cm2 = await person(ids.sfm, "care_manager", "cm2@sfm.example");
  ids.alderwood = await person(ids.sfm, "pcp", "alderwood@sfm.example", alderwood);
  ids.birchwood = await person(ids.sfm, "pcp", "birchwood@sfm.example", birchwood);
  ids.rvpCm = await person(ids.rvp, "care_manager", "cm@rvp.example");
  const rule = (orgId: string, role: string, audience: string) =>
    pool.query(
      `INSERT INTO notification_rules (organization_id, recipient_role, audience, channel, active_from)
       VALUES ($1, $2, $3, 'email', '2020-01-01')`,
      [orgId, role, audience],
    );
  await rule(ids.sfm, "pcp", "care_team");
  await rule(ids.sfm, "care_manager", "care_team");
  await rule(ids.rvp, "care_manager", "everyone_in_role");

  const counting = reloadCountingLogger();
  loads = counting.loads;
  harness = await startMatcherHarness(iso, counting.logger);

  const plan = await roster({
    kind: "attribution",
    source: "hplan-attribution",
    organization: "HPLAN",
    asOf: "2024-01-01",
    mapping: {
      columns: {
        "Member ID": "identifierValue",
        Last: "familyName",
        First: "givenName",
        DOB: "birthDate",
        Sex: "sex",
        Practice: "practice",
        "PCP NPI": "pcpNpi",
        MRN: "secondaryIdentifierValue",
        "MRN Authority": "secondaryIdentifierAuthority",
      },
      defaults: { identifierType: "MB", secondaryIdentifierType: "MR" },
    },
    lines: [
      "Member ID,Last,First,DOB,Sex,Practice,PCP NPI,MRN,MRN Authority",
      `H100,QUILLFEATHER,MARISOL,1958-04-12,F,SFM,${ALDERWOOD},40012345,MERCYGEN`,
    ],
  });
  expect(plan).toMatchObject({ status: "completed", inserted: 1, errorCount: 0 });
  const springvale = await roster({
    kind: "enrollment",
    source: "sfm-cm",
    organization: "SFM",
    asOf: "2024-01-01",
    lines: [
      "Member ID,ID Authority,Last Name,First Name,DOB,Sex,Program,Priority,Care Manager Email,Status",
      "H100,HPLAN,QUILLFEATHER,MARISOL,1958-04-12,F,complex-care,Priority I,cm2@sfm.example,Active",
    ],
  });
  expect(springvale).toMatchObject({ status: "completed", inserted: 1, errorCount: 0 });
});

afterAll(async () => {
  await harness?.stop();
  await pool?.end();
});

const outcomeOf = (event: AdtEvent) => {
  if (harness === undefined) throw new Error("no matcher");
  return harness.outcomeOf(event);
};

describe("right patient, right people, nobody else (through Kafka)", () => {
  it("another practice's uploads cannot attach the patient, and its people hear nothing of her", async () => {
    for (const [idColumn, id] of [
      ["Member ID,ID Authority", "H100,HPLAN"],
      ["MRN,ID Authority", "40012345,MERCYGEN"],
    ]) {
      const refused = await roster({
        kind: "enrollment",
        source: "rvp-cm",
        organization: "RVP",
        asOf: "2024-02-01",
        lines: [
          `${idColumn},Last Name,First Name,DOB,Sex,Program,Priority,Care Manager Email,Status`,
          `${id},IMPOSTOR,MARISOL,1990-01-01,F,rvp-care,Priority I,cm@rvp.example,Active`,
        ],
      });
      expect(refused).toMatchObject({ inserted: 0, errorCount: 1, patientsCreated: 0 });
    }
    const { matched, unmatched } = await outcomeOf(arrival("2024-03-05"));
    expect(unmatched).toBeUndefined();
    expect(matched.map((m) => m.practice.code)).toEqual(["SFM"]);
    const told = matched.flatMap((m) => m.recipients.map((r) => r.recipientId));
    expect(told).not.toContain(ids.rvpCm);
    // Her record still says what the plan said, so the genuine message matched by MRN.
    expect(matched[0]?.match.method).toBe("identifier");
  });

  it("tells her own care manager and PCP of record, not the practice's other care manager and PCP", async () => {
    const { matched } = await outcomeOf(arrival("2024-03-10"));
    expect(matched).toHaveLength(1);
    expect(matched[0]?.recipients).toEqual(
      [
        { recipientId: ids.cm2, role: "care-manager", copy: "lead", basis: "care-manager-of-record" },
        { recipientId: ids.alderwood, role: "pcp", copy: "lead", basis: "pcp-of-record" },
      ].sort((a, b) => (a.recipientId ?? "").localeCompare(b.recipientId ?? "")),
    );
  });

  it("routes a late message by the roster in force on its day, and a new one by today's", async () => {
    // April's roster moves her to Riverside; Springvale's list is ended the same day.
    await roster({
      kind: "attribution",
      source: "hplan-attribution",
      organization: "HPLAN",
      asOf: "2024-04-01",
      lines: [
        "Member ID,Last Name,First Name,DOB,Gender,Attributed Practice ID",
        "H100,QUILLFEATHER,MARISOL,1958-04-12,F,RVP",
      ],
    });
    await roster({
      kind: "enrollment",
      source: "sfm-cm",
      organization: "SFM",
      asOf: "2024-04-01",
      lines: [
        "Member ID,ID Authority,Last Name,First Name,DOB,Sex,Program,Priority,Care Manager Email,Status",
        "H100,HPLAN,QUILLFEATHER,MARISOL,1958-04-12,F,complex-care,Priority I,cm2@sfm.example,Ended",
      ],
    });
    const late = await outcomeOf(arrival("2024-03-20"));
    expect(late.matched.map((m) => m.practice.code)).toEqual(["SFM"]);
    const april = await outcomeOf(arrival("2024-04-05"));
    expect(april.matched.map((m) => m.practice.code)).toEqual(["RVP"]);
    expect(april.matched[0]?.recipients).toEqual([
      { recipientId: ids.rvpCm, role: "care-manager", copy: "lead", basis: "role-in-organization" },
    ]);
    // Before any roster named her: known, but nobody's to hear of.
    const before = await outcomeOf(arrival("2023-12-20"));
    expect(before.matched).toEqual([]);
    expect(before.unmatched).toMatchObject({ reason: "no-match" });
  });
});
