import { createPool, migrate, type Pool } from "@homeward/db";
import { isolation } from "@homeward/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { combinedHighRiskList } from "./combined-high-risk-list-store.ts";
import { importRoster } from "./roster-import.ts";
import { csv, type SeededOrgs, seedOrganizations } from "./seed.test-support.ts";

let pool: Pool;
let orgs: SeededOrgs;
beforeAll(async () => {
  const iso = isolation("combined");
  await migrate(iso.settings.postgres);
  pool = createPool(iso.settings.postgres);
  orgs = await seedOrganizations(pool);

  // The plan's predictive-model list: member ids, risk scores, the practice each member is attributed to.
  await importRoster({
    pool,
    kind: "enrollment",
    source: "bluecare-high-risk",
    organization: "BLUECARE",
    asOf: "2024-04-01",
    // Care-management lists often carry no sex.
    allowMissing: ["sex"],
    input: csv([
      "Member ID,Last Name,First Name,DOB,Practice ID,Program,Risk Score,Lead,Status",
      "M-BOTHLOW,Both,Low,1950-01-01,RIVERSIDE,complex-care,0.50,plan,active",
      "M-BOTHHIGH,Both,High,1950-01-02,RIVERSIDE,complex-care,0.90,practice,monitor",
      "M-PLANHIGH,Plan,High,1950-01-03,RIVERSIDE,complex-care,0.95,plan,active",
      "M-PLANLOW,Plan,Low,1950-01-04,RIVERSIDE,complex-care,0.30,plan,active",
      "M-ELSEWHERE,Other,Practice,1950-01-05,HILLTOP,complex-care,0.99,plan,active",
      "M-ENDED,Plan,Ended,1950-01-06,RIVERSIDE,complex-care,0.97,plan,ended",
    ]),
  });
  // The practice's own list: the same people by the plan's member id where it has it, its flag.
  await importRoster({
    pool,
    kind: "enrollment",
    source: "riverside-high-risk",
    organization: "RIVERSIDE",
    asOf: "2024-04-02",
    allowMissing: ["sex"],
    input: csv([
      "Member ID,ID Authority,Last Name,First Name,DOB,Program,Practice Flag,Lead,Status",
      "M-BOTHLOW,BLUECARE,Both,Low,1950-01-01,practice-cm,Y,practice,active",
      "M-BOTHHIGH,BLUECARE,Both,High,1950-01-02,practice-cm,N,practice,active",
      "P-FLAGGED,RIVERSIDE,Practice,Flagged,1960-01-01,practice-cm,Y,practice,active",
      "P-UNFLAGGED,RIVERSIDE,Practice,Unflagged,1960-01-02,practice-cm,N,joint,active",
    ]),
  });
});
afterAll(async () => {
  await pool?.end();
});

describe("combinedHighRiskList", () => {
  it("shows both / plan only / practice only, both first, then by plan risk score and the practice flag", async () => {
    const list = await combinedHighRiskList(pool, {
      practiceOrgId: orgs.riverside,
      planOrgId: orgs.bluecare,
    });
    expect(
      list.map((e) => [
        e.rank,
        `${e.familyName} ${e.givenName}`,
        e.listedBy,
        e.planRiskScore,
        e.practiceFlag,
      ]),
    ).toEqual([
      [1, "Both High", "both", 0.9, false],
      [2, "Both Low", "both", 0.5, true],
      [3, "Plan High", "plan", 0.95, false],
      [4, "Plan Low", "plan", 0.3, false],
      [5, "Practice Flagged", "practice", null, true],
      [6, "Practice Unflagged", "practice", null, false],
    ]);
    const bothHigh = list[0];
    expect(bothHigh).toMatchObject({
      onPlanList: true,
      onPracticeList: true,
      planLead: "practice",
      practiceLead: "practice",
      leadAgreed: true,
      planStatus: "monitor",
      practiceStatus: "active",
      birthDate: "1950-01-02",
    });
    expect(list[1]).toMatchObject({ planLead: "plan", practiceLead: "practice", leadAgreed: false });
  });

  it("includes a plan-listed patient the practice has attributed even when the plan row names no practice", async () => {
    await importRoster({
      pool,
      kind: "attribution",
      source: "bluecare-attribution",
      organization: "BLUECARE",
      asOf: "2024-04-01",
      input: csv(["Member ID,DOB,Attributed Practice ID", "M-NOPRACTICE,1970-01-01,RIVERSIDE"]),
      allowMissing: ["familyName", "givenName", "sex"],
    });
    await importRoster({
      pool,
      kind: "enrollment",
      source: "bluecare-transitions",
      organization: "BLUECARE",
      asOf: "2024-04-01",
      input: csv(["Member ID,DOB,Program,Risk Score", "M-NOPRACTICE,1970-01-01,transitions,0.6"]),
      allowMissing: ["familyName", "givenName", "sex"],
    });
    const list = await combinedHighRiskList(pool, {
      practiceOrgId: orgs.riverside,
      planOrgId: orgs.bluecare,
    });
    expect(list.find((e) => e.planRiskScore === 0.6)).toMatchObject({ listedBy: "plan", rank: 4 });
    const other = await combinedHighRiskList(pool, { practiceOrgId: orgs.hilltop, planOrgId: orgs.bluecare });
    expect(other.map((e) => e.familyName)).toEqual(["Other"]);
  });
});
