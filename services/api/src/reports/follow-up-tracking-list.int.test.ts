import { createPool, migrate, type Pool } from "@homeward/db";
import { isolation } from "@homeward/testing";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Principal } from "../auth/principal.ts";
import {
  PERIOD,
  SCENARIO_NOW,
  type ScenarioIds,
  seedFollowUpScenario,
} from "./follow-up-scenario.test-support.ts";
import { MEASURE_STEPS } from "./follow-up-window.ts";
import { getReport, reportFixtures, reportTestApp } from "./report-fixtures.test-support.ts";
import type { FollowUpMissesReport, FollowUpReport } from "./report-schemas.ts";

let pool: Pool;
let app: FastifyInstance;
let ids: ScenarioIds;

const admin: Principal = { subject: "root", role: "system_admin", organizationIds: [] };
const MEASURES = Object.keys(MEASURE_STEPS);

/** Every measure's totals and misses over the scenario's period, x = 2 business days. */
async function everyMeasure() {
  const out: Record<string, { total: FollowUpReport["total"]; misses: string[] }> = {};
  for (const measure of MEASURES) {
    const q = `measure=${measure}&x=2&${PERIOD}`;
    const report = await getReport<FollowUpReport>(app, admin, "/api/reports/follow-up", q);
    const misses = await getReport<FollowUpMissesReport>(app, admin, "/api/reports/follow-up/misses", q);
    expect([report.status, misses.status]).toEqual([200, 200]);
    out[measure] = { total: report.body.total, misses: misses.body.misses.map((m) => m.taskId) };
  }
  return out;
}

beforeAll(async () => {
  const iso = isolation("reports-tl");
  await migrate(iso.settings.postgres);
  pool = createPool(iso.settings.postgres);
  ids = await seedFollowUpScenario(pool);
  app = await reportTestApp(pool, { now: () => SCENARIO_NOW });
});

afterAll(async () => {
  await app?.close();
  await pool?.end();
});

describe("follow-up measures and the tracking list's tasks", () => {
  it("leave the in-hospital visit attempts and six-month reviews out of every measure", async () => {
    const before = await everyMeasure();
    expect(before["ed-follow-up"]?.total.denominator).toBeGreaterThan(0);
    const f = reportFixtures(pool);
    // In the period, at the practice the scenario leaves empty: one attempt met, one missed and open.
    const visits = [
      await f.task({
        organizationId: ids.c,
        patientId: ids.pc,
        protocolId: "tracking-list-admission",
        stepId: "in-hospital-visit",
        triggeredAt: "2024-08-13T14:00:00Z",
        completed: { at: "2024-08-14T14:00:00Z", outcome: "reached_patient" },
      }),
      await f.task({
        organizationId: ids.c,
        patientId: ids.pc,
        protocolId: "tracking-list-admission",
        stepId: "in-hospital-visit",
        triggeredAt: "2024-08-20T14:00:00Z",
      }),
    ];
    const { rows } = await pool.query<{ id: string }>(
      `INSERT INTO care_management_enrollments (patient_id, program, listed_by_org_id, practice_org_id, status, source,
                                                effective_from)
       VALUES ($1, 'complex-care', $2, $2, 'tracking_list', 'sfm-list', '2024-02-10') RETURNING id::text`,
      [ids.pc, ids.c],
    );
    // The review of August (completed in time) and the next period's, opened and still open.
    const reviews = [
      {
        id: "review-1",
        from: "2024-02-10T05:00:00Z",
        due: "2024-08-11T03:59:59Z",
        done: "2024-08-12T15:00:00Z",
      },
      { id: "review-2", from: "2024-08-12T15:00:00Z", due: "2025-02-13T04:59:59Z", done: null },
    ];
    for (const r of reviews) {
      await pool.query(
        `INSERT INTO tasks (id, organization_id, patient_id, enrollment_id, protocol_id, step_id, task_type, title,
                            status, program, triggered_at, due_at, completed_at, outcome)
         VALUES ($1, $2, $3, $4, 'tracking-list-review', 'six-month-review', 'tracking-list-review', 'Review',
                 $5, 'complex-care', $6, $7, $8, $9)`,
        [
          r.id,
          ids.c,
          ids.pc,
          rows[0]?.id,
          r.done === null ? "open" : "completed",
          r.from,
          r.due,
          r.done,
          r.done === null ? null : "reached_patient",
        ],
      );
    }
    const after = await everyMeasure();
    expect(after).toEqual(before);
    for (const measure of MEASURES)
      for (const id of [...visits, "review-1", "review-2"]) expect(after[measure]?.misses).not.toContain(id);
  });
});
