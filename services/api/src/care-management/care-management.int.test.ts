import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiTest, startTestApi } from "../api.test-support.ts";

let t: ApiTest;
beforeAll(async () => {
  t = await startTestApi("caremgmt");
});
afterAll(async () => t?.close());

interface Entry {
  rank: number;
  patient: { id: string; displayName: string };
  listedBy: string;
  enrollments: { id: string; side: string; leadOrganization: string; goal: string | null }[];
}
const highRiskList = (as: "adminA" | "planCm" | "cmA", query: string) =>
  t.call(as, { url: `/api/care-management/high-risk-list?${query}` });

describe("GET /api/care-management/high-risk-list", () => {
  it("combines the plan's and the practice's lists, both-lists first, with the enrollments behind each row", async () => {
    const res = await highRiskList("adminA", `organizationId=${t.ids.practiceA}`);
    expect(res.statusCode).toBe(200);
    const body = res.json<{ plan: { code: string }; view: string; entries: Entry[] }>();
    expect(body).toMatchObject({ plan: { code: "BCP" }, view: "full" });
    expect(body.entries.map((e) => [e.rank, e.patient.id, e.listedBy])).toEqual([
      [1, t.ids.pA1, "both"],
      [2, t.ids.pA2, "practice"],
    ]);
    expect(body.entries[0]).toMatchObject({
      patient: { displayName: "MARISOL QUILLFEATHER" },
      planRiskScore: 0.91,
      practiceFlag: true,
      planLead: "plan",
      practiceLead: "practice",
      leadAgreed: false,
    });
    expect(body.entries[0]?.enrollments.map((e) => [e.id, e.side, e.goal])).toEqual([
      [t.ids.enrollA1, "practice", "Walk daily"],
      [t.ids.enrollPlanA1, "plan", null],
    ]);
    const audit = await t.pool.query(
      "SELECT subject_id, organization_id::text FROM audit_log WHERE action = 'care-management.list' ORDER BY subject_id",
    );
    expect(audit.rows).toEqual([
      { subject_id: t.ids.pA1, organization_id: t.ids.practiceA },
      { subject_id: t.ids.pA2, organization_id: t.ids.practiceA },
    ]);
  });

  it("shows the plan's care manager only the patients the plan's own list names", async () => {
    const res = await highRiskList(
      "planCm",
      `organizationId=${t.ids.practiceA}&planOrganizationId=${t.ids.plan}`,
    );
    expect(res.statusCode).toBe(200);
    const body = res.json<{ view: string; entries: Entry[] }>();
    expect(body.view).toBe("plan");
    expect(body.entries.map((e) => e.patient.id)).toEqual([t.ids.pA1]);
  });

  it("refuses a plan id that is not a plan", async () => {
    const res = await highRiskList(
      "adminA",
      `organizationId=${t.ids.practiceA}&planOrganizationId=${t.ids.practiceB}`,
    );
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: { code: "not_a_plan" } });
  });
});

describe("PATCH /api/care-management/enrollments/:id", () => {
  const patch = (as: "cmA" | "planCm", id: string, payload: object) =>
    t.call(as, { method: "PATCH", url: `/api/care-management/enrollments/${id}`, payload });

  it("ends the row and opens today's with the change; a second change today edits that row in place", async () => {
    const res = await patch("cmA", t.ids.enrollA1, { leadOrganization: "joint", goalMet: true });
    expect(res.statusCode).toBe(200);
    const { enrollment, replacedEnrollmentId } = res.json();
    expect(replacedEnrollmentId).toBe(t.ids.enrollA1);
    expect(enrollment).toMatchObject({
      leadOrganization: "joint",
      goalMet: true,
      goal: "Walk daily",
      status: "active",
      effectiveFrom: "2026-03-10",
    });
    expect(enrollment.id).not.toBe(t.ids.enrollA1);
    const old = await t.pool.query(
      "SELECT to_char(effective_to, 'YYYY-MM-DD') AS ended, lead_organization FROM care_management_enrollments WHERE id = $1",
      [t.ids.enrollA1],
    );
    expect(old.rows[0]).toEqual({ ended: "2026-03-10", lead_organization: "practice" });

    const stale = await patch("cmA", t.ids.enrollA1, { status: "monitor" });
    expect(stale.statusCode).toBe(409);
    const inPlace = await patch("cmA", enrollment.id, { status: "monitor", goal: "Walk 20 minutes daily" });
    expect(inPlace.json()).toMatchObject({
      replacedEnrollmentId: null,
      enrollment: {
        id: enrollment.id,
        status: "monitor",
        goal: "Walk 20 minutes daily",
        leadOrganization: "joint",
      },
    });
    const audit = await t.pool.query(
      "SELECT count(*)::int AS n FROM audit_log WHERE action = 'care-management.update'",
    );
    expect(audit.rows[0].n).toBe(2);
  });

  it("lets either side of an enrollment change it, and nobody else", async () => {
    expect((await patch("planCm", t.ids.enrollPlanA1, { leadOrganization: "joint" })).statusCode).toBe(200);
    expect((await patch("planCm", t.ids.enrollA2, { leadOrganization: "plan" })).statusCode).toBe(404);
  });

  it("validates the change", async () => {
    expect((await patch("cmA", t.ids.enrollA2, {})).statusCode).toBe(400);
    expect((await patch("cmA", t.ids.enrollA2, { status: "paused" })).statusCode).toBe(400);
    expect((await patch("cmA", "abc", { status: "monitor" })).statusCode).toBe(400);
  });
});
