import type { Pool } from "@homeward/db";
import { reportFixtures } from "./report-fixtures.test-support.ts";

/** The clock of the rules scenario: Thursday 2024-05-30, noon in New York. P5's window is running. */
export const RULES_NOW = new Date("2024-05-30T16:00:00Z");
export const RULES_PERIOD = "from=2024-05-01&to=2024-05-31";

const KEYS = ["org", "plan", "p1", "p2", "p3", "p4", "p5", "p6", "p7", "p8", "p9", "p10"] as const;
export type RulesIds = Record<(typeof KEYS)[number], string> & Record<string, string>;

/**
 * One practice in New York (Memorial Day, May 27, is a holiday), May 2024, measure ed-follow-up,
 * x = 2 business days. Each visit is one task; patients P1..P10:
 *
 * | patient | high-risk on the event day       | visits (event day: outcome)                                  |
 * | P1      | tier I                            | Mon 6: reached 7th (25 h), met · Mon 20: reached 21st (24 h), met |
 * | P2      | tier II                           | Wed 8: excluded, admitted · Mon 13: voicemail 14th, missed     |
 * | P3      | no: tier III                      | Thu 9: open, missed                                            |
 * | P4      | practice flag, no tier            | Fri 10: reached Tue 14th (96 h), met                           |
 * | P5      | tier II                           | Wed 29: open, window to Fri 31st: pending                      |
 * | P6      | tier I                            | Wed 15: excluded, transferred · Thu 16: reached, then excluded, admitted |
 * | P7      | tier II                           | Tue 21: excluded, died                                         |
 * | P8      | tier II                           | Thu 2: open, missed · Thu 23: reached 24th (24 h), met (Mon 27 a holiday) |
 * | P9      | no by default: a plan's tier III, plan risk score 3.0 (program plan-care) | Tue 14: reached 15th, met |
 * | P10     | no: tier II ended May 12, tier III from then | Fri 17: open, missed                                |
 *
 * High-risk, per visit: denominator P1×2, P2 (13th), P4, P8×2 = 6; numerator P1×2, P4, P8 (23rd) = 4;
 * pending 1 (P5); excluded 4 (P2 8th, P6×2, P7).
 * High-risk, per patient (first eligible visit): P1 met, P2 missed, P4 met, P8 missed: 2 of 4;
 * pending P5; excluded P6, P7 (every visit excluded).
 * All patients, per visit: add P3 missed, P9 met, P10 missed: 5 of 9.
 */
export async function seedRulesScenario(pool: Pool): Promise<RulesIds> {
  const f = reportFixtures(pool);
  const ids = Object.fromEntries(KEYS.map((k) => [k, ""])) as RulesIds;
  ids.org = await f.organization("RUL", "Riverbend Practice");
  ids.plan = await f.organization("RPL", "Riverbend Health Plan", "America/New_York", "health_plan");
  for (const k of KEYS.slice(2)) ids[k] = await f.patient(`RULES${k.toUpperCase()}`, "TEST");
  type ListRow = Partial<Parameters<typeof f.enrollment>[0]>;
  const list = (patientId: string, extra: ListRow) =>
    f.enrollment({
      patientId,
      listedBy: ids.org,
      practiceOrgId: ids.org,
      source: `rules-${patientId}`,
      status: "active",
      ...extra,
    });
  await list(ids.p1, { tier: "I" });
  await list(ids.p2, { tier: "II" });
  await list(ids.p3, { tier: "III" });
  await list(ids.p4, { flag: true });
  await list(ids.p5, { tier: "II" });
  await list(ids.p6, { tier: "I" });
  await list(ids.p7, { tier: "II" });
  await list(ids.p8, { tier: "II" });
  await f.enrollment({
    patientId: ids.p9,
    listedBy: ids.plan,
    practiceOrgId: ids.org,
    source: "plan-list",
    status: "monitor",
    tier: "III",
    score: 3,
    program: "plan-care",
  });
  await list(ids.p10, { tier: "II", to: "2024-05-12", source: "rules-p10-old" });
  await list(ids.p10, { tier: "III", from: "2024-05-12" });

  const at = (patient: string, triggeredAt: string, extra: Partial<Parameters<typeof f.task>[0]> = {}) =>
    f.task({ organizationId: ids.org, patientId: patient, triggeredAt, ...extra });
  const reached = (iso: string) => ({ completed: { at: iso, outcome: "reached_patient" } });
  ids.p1a = await at(ids.p1, "2024-05-06T14:00:00Z", reached("2024-05-07T15:00:00Z"));
  ids.p1b = await at(ids.p1, "2024-05-20T14:00:00Z", reached("2024-05-21T14:00:00Z"));
  ids.p2a = await at(ids.p2, "2024-05-08T14:00:00Z", {
    excluded: { reason: "admitted", detail: "admitted as an inpatient on 2024-05-09 (inpatient-admit, A01)" },
  });
  ids.p2b = await at(ids.p2, "2024-05-13T14:00:00Z", {
    completed: { at: "2024-05-14T14:00:00Z", outcome: "left_message" },
  });
  ids.p3a = await at(ids.p3, "2024-05-09T14:00:00Z");
  ids.p4a = await at(ids.p4, "2024-05-10T14:00:00Z", reached("2024-05-14T14:00:00Z"));
  ids.p5a = await at(ids.p5, "2024-05-29T14:00:00Z");
  ids.p6a = await at(ids.p6, "2024-05-15T14:00:00Z", {
    excluded: { reason: "transferred", detail: "discharged to acute or post-acute care (PV1-36 02, A03)" },
  });
  ids.p6b = await at(ids.p6, "2024-05-16T14:00:00Z", {
    ...reached("2024-05-16T18:00:00Z"),
    excluded: { reason: "admitted", detail: "admitted" },
  });
  ids.p7a = await at(ids.p7, "2024-05-21T14:00:00Z", {
    excluded: { reason: "died", detail: "the patient died (PV1-36 20, A03)" },
  });
  ids.p8a = await at(ids.p8, "2024-05-02T14:00:00Z");
  ids.p8b = await at(ids.p8, "2024-05-23T14:00:00Z", reached("2024-05-24T14:00:00Z"));
  ids.p9a = await at(ids.p9, "2024-05-14T14:00:00Z", reached("2024-05-15T14:00:00Z"));
  ids.p10a = await at(ids.p10, "2024-05-17T14:00:00Z");
  return ids;
}
