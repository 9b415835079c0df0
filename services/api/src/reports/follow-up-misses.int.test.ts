import { createPool, migrate, type Pool } from "@homeward/db";
import { isolation } from "@homeward/testing";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Principal } from "../auth/principal.ts";
import {
  PERIOD,
  SCENARIO_NOW,
  type ScenarioIds,
  seedFollowUpScenario,
} from "./follow-up-scenario.test-support.ts";
import { getReport, principalHeader, reportTestApp } from "./report-fixtures.test-support.ts";
import type { FollowUpMissesReport, FollowUpReport } from "./report-schemas.ts";

let pool: Pool;
let app: FastifyInstance;
let ids: ScenarioIds;
const audit = vi.fn(async (_request: unknown, _patientIds: string[]) => {});
const admin: Principal = { subject: "root", role: "system_admin", organizationIds: [] };
const qualityOf = (org: string): Principal => ({
  subject: `q-${org}`,
  role: "quality",
  organizationIds: [org],
});

const get = <T>(principal: Principal, query: string) =>
  getReport<T>(app, principal, "/api/reports/follow-up", query);
async function misses(principal: Principal, query: string): Promise<FollowUpMissesReport> {
  const res = await getReport<FollowUpMissesReport>(app, principal, "/api/reports/follow-up/misses", query);
  expect(res.status).toBe(200);
  return res.body;
}

beforeAll(async () => {
  const iso = isolation("reports-miss");
  await migrate(iso.settings.postgres);
  pool = createPool(iso.settings.postgres);
  ids = await seedFollowUpScenario(pool);
  app = await reportTestApp(pool, { now: () => SCENARIO_NOW, audit });
});

afterAll(async () => {
  await app?.close();
  await pool?.end();
});

describe("GET /follow-up/misses", () => {
  it("lists what is not in the numerator, with why, the patient and the facility, and audits the read", async () => {
    audit.mockClear();
    const body = await misses(qualityOf(ids.a), `measure=ed-follow-up&x=2&${PERIOD}`);
    expect(body.misses.map((m) => [m.taskId, m.reason])).toEqual([
      [ids.t2, "late-contact"],
      [ids.t3, "overdue"],
      [ids.t4, "no-contact"],
    ]);
    // Not misses: t7's window is still running; the A11 task is out of the measure.
    expect(body.pending.map((m) => [m.taskId, m.section, m.reason])).toEqual([
      [ids.t7, "pending", "open-in-window"],
    ]);
    expect(body.excluded.map((m) => [m.section, m.excludedReason, m.exclusionDetail])).toEqual([
      ["excluded", "not-applicable", "A11"],
    ]);
    expect([body.count, body.pendingCount, body.excludedCount]).toEqual([3, 1, 1]);
    expect(body.misses[0]).toMatchObject({
      organizationName: "Springvale Family Medicine",
      careManagerName: "Zoe Park",
      patientId: ids.pa,
      patientName: "QUILLFEATHER, MARISOL",
      facility: "MERCYGEN",
      triggeredAt: "2024-08-05T14:00:00.000Z",
      windowEndsAt: "2024-08-08T03:59:59.999Z",
      completedAt: "2024-08-09T14:00:00.000Z",
      outcome: "reached_patient",
      hoursToContact: 96,
    });
    expect(audit).toHaveBeenCalledTimes(1);
    expect(audit.mock.calls[0]?.[1]).toEqual([ids.pa]);
  });

  it("exports the misses as CSV, audited too", async () => {
    audit.mockClear();
    const res = await app.inject({
      method: "GET",
      url: `/api/reports/follow-up/misses?measure=ed-follow-up&x=2&${PERIOD}&format=csv`,
      headers: principalHeader(qualityOf(ids.a)),
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toMatch(/^text\/csv/);
    expect(res.headers["content-disposition"]).toBe(
      'attachment; filename="follow-up-misses_ed-follow-up_x2-business-days_2024-08-01_2024-09-30_per-visit_high-risk.csv"',
    );
    const lines = res.body.trimEnd().split("\r\n");
    expect(lines[0]).toMatch(
      /^section,task_id,organization_id,.*,patient_name,facility,.*,reason,excluded_reason,exclusion_detail,visits$/,
    );
    // Three misses, one pending, one excluded: the three lists of the page, in that order.
    expect(lines.slice(1).map((l) => l.split(",")[0])).toEqual([
      "miss",
      "miss",
      "miss",
      "pending",
      "excluded",
    ]);
    expect(lines[1]).toContain('"QUILLFEATHER, MARISOL"');
    expect(audit).toHaveBeenCalledTimes(1);
  });
});

describe("scope and roles", () => {
  it("never shows practice B's tasks or patients to practice A's quality staff", async () => {
    const { body } = await get<FollowUpReport>(qualityOf(ids.a), `measure=ed-follow-up&x=2&${PERIOD}`);
    expect(body.rows.map((r) => r.groupKey)).toEqual([ids.a]);
    expect(body.total).toMatchObject({ denominator: 4, pending: 1, excluded: 1 });
    const list = await misses(qualityOf(ids.b), `measure=ed-follow-up&x=7&unit=calendar-days&${PERIOD}`);
    expect(list.misses).toEqual([]);
    const all = await misses(qualityOf(ids.a), `measure=ed-follow-up&x=0&${PERIOD}`);
    const lines = [...all.misses, ...all.pending, ...all.excluded];
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.every((m) => m.organizationId === ids.a && m.patientId !== ids.pb)).toBe(true);
  });

  it("refuses another practice by id, care managers, and callers without a principal", async () => {
    const q = `measure=ed-follow-up&x=2&${PERIOD}`;
    const other = await get<{ error: { code: string } }>(qualityOf(ids.a), `${q}&organizationId=${ids.b}`);
    expect(other).toMatchObject({ status: 403, body: { error: { code: "forbidden" } } });
    const cm: Principal = {
      subject: "cm",
      role: "care_manager",
      organizationIds: [ids.a],
      recipientId: ids.ana,
    };
    for (const path of ["follow-up", "follow-up/misses", "alert-timeliness", "care-management"]) {
      const res = await app.inject({
        method: "GET",
        url: `/api/reports/${path}?${q}`,
        headers: principalHeader(cm),
      });
      expect([path, res.statusCode, res.json()]).toEqual([
        path,
        403,
        { error: { code: "forbidden", message: expect.any(String) } },
      ]);
    }
    // Refused before the query is looked at: a bad query tells a care manager nothing either.
    expect((await get(cm, "measure=nonsense")).status).toBe(403);
    const anonymous = await app.inject({ method: "GET", url: `/api/reports/follow-up?${q}` });
    expect(anonymous.statusCode).toBe(401);
    const practiceAdmin: Principal = { subject: "pa", role: "practice_admin", organizationIds: [ids.a] };
    expect((await get(practiceAdmin, q)).status).toBe(200);
    const adminOnB = await get<FollowUpReport>(admin, `${q}&organizationId=${ids.b}`);
    expect(adminOnB.body.rows.map((r) => r.groupKey)).toEqual([ids.b]);
  });

  it("validates the query: x is required, the period ordered", async () => {
    expect((await get(admin, `measure=ed-follow-up&${PERIOD}`)).status).toBe(400);
    expect((await get(admin, `measure=ed-follow-up&x=-1&${PERIOD}`)).status).toBe(400);
    expect((await get(admin, "measure=ed-follow-up&x=2&from=2024-09-30&to=2024-08-01")).status).toBe(400);
    expect((await get(admin, `measure=ed-visit&x=2&${PERIOD}`)).status).toBe(400);
  });
});
