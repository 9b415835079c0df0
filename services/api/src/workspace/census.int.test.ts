import { decodeJwt } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiTest, startTestApi, type UserKey } from "../api.test-support.ts";
import { announce, followUpTask } from "./census-fixtures.test-support.ts";
import type { Census } from "./census-schemas.ts";

let t: ApiTest;
const ST_LUKE = { code: "STLUKE", name: "St. Luke's Medical Center", timeZone: "America/Denver" };

beforeAll(async () => {
  t = await startTestApi("census");
  const orgA = { id: t.ids.practiceA, code: "SFM", name: "Springvale Family Medicine" };
  const base = { org: orgA, recipients: [t.ids.cmA] };
  // MARISOL (A1, Casey Morgan's): reached after an ED visit 3 days ago (not listed); an inpatient
  // stay discharged 50 h ago with two call attempts; an ED visit 40 days ago; an admission taken back.
  await announce(t.pool, {
    ...base,
    visit: "V-A6",
    patientId: t.ids.pA1,
    kind: "ed-discharge",
    at: -72,
    setting: "ed",
    status: "discharged",
  });
  await followUpTask(t.pool, {
    id: "task-a6",
    orgId: orgA.id,
    patientId: t.ids.pA1,
    visit: "V-A6",
    dueIn: -24,
    assignee: t.ids.cmA,
    state: "reached",
  });
  await announce(t.pool, {
    ...base,
    visit: "V-A7",
    patientId: t.ids.pA1,
    kind: "discharge",
    at: -50,
    startedAt: -120,
    setting: "inpatient",
    status: "discharged",
  });
  await followUpTask(t.pool, {
    id: "task-a7",
    orgId: orgA.id,
    patientId: t.ids.pA1,
    visit: "V-A7",
    dueIn: 24,
    assignee: t.ids.cmA,
    attempts: 2,
  });
  await announce(t.pool, {
    ...base,
    visit: "V-A8",
    patientId: t.ids.pA1,
    kind: "ed-discharge",
    at: -40 * 24,
    setting: "ed",
    status: "discharged",
  });
  const retracted = await announce(t.pool, {
    ...base,
    visit: "V-A10",
    patientId: t.ids.pA1,
    kind: "inpatient-admit",
    at: -3,
    setting: "inpatient",
    status: "active",
  });
  await t.pool.query(
    "UPDATE matched_events SET retracted_at = now(), retraction_reason = 'A11' WHERE match_id = $1",
    [retracted],
  );
  // OTIS (A2): in observation at St. Luke's for 10 h, beside the seed's admission at Mercy (V-A4).
  await announce(t.pool, {
    org: orgA,
    visit: "V-A9",
    patientId: t.ids.pA2,
    kind: "inpatient-admit",
    at: -10,
    setting: "observation",
    status: "active",
    facility: ST_LUKE,
    location: { pointOfCare: "OBS", room: "3" },
  });
  // OTIS's enrollment names Robin Lee, A's other care manager.
  await t.pool.query("UPDATE care_management_enrollments SET care_manager_recipient_id = $1 WHERE id = $2", [
    t.ids.cmA2,
    t.ids.enrollA2,
  ]);
});
afterAll(async () => t?.close());

const census = async (as: UserKey, query = "") => {
  const res = await t.call(as, { url: `/api/census${query}` });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<Census>();
};
const visits = (list: { items: { visitNumber: string }[] }) => list.items.map((i) => i.visitNumber);
const B_MARKERS = ["VANTERPOOL", "HENRIETTA", "RVP-2001", "V-B1", "V-B2", "Riverside"];

describe("GET /api/census", () => {
  it("shows a care manager their own patients first: discharged lately and not reached, with contact so far", async () => {
    const body = await census("cmA");
    expect(body.scope).toBe("mine");
    expect(body.dischargedDays).toBe(30);
    expect(visits(body.inHospital)).toEqual([]);
    // Reached (V-A6), older than 30 days (V-A8), someone else's (V-A2), taken back (V-A10): not listed.
    expect(visits(body.recentlyDischarged)).toEqual(["V-A1", "V-A7"]);
    const [edVisit, stay] = body.recentlyDischarged.items;
    expect(edVisit).toMatchObject({
      patient: { id: t.ids.pA1, displayName: "MARISOL QUILLFEATHER", practiceIdentifier: "SFM-1001" },
      organization: { id: t.ids.practiceA, timeZone: "America/New_York" },
      facility: { code: "MERCYGEN", name: "Mercy General", timeZone: "America/Chicago" },
      setting: "ed",
      event: { matchId: "match-V-A1", kind: "ed-discharge" },
      riskTier: "I",
      program: "complex-care",
      mine: true,
      // Discharged 26 h ago: yesterday morning in New York.
      daysSinceDischarge: 1,
      contact: { status: "none", attempts: 0, lastAttemptAt: null },
      // The patient's open tasks: task-a1 (overdue), task-a3, task-a7.
      tasks: { open: 3, overdue: 1, nextDueAt: new Date(Date.parse("2026-03-10T14:00:00Z")).toISOString() },
    });
    expect(stay).toMatchObject({
      setting: "inpatient",
      daysSinceDischarge: 2,
      contact: { status: "attempted", attempts: 2, lastAttemptAt: "2026-03-10T13:00:00.000Z" },
    });
  });

  it("scope=practice shows the whole practice: who is in the hospital now, where and since when", async () => {
    const body = await census("cmA", "?scope=practice");
    expect(body.scope).toBe("practice");
    expect(visits(body.inHospital)).toEqual(["V-A4", "V-A9"]);
    expect(body.inHospital.items[0]).toMatchObject({
      patient: { id: t.ids.pA2, displayName: "OTIS ABERNATHY" },
      status: "active",
      setting: "inpatient",
      since: "2026-03-10T10:00:00.000Z",
      hoursSince: 5,
      location: { unit: "4W", room: "12", bed: "A" },
      event: { matchId: "match-V-A4", kind: "inpatient-admit" },
      riskTier: "II",
      careManager: { id: t.ids.cmA2, displayName: "Robin Lee" },
      mine: false,
    });
    expect(body.inHospital.items[1]).toMatchObject({
      facility: { code: "STLUKE", name: "St. Luke's Medical Center", timeZone: "America/Denver" },
      setting: "observation",
      hoursSince: 10,
      location: { unit: "OBS", room: "3", bed: null },
    });
    // Priority I first, the most recent first within a tier.
    expect(visits(body.recentlyDischarged)).toEqual(["V-A1", "V-A7", "V-A2"]);
    expect(body.options.facilities).toEqual([
      { code: "MERCYGEN", name: "Mercy General" },
      { code: "STLUKE", name: "St. Luke's Medical Center" },
    ]);
    expect(body.options.careManagers).toEqual([{ id: t.ids.cmA2, displayName: "Robin Lee" }]);
  });

  it("filters by setting, tier, care manager, facility and period, and sorts by days or name", async () => {
    const q = (query: string) => census("cmA", `?scope=practice&${query}`);
    const observation = await q("setting=observation");
    expect([visits(observation.inHospital), visits(observation.recentlyDischarged)]).toEqual([["V-A9"], []]);
    const ed = await q("setting=ed");
    expect([visits(ed.inHospital), visits(ed.recentlyDischarged)]).toEqual([[], ["V-A1", "V-A2"]]);
    const tierTwo = await q("tier=II");
    expect([visits(tierTwo.inHospital), visits(tierTwo.recentlyDischarged)]).toEqual([
      ["V-A4", "V-A9"],
      ["V-A2"],
    ]);
    const robin = await q(`careManager=${t.ids.cmA2}`);
    expect([visits(robin.inHospital), visits(robin.recentlyDischarged)]).toEqual([
      ["V-A4", "V-A9"],
      ["V-A2"],
    ]);
    const stLuke = await q("facility=STLUKE");
    expect([visits(stLuke.inHospital), visits(stLuke.recentlyDischarged)]).toEqual([["V-A9"], []]);
    // The filter's choices stay those of the whole scope.
    expect(stLuke.options.facilities).toHaveLength(2);
    // 60 days back: the ED visit of 40 days ago, among Priority I and after the more recent.
    expect(visits((await q("dischargedDays=60")).recentlyDischarged)).toEqual([
      "V-A1",
      "V-A7",
      "V-A8",
      "V-A2",
    ]);
    const longest = await q("sort=days");
    expect(visits(longest.inHospital)).toEqual(["V-A9", "V-A4"]);
    // V-A1 and V-A2 left at the same moment: by name then.
    expect(visits(longest.recentlyDischarged)).toEqual(["V-A7", "V-A2", "V-A1"]);
    expect(visits((await q("sort=name")).recentlyDischarged)).toEqual(["V-A2", "V-A1", "V-A7"]);
    const one = await q("limit=1");
    expect([visits(one.recentlyDischarged), one.recentlyDischarged.total]).toEqual([["V-A1"], 3]);
  });

  it("never lists another practice's patients, whatever the scope or filter", async () => {
    for (const query of ["", "?scope=practice", `?scope=practice&organizationId=${t.ids.practiceB}`]) {
      const res = await t.call("cmA", { url: `/api/census${query}` });
      expect(res.statusCode).toBe(200);
      for (const marker of B_MARKERS)
        expect({ query, leaked: res.body.includes(marker) }).toEqual({ query, leaked: false });
    }
    const other = await census("cmA", `?scope=practice&organizationId=${t.ids.practiceB}`);
    expect([other.inHospital.total, other.recentlyDischarged.total]).toEqual([0, 0]);
    // B's own care manager sees B's admission; a system admin sees both, or one practice.
    expect(visits((await census("cmB", "?scope=practice")).inHospital)).toEqual(["V-B2"]);
    expect(visits((await census("root")).inHospital).sort()).toEqual(["V-A4", "V-A9", "V-B2"]);
    expect(visits((await census("root", `?organizationId=${t.ids.practiceB}`)).inHospital)).toEqual(["V-B2"]);
  });

  it("defaults an admin to the practice; scope=mine needs a user linked to a recipient; quality may not read it", async () => {
    expect((await census("adminA")).scope).toBe("practice");
    const mine = await t.call("adminA", { url: "/api/census?scope=mine" });
    expect([mine.statusCode, mine.json().error.code]).toEqual([400, "no_recipient"]);
    expect((await t.call("qualityA", { url: "/api/census" })).statusCode).toBe(403);
    expect((await t.call(null, { url: "/api/census" })).statusCode).toBe(401);
    expect((await t.call("cmA", { url: "/api/census?dischargedDays=0" })).statusCode).toBe(400);
  });

  it("puts every patient it shows in the access log, under the organization that was told", async () => {
    const actor = `user:${decodeJwt(t.tokens.cmB).sub}`;
    await t.pool.query("DELETE FROM audit_log WHERE actor = $1", [actor]);
    await census("cmB", "?scope=practice");
    const { rows } = await t.pool.query<{
      subject_id: string;
      organization_id: string;
      detail: { route: string };
    }>(
      "SELECT subject_id, organization_id::text, detail FROM audit_log WHERE actor = $1 AND action = 'census.list'",
      [actor],
    );
    expect(rows).toEqual([
      {
        subject_id: t.ids.pB1,
        organization_id: t.ids.practiceB,
        detail: expect.objectContaining({ route: "GET /api/census", scope: "practice" }),
      },
    ]);
  });

  it("an attempt that reached the patient is the contact, even while the task is still open", async () => {
    // task-a7 (V-A7) is in progress with two unanswered calls; now a third call reaches the patient.
    await t.pool.query("UPDATE tasks SET contacted_at = $1, contact_method = 'phone' WHERE id = 'task-a7'", [
      "2026-03-10T14:30:00Z",
    ]);
    try {
      expect(visits((await census("cmA")).recentlyDischarged)).toEqual(["V-A1"]);
    } finally {
      await t.pool.query("UPDATE tasks SET contacted_at = NULL, contact_method = NULL WHERE id = 'task-a7'");
    }
  });
});
