import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiTest, NOW, startTestApi, type UserKey } from "../api.test-support.ts";

// The combined plan + practice high-risk list as the care teams work it: each side's top 30, both
// lists first, the tracking list apart, hospital use only from what the viewer's organization was
// told, edits of every field with the access log, and the agenda of the plan–practice call.

let t: ApiTest;
const DAY = 86_400_000;
const daysAgo = (n: number) => new Date(NOW.getTime() - n * DAY).toISOString();
const ids: Record<string, string> = {};

async function patient(family: string, given = "TEST"): Promise<string> {
  const { rows } = await t.pool.query<{ id: string }>(
    "INSERT INTO patients (family_name, given_name, birth_date, sex) VALUES ($1, $2, '1960-01-01', 'U') RETURNING id::text",
    [family, given],
  );
  const id = rows[0]?.id;
  if (id === undefined) throw new Error("no patient");
  return id;
}

async function enroll(
  patientId: string,
  side: "plan" | "practice",
  f: { tier?: string; score?: number; flag?: boolean; status?: string; goalMet?: boolean },
): Promise<string> {
  const { rows } = await t.pool.query<{ id: string }>(
    `INSERT INTO care_management_enrollments (patient_id, program, listed_by_org_id, practice_org_id, status, source,
            effective_from, risk_tier, lead_organization, plan_risk_score, practice_flag, goal, goal_met)
     VALUES ($1, 'complex-care', $2, $3, $4, $5, '2025-09-01', $6, $7, $8, $9, $10, $11) RETURNING id::text`,
    [
      patientId,
      side === "plan" ? t.ids.plan : t.ids.practiceA,
      t.ids.practiceA,
      f.status ?? "active",
      side === "plan" ? "bcp-cm" : "sfm-cm",
      f.tier ?? null,
      side === "plan" ? "plan" : "practice",
      f.score ?? null,
      f.flag ?? null,
      f.goalMet === undefined ? null : "Stay out of the hospital",
      f.goalMet ?? null,
    ],
  );
  const id = rows[0]?.id;
  if (id === undefined) throw new Error("no enrollment");
  return id;
}

/** An encounter of the patient, announced (matched_events) to these organizations. */
async function encounter(
  visit: string,
  patientId: string,
  setting: "ed" | "inpatient",
  at: string,
  announcedTo: string[],
  opts: { retracted?: boolean } = {},
): Promise<void> {
  await t.pool.query(
    `INSERT INTO encounters (facility, visit_number, patient_id, setting, status, started_at, entries)
     VALUES ('MERCYGEN', $1, $2, $3, 'discharged', $4, '[]')`,
    [visit, patientId, setting, at],
  );
  for (const org of announcedTo) {
    const record = {
      event: { facility: { displayName: "Mercy General", timeZone: "America/Chicago" } },
    };
    await t.pool.query(
      `INSERT INTO matched_events (match_id, organization_id, patient_id, event_id, event_kind, facility, visit_number,
              occurred_at, copy, record, retracted_at)
       VALUES ($1, $2, $3, $4, $5, 'MERCYGEN', $6, $7, 'lead', $8, $9)`,
      [
        `match-${visit}-${org}`,
        org,
        patientId,
        `evt-${visit}`,
        setting === "ed" ? "ed-arrival" : "inpatient-admit",
        visit,
        at,
        JSON.stringify(record),
        opts.retracted ? at : null,
      ],
    );
  }
}

beforeAll(async () => {
  t = await startTestApi("highrisk");
  // The seed: QUILLFEATHER (pA1) on both lists (plan score 0.91, practice tier I), ABERNATHY (pA2)
  // on the practice's only (tier II). 35 more on the plan's list only, 33 on the practice's only.
  for (let i = 1; i <= 35; i++) {
    const id = await patient(`PLANONLY${String(i).padStart(2, "0")}`);
    ids[`plan${i}`] = id;
    ids[`planEnroll${i}`] = await enroll(id, "plan", {
      tier: "II",
      score: 0.85 - i / 100,
      ...(i === 1 ? { goalMet: true } : {}),
    });
  }
  for (let i = 1; i <= 33; i++) {
    const id = await patient(`PRACONLY${String(i).padStart(2, "0")}`);
    ids[`practice${i}`] = id;
    await enroll(id, "practice", { tier: "III", flag: true });
  }
  // On both lists, but 37th on the plan's: the practice's top 30 brings it in, and it goes first.
  ids.bothLow = await patient("BOTHLOW");
  await enroll(ids.bothLow, "plan", { tier: "III", score: 0.1 });
  await enroll(ids.bothLow, "practice", { tier: "I", flag: true });
  // Not engaged: on the plan's tracking list only.
  ids.tracker = await patient("TRACKER");
  ids.trackerEnroll = await enroll(ids.tracker, "plan", { tier: "I", score: 0.99, status: "tracking_list" });

  // QUILLFEATHER's hospital use besides the seed's ED visit V-A1 (26 hours ago, announced to SFM).
  const { practiceA, practiceB, plan, pA1 } = t.ids;
  await encounter("V-ED2", pA1, "ed", daysAgo(20), [practiceA]);
  await encounter("V-ED-OLD", pA1, "ed", daysAgo(200), [practiceA]);
  await encounter("V-ADM-PLAN", pA1, "inpatient", daysAgo(40), [plan]);
  await encounter("V-ADM-B", pA1, "inpatient", daysAgo(10), [practiceB]);
  await encounter("V-ED-NONE", pA1, "ed", daysAgo(5), []);
  await encounter("V-ADM-RETRACTED", pA1, "inpatient", daysAgo(3), [practiceA], { retracted: true });
});
afterAll(async () => t?.close());

interface Enrollment {
  id: string;
  side: string;
  goal: string | null;
  goalMet: boolean | null;
  riskTier: string | null;
  status: string;
  leadOrganization: string | null;
  careManager: { id: string; displayName: string } | null;
  editable: boolean;
  goalHistory: { goal: string | null; goalMet: boolean | null; from: string; to: string | null }[];
}
interface Entry {
  rank: number;
  patient: { id: string; displayName: string };
  listedBy: string;
  planRank: number | null;
  practiceRank: number | null;
  utilization: Record<string, unknown>;
  enrollments: Enrollment[];
}
interface List {
  perSide: number;
  planListed: number;
  practiceListed: number;
  entries: Entry[];
  trackingList: Entry[];
  careManagers: { id: string; displayName: string; organization: { code: string } }[];
}

const getList = async (as: UserKey, query = `organizationId=${t.ids.practiceA}`) => {
  const res = await t.call(as, { url: `/api/care-management/high-risk-list?${query}` });
  expect(res.statusCode).toBe(200);
  return res.json<List>();
};
const entryOf = (list: List, patientId: string) => {
  const entry = [...list.entries, ...list.trackingList].find((e) => e.patient.id === patientId);
  if (entry === undefined) throw new Error(`patient ${patientId} not on the list`);
  return entry;
};
const patch = (as: UserKey, id: string, payload: object) =>
  t.call(as, { method: "PATCH", url: `/api/care-management/enrollments/${id}`, payload });
const auditRows = async (action: string) =>
  (
    await t.pool.query<{
      actor: string;
      subject_id: string;
      organization_id: string;
      detail: Record<string, unknown>;
    }>(
      "SELECT actor, subject_id, organization_id::text, detail FROM audit_log WHERE action = $1 ORDER BY id",
      [action],
    )
  ).rows;

describe("the combined list", () => {
  it("shows each side's top 30, patients on both lists first, and the tracking list apart", async () => {
    const list = await getList("cmA");
    expect(list).toMatchObject({ perSide: 30, planListed: 37, practiceListed: 36 });
    const names = list.entries.map((e) => e.patient.displayName);
    // Both lists: by the plan's score (0.91 before 0.10), whatever the place on either side.
    expect(list.entries.slice(0, 2).map((e) => [e.rank, e.listedBy, e.planRank, e.practiceRank])).toEqual([
      [1, "both", 1, 2],
      [2, "both", 37, 1],
    ]);
    expect(names.slice(0, 2)).toEqual(["MARISOL QUILLFEATHER", "TEST BOTHLOW"]);
    // Then the plan's list only, in its order, to its 30th place (QUILLFEATHER holds its 1st).
    const planOnly = list.entries.filter((e) => e.listedBy === "plan");
    expect(planOnly.map((e) => e.planRank)).toEqual(Array.from({ length: 29 }, (_, i) => i + 2));
    expect(planOnly[0]?.patient.displayName).toBe("TEST PLANONLY01");
    expect(planOnly.at(-1)?.patient.displayName).toBe("TEST PLANONLY29");
    // Then the practice's only: tier II before tier III, to its 30th place.
    const practiceOnly = list.entries.filter((e) => e.listedBy === "practice");
    expect(practiceOnly.map((e) => e.practiceRank)).toEqual(Array.from({ length: 28 }, (_, i) => i + 3));
    expect(practiceOnly[0]?.patient.displayName).toBe("OTIS ABERNATHY");
    expect(practiceOnly.at(-1)?.patient.displayName).toBe("TEST PRACONLY27");
    expect(list.entries.map((e) => e.rank)).toEqual(list.entries.map((_, i) => i + 1));
    expect(list.entries).toHaveLength(2 + 29 + 28);
    expect(names).not.toContain("TEST PLANONLY30");
    expect(names).not.toContain("TEST PRACONLY28");
    // The tracking-list patient is not ranked among the high-risk lists, however high the score.
    expect(list.trackingList.map((e) => [e.patient.displayName, e.listedBy, e.rank])).toEqual([
      ["TEST TRACKER", "tracking", 0],
    ]);
    expect(names).not.toContain("TEST TRACKER");
  });

  it("a smaller perSide shows fewer of each side", async () => {
    const list = await getList("cmA", `organizationId=${t.ids.practiceA}&perSide=3`);
    expect(list.entries.map((e) => [e.patient.displayName, e.listedBy])).toEqual([
      ["MARISOL QUILLFEATHER", "both"],
      ["TEST BOTHLOW", "both"],
      ["TEST PLANONLY01", "plan"],
      ["TEST PLANONLY02", "plan"],
      ["OTIS ABERNATHY", "practice"],
    ]);
  });

  it("counts ED visits and admissions only from encounters announced to the viewer's organizations", async () => {
    const practiceView = entryOf(await getList("cmA"), t.ids.pA1);
    // V-A1 (26 h ago) and V-ED2 (20 days) in six months; V-ED-OLD is older; the admissions were
    // announced to the plan, to practice B, or retracted; V-ED-NONE was announced to nobody.
    expect(practiceView.utilization).toEqual({
      lastEdVisitAt: new Date(NOW.getTime() - 30 * 3_600_000).toISOString(),
      lastEdVisitTimeZone: "America/Chicago",
      edVisits6mo: 2,
      lastAdmissionAt: null,
      lastAdmissionTimeZone: null,
      admissions6mo: 0,
    });
    const planView = entryOf(
      await getList("planCm", `organizationId=${t.ids.practiceA}&planOrganizationId=${t.ids.plan}`),
      t.ids.pA1,
    );
    expect(planView.utilization).toMatchObject({
      lastEdVisitAt: null,
      edVisits6mo: 0,
      lastAdmissionAt: daysAgo(40),
      admissions6mo: 1,
    });
  });

  it("offers the practice's and the plan's care managers, and says which enrollments the viewer may edit", async () => {
    const list = await getList("cmA");
    expect(list.careManagers.map((c) => [c.displayName, c.organization.code])).toEqual([
      ["Casey Morgan", "SFM"],
      ["Robin Lee", "SFM"],
      ["Sam Ortiz", "BCP"],
    ]);
    expect(entryOf(list, t.ids.pA1).enrollments.map((e) => [e.side, e.editable])).toEqual([
      ["practice", true],
      ["plan", true],
    ]);
  });

  it("is for care roles only: quality staff get nothing", async () => {
    const res = await t.call("qualityA", {
      url: `/api/care-management/high-risk-list?organizationId=${t.ids.practiceA}`,
    });
    expect(res.statusCode).toBe(403);
    expect(
      (
        await t.call("qualityA", {
          method: "PATCH",
          url: `/api/care-management/enrollments/${t.ids.enrollA2}`,
          payload: { status: "monitor" },
        })
      ).statusCode,
    ).toBe(403);
  });

  it("lists, for a plan's care manager, the practices whose patients the plan lists", async () => {
    const res = await t.call("planCm", {
      url: `/api/care-management/high-risk-list/practices?planOrganizationId=${t.ids.plan}`,
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().items.map((p: { code: string; patients: number }) => [p.code, p.patients])).toEqual([
      ["SFM", 38],
      ["RVP", 1],
    ]);
    const notMine = await t.call("cmA", {
      url: `/api/care-management/high-risk-list/practices?planOrganizationId=${t.ids.plan}`,
    });
    expect(notMine.statusCode).toBe(404);
  });
});

describe("editing an entry", () => {
  it("changes tier, status and lead, and writes an access-log row naming the fields", async () => {
    const before = (await auditRows("care-management.update")).length;
    const res = await patch("cmA", ids.planEnroll30 ?? "", {
      riskTier: "I",
      status: "monitor",
      leadOrganization: "practice",
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().enrollment).toMatchObject({
      riskTier: "I",
      status: "monitor",
      leadOrganization: "practice",
    });
    const rows = await auditRows("care-management.update");
    expect(rows).toHaveLength(before + 1);
    expect(rows.at(-1)).toMatchObject({
      subject_id: ids.plan30,
      organization_id: t.ids.practiceA,
      detail: {
        enrollmentId: ids.planEnroll30,
        fields: ["leadOrganization", "status", "riskTier"],
        route: "PATCH /api/care-management/enrollments/:id",
        role: "care_manager",
      },
    });
    expect(rows.at(-1)?.actor).toMatch(/^user:/);
  });

  it("sets a goal and whether it is met, keeping the goal's history", async () => {
    const res = await patch("cmA", t.ids.enrollA1, { goal: "Walk 20 minutes daily", goalMet: false });
    expect(res.statusCode).toBe(200);
    const list = await getList("cmA");
    const practiceRow = entryOf(list, t.ids.pA1).enrollments.find((e) => e.side === "practice");
    expect(practiceRow).toMatchObject({ goal: "Walk 20 minutes daily", goalMet: false });
    expect(practiceRow?.goalHistory).toEqual([
      { goal: "Walk 20 minutes daily", goalMet: false, from: "2026-03-10", to: null },
      { goal: "Walk daily", goalMet: null, from: "2025-06-01", to: "2026-03-10" },
    ]);
    const met = await patch("cmA", practiceRow?.id ?? "", { goalMet: true });
    expect(met.json().enrollment).toMatchObject({ goal: "Walk 20 minutes daily", goalMet: true });
    expect((await auditRows("care-management.update")).at(-1)?.detail).toMatchObject({ fields: ["goalMet"] });
  });

  it("names a care manager of the patient's practice or of the listing plan, and refuses anyone else", async () => {
    const ok = await patch("cmA", t.ids.enrollA2, { careManagerRecipientId: t.ids.cmA2 });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().enrollment.careManager).toEqual({ id: t.ids.cmA2, displayName: "Robin Lee" });
    // The change opened today's row: later changes go to it.
    const practiceRow: string = ok.json().enrollment.id;
    // Practice B's care manager, and the plan's on the practice's own enrollment: refused, unchanged.
    for (const recipient of [t.ids.cmB, t.ids.cmPlan]) {
      const refused = await patch("cmA", practiceRow, { careManagerRecipientId: recipient });
      expect(refused.statusCode).toBe(400);
      expect(refused.json()).toMatchObject({ error: { code: "invalid_care_manager" } });
    }
    const pcp = await t.pool.query<{ id: string }>(
      `INSERT INTO recipients (organization_id, role, display_name, email, time_zone)
       VALUES ($1, 'pcp', 'Dr. Pat Doe', 'pcp@sfm.example', 'America/New_York') RETURNING id::text`,
      [t.ids.practiceA],
    );
    expect((await patch("cmA", practiceRow, { careManagerRecipientId: pcp.rows[0]?.id })).statusCode).toBe(
      400,
    );
    const list = await getList("cmA");
    expect(entryOf(list, t.ids.pA2).enrollments[0]?.careManager?.displayName).toBe("Robin Lee");
    // The plan's own care manager on the plan's enrollment is fine; so is clearing it.
    const planRow = entryOf(list, t.ids.pA1).enrollments.find((e) => e.side === "plan");
    const plan = await patch("cmA", planRow?.id ?? "", { careManagerRecipientId: t.ids.cmPlan });
    expect(plan.json().enrollment.careManager).toEqual({ id: t.ids.cmPlan, displayName: "Sam Ortiz" });
    const cleared = await patch("cmA", plan.json().enrollment.id, { careManagerRecipientId: null });
    expect(cleared.json().enrollment.careManager).toBeNull();
  });

  it("moves a patient to the tracking list when no side lists them as active or monitor", async () => {
    const res = await patch("cmA", ids.planEnroll35 ?? "", { status: "tracking_list" });
    expect(res.statusCode).toBe(200);
    const list = await getList("cmA");
    expect(list.trackingList.map((e) => e.patient.displayName)).toEqual(["TEST PLANONLY35", "TEST TRACKER"]);
    expect(list.planListed).toBe(36);
  });
});

interface AgendaBody {
  date: string;
  items: {
    order: number;
    reason: string;
    entry: Entry;
    recentEvents: { matchId: string; kind: string; occurredAt: string }[];
    openTasks: { id: string; dueAt: string }[];
  }[];
}

describe("the agenda of the plan–practice call", () => {
  const agendaUrl = (extra = "") =>
    `/api/care-management/high-risk-list/agenda?organizationId=${t.ids.practiceA}&planOrganizationId=${t.ids.plan}${extra}`;

  it("picks 10: both lists with recent events, then open tasks, then goals not met; each with its events and tasks", async () => {
    const before = (await auditRows("care-management.agenda")).length;
    const res = await t.call("cmA", { url: agendaUrl() });
    expect(res.statusCode).toBe(200);
    const body = res.json<AgendaBody>();
    expect(body.date).toBe("2026-03-10");
    expect(body.items.map((i) => [i.order, i.entry.patient.displayName, i.reason])).toEqual([
      [1, "MARISOL QUILLFEATHER", "both-lists-recent-event"],
      [2, "OTIS ABERNATHY", "open-tasks"],
      [3, "TEST BOTHLOW", "goal-not-met"],
      // PLANONLY01's goal is met: not on the agenda.
      ...[2, 3, 4, 5, 6, 7, 8].map((n, i) => [i + 4, `TEST PLANONLY0${n}`, "goal-not-met"]),
    ]);
    const first = body.items[0];
    // Only what SFM was told, in the last 30 days, newest first: not the plan's or B's admissions.
    expect(first?.recentEvents.map((e) => e.matchId)).toEqual([
      "match-V-A1",
      `match-V-ED2-${t.ids.practiceA}`,
    ]);
    expect(first?.openTasks.map((task) => task.id)).toEqual(["task-a1", "task-a3"]);
    expect(body.items[1]?.openTasks.map((task) => task.id)).toEqual(["task-a2"]);
    const audit = await auditRows("care-management.agenda");
    expect(audit).toHaveLength(before + 10);
    expect(audit.at(-10)).toMatchObject({
      subject_id: t.ids.pA1,
      organization_id: t.ids.practiceA,
      detail: { format: "json", practiceId: t.ids.practiceA },
    });
  });

  it("answers CSV with format=csv or Accept: text/csv, one line per patient, named with the date", async () => {
    for (const request of [
      { url: agendaUrl("&format=csv&limit=3") },
      { url: agendaUrl("&limit=3"), headers: { accept: "text/csv" } },
    ]) {
      const res = await t.call("cmA", request);
      expect(res.statusCode).toBe(200);
      expect(res.headers["content-type"]).toMatch(/^text\/csv/);
      expect(res.headers["content-disposition"]).toBe('attachment; filename="agenda_SFM_BCP_2026-03-10.csv"');
      const lines = res.body.trimEnd().split("\r\n");
      expect(lines).toHaveLength(4);
      expect(lines[0]).toMatch(/^order,reason,patient,birth_date,lists,/);
      expect(lines[1]).toContain("MARISOL QUILLFEATHER");
      // Event times in the facility's zone, named; due times in the practice's.
      expect(lines[1]).toContain("2026-03-09 08:00 CDT ed-discharge at Mercy General");
      expect(lines[1]).toContain("Follow-up call after ED visit (due 2026-03-10 10:00 EDT, Casey Morgan)");
      expect(lines[2]).toMatch(/^2,Open tasks,OTIS ABERNATHY,/);
    }
    const audit = await auditRows("care-management.agenda");
    expect(audit.at(-1)?.detail).toMatchObject({ format: "csv" });
  });

  it("is refused to quality staff and to practices that are not the list's", async () => {
    expect((await t.call("qualityA", { url: agendaUrl() })).statusCode).toBe(403);
    const other = await t.call("cmB", { url: agendaUrl() });
    expect(other.statusCode).toBe(404);
  });
});
