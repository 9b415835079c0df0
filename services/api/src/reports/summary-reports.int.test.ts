import { createPool, migrate, type Pool } from "@homeward/db";
import { type Isolation, isolation } from "@homeward/testing";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Principal } from "../auth/principal.ts";
import { principalHeader, reportFixtures, reportTestApp } from "./report-fixtures.test-support.ts";
import type { AlertTimelinessReport, CareManagementReport } from "./report-schemas.ts";

let iso: Isolation;
let pool: Pool;
let app: FastifyInstance;
const ID_KEYS = ["a", "b", "plan"] as const;
/** Organization ids, filled in by beforeAll. */
const ids = Object.fromEntries(ID_KEYS.map((k) => [k, ""])) as Record<(typeof ID_KEYS)[number], string>;

const admin: Principal = { subject: "root", role: "system_admin", organizationIds: [] };
const qualityOf = (org: string): Principal => ({
  subject: `q-${org}`,
  role: "quality",
  organizationIds: [org],
});

async function get<T>(principal: Principal, path: string) {
  const res = await app.inject({
    method: "GET",
    url: `/api/reports/${path}`,
    headers: principalHeader(principal),
  });
  return { status: res.statusCode, body: res.json<T>(), res };
}

beforeAll(async () => {
  iso = isolation("reports-sum");
  await migrate(iso.settings.postgres);
  pool = createPool(iso.settings.postgres);
  const f = reportFixtures(pool);
  ids.a = await f.organization("SFM", "Springvale Family Medicine");
  ids.b = await f.organization("LKS", "Lakeside Clinic", "America/Chicago");
  ids.plan = await f.organization("HP1", "Keystone Health Plan", "America/New_York", "health_plan");
  const cmA = await f.careManager(ids.a, "Ana Ruiz");
  const cmB = await f.careManager(ids.b, "Ben Cole");

  const a = { organizationId: ids.a, recipientId: cmA };
  await f.delivery({ ...a, occurredAt: "2024-08-05T14:00:00Z", delaySeconds: 60 });
  await f.delivery({ ...a, occurredAt: "2024-08-06T14:00:00Z", delaySeconds: 300, channel: "pager" });
  // 22:00 EDT on August 31: an August event for the practice.
  await f.delivery({ ...a, occurredAt: "2024-09-01T02:00:00Z", delaySeconds: 1200 });
  await f.delivery({ ...a, occurredAt: "2024-09-10T14:00:00Z", delaySeconds: 30 });
  // Not delivered alerts, not alerts, not in the period.
  await f.delivery({ ...a, occurredAt: "2024-08-07T14:00:00Z", delaySeconds: 10, status: "failed" });
  await f.delivery({ ...a, occurredAt: "2024-08-07T14:00:00Z", delaySeconds: 10, purpose: "reminder" });
  await f.delivery({ ...a, occurredAt: "2024-10-01T05:00:00Z", delaySeconds: 10 });
  await f.delivery({
    organizationId: ids.b,
    recipientId: cmB,
    occurredAt: "2024-08-07T15:00:00Z",
    delaySeconds: 7200,
  });

  const p = async () => f.patient("PATIENT", "TEST");
  const own = { listedBy: ids.a, source: "sfm-list" };
  const byPlan = { listedBy: ids.plan, source: "hp1-list" };
  const [p1, p2, p3, p4, p5, p6, p7, pB] = [
    await p(),
    await p(),
    await p(),
    await p(),
    await p(),
    await p(),
    await p(),
    await p(),
  ];
  await f.enrollment({
    ...own,
    patientId: p1,
    tier: "I",
    status: "active",
    goal: "walk daily",
    goalMet: true,
  });
  await f.enrollment({ ...byPlan, practiceOrgId: ids.a, patientId: p1, tier: "II", status: "active" });
  await f.enrollment({ ...own, patientId: p2, tier: "II", status: "monitor" });
  await f.enrollment({
    ...own,
    patientId: p3,
    tier: "III",
    status: "active",
    goal: "lose weight",
    goalMet: false,
  });
  await f.enrollment({
    ...byPlan,
    practiceOrgId: ids.a,
    patientId: p3,
    tier: "III",
    status: "active",
    score: 2.5,
  });
  await f.enrollment({ ...own, patientId: p4, tier: "III", status: "tracking_list", flag: true });
  await f.enrollment({ ...own, patientId: p5, tier: "I", status: "ended" });
  await f.enrollment({ ...own, patientId: p6, tier: "I", status: "active", to: "2024-09-01" });
  await f.enrollment({ ...own, patientId: p7, tier: "I", status: "active", from: "2024-10-01" });
  await f.enrollment({ ...byPlan, practiceOrgId: ids.b, patientId: pB, tier: "I", status: "active" });
  app = await reportTestApp(pool);
});

afterAll(async () => {
  await app?.close();
  await pool?.end();
});

const PERIOD = "from=2024-08-01&to=2024-09-30";

describe("GET /alert-timeliness", () => {
  it("measures event time to alert sent, per practice, for sent alerts of the period only", async () => {
    const { status, body } = await get<AlertTimelinessReport>(admin, `alert-timeliness?${PERIOD}`);
    expect(status).toBe(200);
    expect(body.rows).toEqual([
      {
        groupKey: ids.b,
        group: "Lakeside Clinic",
        alerts: 1,
        medianSeconds: 7200,
        p90Seconds: 7200,
        withinTarget: 0,
        withinTargetRate: 0,
      },
      {
        groupKey: ids.a,
        group: "Springvale Family Medicine",
        alerts: 4,
        medianSeconds: 180,
        p90Seconds: 930,
        withinTarget: 3,
        withinTargetRate: 0.75,
      },
    ]);
  });

  it("groups by month of the event in the practice's zone, filters by channel, and takes the target", async () => {
    const months = await get<AlertTimelinessReport>(
      qualityOf(ids.a),
      `alert-timeliness?${PERIOD}&groupBy=month`,
    );
    expect(
      months.body.rows.map((r) => [r.group, r.alerts, r.medianSeconds, r.p90Seconds, r.withinTarget]),
    ).toEqual([
      ["2024-08", 3, 300, 1020, 2],
      ["2024-09", 1, 30, 30, 1],
    ]);
    const pages = await get<AlertTimelinessReport>(
      qualityOf(ids.a),
      `alert-timeliness?${PERIOD}&channel=pager`,
    );
    expect(pages.body.rows.map((r) => r.alerts)).toEqual([1]);
    const strict = await get<AlertTimelinessReport>(
      qualityOf(ids.a),
      `alert-timeliness?${PERIOD}&withinMinutes=1`,
    );
    expect(strict.body.rows[0]).toMatchObject({ withinTarget: 2, withinTargetRate: 0.5 });
  });

  it("shows a practice only its own alerts and exports the same numbers as CSV", async () => {
    const json = await get<AlertTimelinessReport>(qualityOf(ids.b), `alert-timeliness?${PERIOD}`);
    expect(json.body.rows.map((r) => r.groupKey)).toEqual([ids.b]);
    const res = await app.inject({
      method: "GET",
      url: `/api/reports/alert-timeliness?${PERIOD}&format=csv`,
      headers: principalHeader(qualityOf(ids.a)),
    });
    expect(res.headers["content-type"]).toMatch(/^text\/csv/);
    expect(res.headers["content-disposition"]).toBe(
      'attachment; filename="alert-timeliness_2024-08-01_2024-09-30_by-practice.csv"',
    );
    expect(res.body).toBe(
      `group_key,group,alerts,median_seconds,p90_seconds,within_target,within_target_rate\r\n${ids.a},Springvale Family Medicine,4,180,930,3,0.75\r\n`,
    );
  });
});

describe("GET /care-management", () => {
  it("counts patients once per practice: high-risk in active care management, active patients meeting their goal", async () => {
    const { body } = await get<CareManagementReport>(qualityOf(ids.a), "care-management?asOf=2024-09-15");
    expect(body.rows).toEqual([
      {
        groupKey: ids.a,
        group: "Springvale Family Medicine",
        asOf: "2024-09-15",
        month: "2024-09",
        highRiskPatients: 3,
        highRiskActive: 1,
        activeRate: 0.3333,
        activePatients: 2,
        activeWithGoal: 2,
        goalMet: 1,
        goalMetRate: 0.5,
      },
    ]);
  });

  it("uses the plan risk score when a threshold is given, and reads the enrollments of the as-of day", async () => {
    const scored = await get<CareManagementReport>(
      qualityOf(ids.a),
      "care-management?asOf=2024-09-15&riskScoreThreshold=2",
    );
    expect(scored.body.rows[0]).toMatchObject({ highRiskPatients: 4, highRiskActive: 2, activeRate: 0.5 });
    const august = await get<CareManagementReport>(qualityOf(ids.a), "care-management?asOf=2024-08-15");
    expect(august.body.rows[0]).toMatchObject({
      highRiskPatients: 4,
      highRiskActive: 2,
      activePatients: 3,
      activeWithGoal: 2,
    });
    const today = await get<CareManagementReport>(qualityOf(ids.a), "care-management");
    expect(today.body.asOf).toBeNull();
    expect(today.body.rows[0]?.asOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it("keeps practices apart; a plan sees the practices of its own list", async () => {
    const b = await get<CareManagementReport>(qualityOf(ids.b), "care-management?asOf=2024-09-15");
    expect(b.body.rows.map((r) => [r.groupKey, r.highRiskPatients, r.highRiskActive])).toEqual([
      [ids.b, 1, 1],
    ]);
    const plan = await get<CareManagementReport>(qualityOf(ids.plan), "care-management?asOf=2024-09-15");
    expect(plan.body.rows.map((r) => [r.group, r.highRiskPatients, r.activePatients])).toEqual([
      ["Lakeside Clinic", 1, 1],
      ["Springvale Family Medicine", 1, 2],
    ]);
    const other = await get<{ error: { code: string } }>(
      qualityOf(ids.a),
      `care-management?organizationId=${ids.b}`,
    );
    expect(other).toMatchObject({ status: 403, body: { error: { code: "forbidden" } } });
  });

  it("exports the same numbers as CSV", async () => {
    const res = await app.inject({
      method: "GET",
      url: "/api/reports/care-management?asOf=2024-09-15&format=csv",
      headers: principalHeader(qualityOf(ids.a)),
    });
    expect(res.headers["content-disposition"]).toBe('attachment; filename="care-management_2024-09-15.csv"');
    expect(res.body).toBe(
      "group_key,group,as_of,month,high_risk_patients,high_risk_active,active_rate,active_patients,active_with_goal,goal_met,goal_met_rate\r\n" +
        `${ids.a},Springvale Family Medicine,2024-09-15,2024-09,3,1,0.3333,2,2,1,0.5\r\n`,
    );
  });
});
