import type { Pool } from "@homeward/db";
import { reportFixtures } from "./report-fixtures.test-support.ts";

const ID_KEYS = ["a", "b", "c", "ana", "zoe", "pa", "pb", "pc", "t1", "t2", "t3", "t4", "t7", "t9"] as const;
export type ScenarioIds = Record<(typeof ID_KEYS)[number], string>;

/** The clock of the follow-up tests: task t7's 2-business-day window is still running. */
export const SCENARIO_NOW = new Date("2024-10-01T12:00:00Z");
/** The period of the scenario, as a querystring. */
export const PERIOD = "from=2024-08-01&to=2024-09-30";

/**
 * Three practices and their ED follow-up tasks, August–September 2024 (times in UTC; practices A and
 * C in New York, B in Chicago). For A, measure ed-follow-up, x = 2 business days: denominator t1 t2
 * t3 t4, numerator t1; t7's window is still running at SCENARIO_NOW (pending, outside the rate); the
 * A11-cancelled task is excluded; contacts t1 (122 h) and t2 (96 h). C is left empty for tests that
 * add tasks. Each patient is Priority II on their practice's list all year, so the ED measure's
 * default population (high-risk patients) holds every task.
 */
export async function seedFollowUpScenario(pool: Pool): Promise<ScenarioIds> {
  const f = reportFixtures(pool);
  const ids = Object.fromEntries(ID_KEYS.map((k) => [k, ""])) as ScenarioIds;
  ids.a = await f.organization("SFM", "Springvale Family Medicine");
  ids.b = await f.organization("LKS", "Lakeside Clinic", "America/Chicago");
  ids.c = await f.organization("MOV", "Meadow Practice");
  ids.ana = await f.careManager(ids.a, "Ana Ruiz");
  ids.zoe = await f.careManager(ids.a, "Zoe Park");
  ids.pa = await f.patient("QUILLFEATHER", "MARISOL");
  ids.pb = await f.patient("BRANDT", "OTTO");
  ids.pc = await f.patient("NOVAK", "IRIS");
  for (const [patientId, org] of [
    [ids.pa, ids.a],
    [ids.pb, ids.b],
    [ids.pc, ids.c],
  ] as const) {
    await f.enrollment({
      patientId,
      listedBy: org,
      practiceOrgId: org,
      source: `list-${org}`,
      status: "active",
      tier: "II",
    });
  }
  const a = { organizationId: ids.a, patientId: ids.pa };
  // Friday 14:00 EDT before Labor Day; reached Wednesday: within 2 business days.
  ids.t1 = await f.task({
    ...a,
    triggeredAt: "2024-08-30T18:00:00Z",
    assignee: ids.ana,
    program: "complex-care",
    tier: "I",
    completed: { at: "2024-09-04T20:00:00Z", outcome: "reached_patient" },
  });
  // Monday; reached Friday: within 7, not within 2 business days.
  ids.t2 = await f.task({
    ...a,
    triggeredAt: "2024-08-05T14:00:00Z",
    assignee: ids.zoe,
    program: "complex-care",
    tier: "II",
    completed: { at: "2024-08-09T14:00:00Z", outcome: "reached_patient" },
  });
  ids.t3 = await f.task({
    ...a,
    triggeredAt: "2024-08-12T14:00:00Z",
    assignee: ids.ana,
    program: "diabetes",
    tier: "I",
  });
  // The HEDIS FMC step belongs to the same measure; a voicemail is not a contact.
  ids.t4 = await f.task({
    ...a,
    protocolId: "ed-follow-up-fmc",
    stepId: "follow-up-7-days",
    triggeredAt: "2024-08-20T14:00:00Z",
    assignee: ids.zoe,
    completed: { at: "2024-08-21T14:00:00Z", outcome: "left_message" },
  });
  await f.task({ ...a, triggeredAt: "2024-08-15T14:00:00Z", cancelled: true });
  await f.task({
    ...a,
    protocolId: "inpatient-discharge",
    stepId: "interactive-contact",
    triggeredAt: "2024-08-15T14:00:00Z",
    completed: { at: "2024-08-16T14:00:00Z", outcome: "reached_patient" },
  });
  // 22:00 EDT on September 30 (already October in UTC): in the period. 23:00 EDT July 31: not.
  ids.t7 = await f.task({
    ...a,
    triggeredAt: "2024-10-01T02:00:00Z",
    assignee: ids.ana,
    program: "complex-care",
    tier: "I",
  });
  await f.task({
    ...a,
    triggeredAt: "2024-08-01T03:00:00Z",
    completed: { at: "2024-08-01T15:00:00Z", outcome: "reached_patient" },
  });
  ids.t9 = await f.task({
    organizationId: ids.b,
    patientId: ids.pb,
    triggeredAt: "2024-08-10T15:00:00Z",
    completed: { at: "2024-08-12T15:00:00Z", outcome: "reached_patient" },
  });
  return ids;
}
