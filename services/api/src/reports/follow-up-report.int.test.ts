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
import { getReport, principalHeader, reportFixtures, reportTestApp } from "./report-fixtures.test-support.ts";
import type { FollowUpMissesReport, FollowUpReport } from "./report-schemas.ts";

let pool: Pool;
let app: FastifyInstance;
let ids: ScenarioIds;

const admin: Principal = { subject: "root", role: "system_admin", organizationIds: [] };

const get = <T>(principal: Principal, query: string) =>
  getReport<T>(app, principal, "/api/reports/follow-up", query);
async function misses(principal: Principal, query: string): Promise<FollowUpMissesReport> {
  const res = await getReport<FollowUpMissesReport>(app, principal, "/api/reports/follow-up/misses", query);
  expect(res.status).toBe(200);
  return res.body;
}

beforeAll(async () => {
  const iso = isolation("reports-fu");
  await migrate(iso.settings.postgres);
  pool = createPool(iso.settings.postgres);
  ids = await seedFollowUpScenario(pool);
  app = await reportTestApp(pool, { now: () => SCENARIO_NOW });
});

afterAll(async () => {
  await app?.close();
  await pool?.end();
});

describe("GET /follow-up", () => {
  it("counts the measure's tasks by trigger day in the practice's zone, pending and excluded ones apart", async () => {
    const { status, body } = await get<FollowUpReport>(admin, `measure=ed-follow-up&x=2&${PERIOD}`);
    expect(status).toBe(200);
    expect(body.rows.map((r) => [r.groupKey, r.group])).toEqual([
      [ids.b, "Lakeside Clinic"],
      [ids.a, "Springvale Family Medicine"],
    ]);
    // A: t1 t2 t3 t4 in the denominator, t1 met; t7 pending (window running); the A11 task excluded.
    expect(body.rows[1]).toMatchObject({
      denominator: 4,
      numerator: 1,
      rate: 0.25,
      contacted: 2,
      medianHoursToContact: 109,
      p90HoursToContact: 119.4,
      pending: 1,
      excluded: 1,
    });
    expect(body.rows[0]).toMatchObject({ denominator: 1, numerator: 1, rate: 1, pending: 0, excluded: 0 });
    expect(body.total).toMatchObject({ denominator: 5, numerator: 2, pending: 1, excluded: 1 });
    expect(body).toMatchObject({ counting: "visit", population: "high-risk" });
  });

  it("takes x from the request: 7 business days count Friday's contact, 2 calendar days not even the holiday one", async () => {
    const q = `measure=ed-follow-up&organizationId=${ids.a}&${PERIOD}`;
    expect((await get<FollowUpReport>(admin, `${q}&x=2`)).body.total).toMatchObject({
      numerator: 1,
      rate: 0.25,
    });
    expect((await get<FollowUpReport>(admin, `${q}&x=7`)).body.total).toMatchObject({
      numerator: 2,
      rate: 0.5,
    });
    const calendar = (await get<FollowUpReport>(admin, `${q}&x=2&unit=calendar-days`)).body.total;
    expect(calendar).toMatchObject({ numerator: 0, rate: 0, medianHoursToContact: 109 });
  });

  it("counts a Wednesday contact after a Friday event before Labor Day as within 2 business days", async () => {
    const q = `measure=ed-follow-up&x=2&${PERIOD}&organizationId=${ids.a}`;
    expect((await misses(admin, q)).misses.map((m) => m.taskId)).not.toContain(ids.t1);
    expect((await misses(admin, `${q}&unit=calendar-days`)).misses.map((m) => m.taskId)).toContain(ids.t1);
  });

  it("groups by care manager, tier, program and month, sorted by group", async () => {
    const q = `measure=ed-follow-up&x=2&${PERIOD}&organizationId=${ids.a}`;
    const by = async (groupBy: string) =>
      (await get<FollowUpReport>(admin, `${q}&groupBy=${groupBy}`)).body.rows.map((r) => [
        r.group,
        r.denominator,
        r.numerator,
      ]);
    // t7 (Ana, tier I, complex-care, September) is pending; the A11 task (no assignee, tier or
    // program) excluded: their groups are listed with what they hold, outside the rate.
    expect(await by("care_manager")).toEqual([
      ["Ana Ruiz", 2, 1],
      ["Zoe Park", 2, 0],
      ["Unassigned", 0, 0],
    ]);
    expect(await by("tier")).toEqual([
      ["I", 2, 1],
      ["II", 1, 0],
      ["No tier", 1, 0],
    ]);
    expect(await by("program")).toEqual([
      ["complex-care", 2, 1],
      ["diabetes", 1, 0],
      ["No program", 1, 0],
    ]);
    expect(await by("month")).toEqual([
      ["2024-08", 4, 1],
      ["2024-09", 0, 0],
    ]);
    const tierOne = await get<FollowUpReport>(admin, `${q}&tier=I&program=complex-care`);
    expect(tierOne.body.total).toMatchObject({ denominator: 1, numerator: 1, pending: 1 });
  });

  it("reports each measure over its own steps", async () => {
    const { body } = await get<FollowUpReport>(
      admin,
      `measure=discharge-contact&x=2&${PERIOD}&organizationId=${ids.a}`,
    );
    expect(body.total).toMatchObject({ denominator: 1, numerator: 1 });
    const visits = await get<FollowUpReport>(admin, `measure=discharge-visit&x=7&${PERIOD}`);
    expect(visits.body.rows).toEqual([]);
    expect(visits.body.total.rate).toBeNull();
  });

  it("moves the numerator when a task is completed with contact, not with a voicemail", async () => {
    const f = reportFixtures(pool);
    const q = `measure=ed-follow-up&x=2&${PERIOD}&organizationId=${ids.c}`;
    const reached = await f.task({
      organizationId: ids.c,
      patientId: ids.pc,
      triggeredAt: "2024-09-10T14:00:00Z",
    });
    const voicemail = await f.task({
      organizationId: ids.c,
      patientId: ids.pc,
      triggeredAt: "2024-09-17T14:00:00Z",
    });
    expect((await get<FollowUpReport>(admin, q)).body.total).toMatchObject({ denominator: 2, numerator: 0 });
    await f.complete(reached, "2024-09-11T14:00:00Z", "reached_patient");
    await f.complete(voicemail, "2024-09-18T14:00:00Z", "left_message");
    expect((await get<FollowUpReport>(admin, q)).body.total).toMatchObject({
      denominator: 2,
      numerator: 1,
      rate: 0.5,
    });
    expect((await misses(admin, q)).misses.map((m) => [m.taskId, m.reason])).toEqual([
      [voicemail, "no-contact"],
    ]);
  });
  it("uses the practice's closures and holiday set from its settings", async () => {
    const f = reportFixtures(pool);
    const d = await f.organization("CLS", "Closure Practice");
    await f.enrollment({
      patientId: ids.pc,
      listedBy: d,
      practiceOrgId: d,
      source: "cls",
      status: "active",
      tier: "I",
    });
    const q = `measure=ed-follow-up&x=2&${PERIOD}&organizationId=${d}`;
    // Friday 2024-09-13; reached Wednesday 2024-09-18: late, unless Monday is not a business day.
    await f.task({
      organizationId: d,
      patientId: ids.pc,
      triggeredAt: "2024-09-13T14:00:00Z",
      completed: { at: "2024-09-18T14:00:00Z", outcome: "reached_patient" },
    });
    expect((await get<FollowUpReport>(admin, q)).body.total.numerator).toBe(0);
    await pool.query(
      "INSERT INTO organization_closures (organization_id, day, reason) VALUES ($1, '2024-09-16', 'staff day')",
      [d],
    );
    expect((await get<FollowUpReport>(admin, q)).body.total.numerator).toBe(1);
    // Columbus Day (October 14) is a federal holiday but not a California state holiday.
    const columbus = `measure=ed-follow-up&x=1&from=2024-10-11&to=2024-10-11&organizationId=${d}`;
    await f.task({
      organizationId: d,
      patientId: ids.pc,
      triggeredAt: "2024-10-11T14:00:00Z",
      completed: { at: "2024-10-15T14:00:00Z", outcome: "reached_patient" },
    });
    expect((await get<FollowUpReport>(admin, columbus)).body.total.numerator).toBe(1);
    await pool.query(
      "INSERT INTO organization_settings (organization_id, holiday_country, holiday_state) VALUES ($1, 'US', 'CA')",
      [d],
    );
    expect((await get<FollowUpReport>(admin, columbus)).body.total.numerator).toBe(0);
  });
});

describe("CSV export", () => {
  it("carries the same numbers as the JSON report, with a total line", async () => {
    const q = `measure=ed-follow-up&x=2&${PERIOD}&groupBy=care_manager`;
    const json = (await get<FollowUpReport>(admin, q)).body;
    const res = await app.inject({
      method: "GET",
      url: `/api/reports/follow-up?${q}&format=csv`,
      headers: principalHeader(admin),
    });
    expect(res.headers["content-type"]).toBe("text/csv; charset=utf-8; header=present");
    expect(res.headers["content-disposition"]).toContain(
      "follow-up_ed-follow-up_x2-business-days_2024-08-01_2024-09-30_per-visit_high-risk_by-care_manager.csv",
    );
    const [header, ...lines] = res.body.trimEnd().split("\r\n");
    expect(header).toBe(
      "level,group_key,group,counting,population,denominator,numerator,rate,contacted,median_hours_to_contact,p90_hours_to_contact,pending,excluded",
    );
    const cell = (v: number | null) => (v === null ? "" : String(v));
    const expected = [
      ...json.rows.map((r) => ({ level: "group", ...r })),
      { level: "total", groupKey: null, group: "Total", ...json.total },
    ];
    expect(lines).toEqual(
      expected.map((r) =>
        [
          r.level,
          r.groupKey ?? "",
          r.group,
          "visit",
          "high-risk",
          r.denominator,
          r.numerator,
          cell(r.rate),
          r.contacted,
          cell(r.medianHoursToContact),
          cell(r.p90HoursToContact),
          r.pending,
          r.excluded,
        ].join(","),
      ),
    );
    expect(lines).toHaveLength(4);
  });
});
