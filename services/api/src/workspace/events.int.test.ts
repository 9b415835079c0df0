import { NO_TASK_REASON_TEXT } from "@homeward/protocols";
import { decodeJwt } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiTest, startTestApi, type UserKey } from "../api.test-support.ts";
import type { EventDetail, FollowUpTaskCreated } from "./event-schemas.ts";

let t: ApiTest;
beforeAll(async () => {
  t = await startTestApi("events");
});
afterAll(async () => t?.close());

const userOf = (key: UserKey) => `user:${decodeJwt(t.tokens[key]).sub}`;
const read = async (matchId: string, as: UserKey = "cmA") => {
  const res = await t.call(as, { url: `/api/events/${matchId}` });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<EventDetail>();
};
const create = (matchId: string, as: UserKey = "cmA") =>
  t.call(as, { method: "POST", url: `/api/events/${matchId}/tasks` });

/**
 * A copy of a seeded announcement under a new match id and visit (its own encounter), changed by
 * `patch` (jsonb_set paths into the record) and row fields: monitor copies, flags, retractions.
 */
async function copyEvent(
  from: string,
  to: { matchId: string; visit: string; copy?: "lead" | "monitor"; noTaskReason?: string | null },
  patch: [string, unknown][] = [],
): Promise<void> {
  let record =
    "jsonb_set(jsonb_set(record, '{matchId}', to_jsonb($1::text)), '{encounter,visitNumber}', to_jsonb($2::text))";
  const params: unknown[] = [to.matchId, to.visit, to.copy ?? "lead", to.noTaskReason ?? null, from];
  for (const [path, value] of patch) {
    params.push(JSON.stringify(value));
    record = `jsonb_set(${record}, '${path}', $${params.length}::jsonb)`;
  }
  await t.pool.query(
    `INSERT INTO matched_events (match_id, organization_id, patient_id, event_id, event_kind, facility, visit_number,
            occurred_at, copy, record, no_task_reason)
     SELECT $1, organization_id, patient_id, 'evt-' || $1, event_kind, facility, $2, occurred_at, $3, ${record}, $4
       FROM matched_events WHERE match_id = $5`,
    params,
  );
}

describe("GET /api/events/:id", () => {
  it("shows who, where and why of an event routed to the organization, with its task and alert", async () => {
    const e = await read("match-V-A1");
    expect(e).toMatchObject({
      matchId: "match-V-A1",
      organization: { id: t.ids.practiceA, code: "SFM", timeZone: "America/New_York" },
      copy: "lead",
      event: { kind: "ed-discharge", trigger: "A03" },
      patient: {
        id: t.ids.pA1,
        displayName: "MARISOL QUILLFEATHER",
        birthDate: "1958-04-12",
        sex: "F",
        identifiers: [
          { value: "SFM-1001", typeCode: "MR", assigningAuthority: "SFM", source: "organization" },
        ],
      },
      facility: { code: "MERCYGEN", name: "Mercy General", timeZone: "America/Chicago" },
      location: { pointOfCare: "ED", room: "12", bed: "A" },
      encounter: { setting: "ed", status: "discharged" },
      visit: { visitNumber: "V-A1", patientClass: "E" },
      admitReason: { code: "R07.9", text: "Chest pain", system: "I10" },
      diagnoses: [{ code: "R07.9", description: "Chest pain, unspecified", type: "Admitting" }],
      discharge: { disposition: { code: "01", label: "Home or self care", community: true } },
      attendingProvider: { name: "INGRID HALVORSEN", npi: "1234567893" },
      flags: { frequentEd: null, readmission: null },
      retraction: null,
      noTask: null,
    });
    expect(e.tasks.map((task) => task.id)).toEqual(["task-a1"]);
    expect(e.alerts).toMatchObject([
      {
        id: "dlv-task-a1",
        purpose: "alert",
        channel: "email",
        status: "sent",
        recipient: { displayName: "Casey Morgan" },
      },
    ]);
    expect(e.careTeam).toMatchObject({
      careManager: { id: t.ids.cmA, displayName: "Casey Morgan" },
      enrollment: { program: "complex-care", riskTier: "I", status: "active", leadOrganization: "practice" },
      alerted: [
        {
          recipient: { id: t.ids.cmA, displayName: "Casey Morgan" },
          role: "care-manager",
          copy: "lead",
          basis: "care-manager-of-record",
          why: "Care manager of record (the enrollment names them)",
        },
      ],
    });
  });

  it("says why an event opened no task, in the protocols' words", async () => {
    const e = await read("match-V-A4");
    expect(e.tasks).toEqual([]);
    expect(e.noTask).toEqual({
      reason: "no-protocol-for-event",
      text: NO_TASK_REASON_TEXT["no-protocol-for-event"],
    });
    expect(e.location).toMatchObject({ pointOfCare: "4W" });
    expect(e.discharge).toBeNull();
  });

  it("tells a monitor copy apart from the lead, with its reason", async () => {
    await copyEvent(
      "match-V-A2",
      { matchId: "match-mon-A", visit: "V-MON", copy: "monitor", noTaskReason: "monitor-copy" },
      [
        ["{enrollment,copy}", "monitor"],
        ["{enrollment,leadOrganization}", "plan"],
      ],
    );
    const e = await read("match-mon-A");
    expect(e.copy).toBe("monitor");
    expect(e.careTeam.enrollment?.leadOrganization).toBe("plan");
    expect(e.tasks).toEqual([]);
    expect(e.noTask?.text).toBe(NO_TASK_REASON_TEXT["monitor-copy"]);
  });

  it("carries the flags, the PCP the hospital named, a disposition outside table 0112, and a retraction", async () => {
    await copyEvent("match-V-A1", { matchId: "match-flags-A", visit: "V-FLAGS" }, [
      [
        "{flags}",
        {
          frequentEd: { visits: 4, windowDays: 180 },
          readmission: { priorDischargeAt: "2026-02-20T15:00:00Z", daysSinceDischarge: 17 },
        },
      ],
      ["{event,visit,dischargeDisposition}", "ZZ"],
      [
        "{event,primaryCareProvider}",
        {
          identifiers: [],
          npi: "1992999999",
          name: { given: "ANA", family: "RUIZ", degree: "MD" },
          source: "PD1-4",
        },
      ],
    ]);
    await t.pool.query(
      "UPDATE matched_events SET retracted_at = $2, retraction_reason = 'the hospital cancelled the discharge (A13)' WHERE match_id = $1",
      ["match-flags-A", "2026-03-10T14:00:00Z"],
    );
    const e = await read("match-flags-A");
    expect(e.flags).toEqual({
      frequentEd: { visits: 4, windowDays: 180 },
      readmission: { priorDischargeAt: "2026-02-20T15:00:00Z", daysSinceDischarge: 17 },
    });
    expect(e.discharge?.disposition).toEqual({
      code: "ZZ",
      label: "Code ZZ (not in HL7 table 0112)",
      community: false,
    });
    expect(e.primaryCareProvider).toEqual({ name: "ANA RUIZ MD", npi: "1992999999", source: "PD1-4" });
    expect(e.retraction).toEqual({
      at: "2026-03-10T14:00:00.000Z",
      reason: "the hospital cancelled the discharge (A13)",
    });
    const refused = await create("match-flags-A");
    expect(refused.statusCode).toBe(409);
  });

  it("names the care manager of the open enrollment and the PCP of record", async () => {
    await t.pool.query(
      "INSERT INTO clinicians (npi, given_name, family_name, organization_id) VALUES ('1457392812', 'Priya', 'Shah', $1)",
      [t.ids.practiceA],
    );
    await t.pool.query(
      `UPDATE attributions SET pcp_clinician_id = (SELECT id FROM clinicians WHERE npi = '1457392812')
        WHERE patient_id = $1 AND practice_org_id = $2`,
      [t.ids.pA1, t.ids.practiceA],
    );
    await t.pool.query(
      "UPDATE care_management_enrollments SET care_manager_recipient_id = $2 WHERE id = $1",
      [t.ids.enrollA1, t.ids.cmA2],
    );
    try {
      const e = await read("match-V-A1");
      expect(e.careTeam.careManager).toEqual({ id: t.ids.cmA2, displayName: "Robin Lee" });
      expect(e.careTeam.pcp).toEqual({ name: "Priya Shah", npi: "1457392812", recipient: null });
    } finally {
      await t.pool.query(
        "UPDATE care_management_enrollments SET care_manager_recipient_id = NULL WHERE id = $1",
        [t.ids.enrollA1],
      );
    }
  });

  it("is only for the organization it was routed to (and a system admin): 404 for anyone else, 403 for quality", async () => {
    for (const as of ["cmB", "adminB", "planCm"] as const) {
      const res = await t.call(as, { url: "/api/events/match-V-A1" });
      expect({ as, status: res.statusCode }).toEqual({ as, status: 404 });
      expect(res.body).not.toContain("QUILLFEATHER");
    }
    expect((await t.call("qualityA", { url: "/api/events/match-V-A1" })).statusCode).toBe(403);
    expect((await t.call("cmA", { url: "/api/events/match-V-B1" })).statusCode).toBe(404);
    expect((await t.call("cmA", { url: "/api/events/no-such-match" })).statusCode).toBe(404);
    expect((await t.call(null, { url: "/api/events/match-V-A1" })).statusCode).toBe(401);
    expect((await read("match-V-A1", "root")).patient.displayName).toBe("MARISOL QUILLFEATHER");
    expect((await read("match-V-B1", "cmB")).patient.identifiers.map((i) => i.value)).toEqual(["RVP-2001"]);
  });

  it("writes an access-log row per read, naming the patient, the organization and the event", async () => {
    const actor = userOf("adminA");
    await t.call("adminA", { url: "/api/events/match-V-A4" });
    await t.call("cmB", { url: "/api/events/match-V-A4" });
    const { rows } = await t.pool.query(
      `SELECT actor, subject_id, organization_id::text, detail->>'matchId' AS match_id, detail->>'route' AS route
         FROM audit_log WHERE action = 'event.read' AND actor = ANY($1::text[])
          AND detail->>'matchId' = 'match-V-A4' ORDER BY id`,
      [[actor, userOf("cmB")]],
    );
    expect(rows).toEqual([
      {
        actor,
        subject_id: t.ids.pA2,
        organization_id: t.ids.practiceA,
        match_id: "match-V-A4",
        route: "GET /api/events/:id",
      },
    ]);
  });
});

describe("POST /api/events/:id/tasks", () => {
  it("opens a follow-up call for an event that opened none, due in 2 business days, for the care manager of record", async () => {
    const res = await create("match-V-A4");
    expect(res.statusCode, res.body).toBe(201);
    const body = res.json<FollowUpTaskCreated>();
    expect(body).toMatchObject({
      created: true,
      assignedBecause: "care-manager-of-record",
      // Tue Mar 10 (New York): 2 business days after is Thu Mar 12, to the end of that day (EDT).
      due: { dueAt: "2026-03-13T03:59:59.999Z", timeZone: "America/New_York" },
      task: {
        title: "Follow-up call after inpatient admission",
        taskType: "follow-up-call",
        protocolId: "manual",
        status: "open",
        patient: { id: t.ids.pA2 },
        visitNumber: "V-A4",
        eventKind: "inpatient-admit",
        program: "complex-care",
        riskTier: "I",
        // The announcement named Robin Lee as care manager of record.
        assignee: { id: t.ids.cmA2, displayName: "Robin Lee" },
        triggeredAt: new Date(Date.parse("2026-03-10T10:00:00Z")).toISOString(),
      },
    });
    expect(body.due.rule).toContain("2 business days");
    const history = await t.pool.query(
      "SELECT actor, action, to_status, detail->>'note' AS note FROM task_history WHERE task_id = $1",
      [body.task.id],
    );
    expect(history.rows).toEqual([
      {
        actor: userOf("cmA"),
        action: "opened",
        to_status: "open",
        note: "Opened by hand from the event page",
      },
    ]);
    const audit = await t.pool.query(
      `SELECT subject_id, organization_id::text, detail->>'taskId' AS task_id, detail->>'created' AS created
         FROM audit_log WHERE action = 'event.create-task' AND actor = $1 ORDER BY id`,
      [userOf("cmA")],
    );
    expect(audit.rows).toEqual([
      { subject_id: t.ids.pA2, organization_id: t.ids.practiceA, task_id: body.task.id, created: "true" },
    ]);

    // The event page now lists it, and no longer says why none was opened; the task opens like any other.
    const e = await read("match-V-A4");
    expect(e.tasks.map((task) => task.id)).toEqual([body.task.id]);
    expect(e.noTask).toBeNull();
    const detail = await t.call("cmA", { url: `/api/tasks/${body.task.id}` });
    expect(detail.statusCode).toBe(200);
    expect(detail.json()).toMatchObject({ matchId: "match-V-A4", task: { patient: { id: t.ids.pA2 } } });
    // A task whose announcement Homeward did not keep links to no event page.
    expect((await t.call("cmA", { url: "/api/tasks/task-a3" })).json().matchId).toBeNull();

    // A second click answers the same task (200), and nothing more is written.
    const again = await create("match-V-A4");
    expect(again.statusCode).toBe(200);
    expect(again.json<FollowUpTaskCreated>()).toMatchObject({
      created: false,
      assignedBecause: null,
      task: { id: body.task.id },
    });
    const count = await t.pool.query(
      "SELECT (SELECT count(*)::int FROM tasks WHERE trigger_match_id = 'match-V-A4') AS tasks, (SELECT count(*)::int FROM task_history WHERE task_id = $1) AS history",
      [body.task.id],
    );
    expect(count.rows[0]).toEqual({ tasks: 1, history: 1 });
  });

  it("makes one task of two clicks at once", async () => {
    await copyEvent("match-V-A4", {
      matchId: "match-race-A",
      visit: "V-RACE",
      noTaskReason: "no-protocol-for-event",
    });
    const [a, b] = await Promise.all([create("match-race-A"), create("match-race-A", "adminA")]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([200, 201]);
    expect(a.json<FollowUpTaskCreated>().task.id).toBe(b.json<FollowUpTaskCreated>().task.id);
  });

  it("goes to the caller when nobody is care manager of record, and unassigned when the caller has no recipient", async () => {
    await copyEvent("match-V-A4", { matchId: "match-nocm-A", visit: "V-NOCM" }, [["{recipients}", []]]);
    const mine = await create("match-nocm-A");
    expect(mine.statusCode).toBe(201);
    expect(mine.json<FollowUpTaskCreated>()).toMatchObject({
      assignedBecause: "caller",
      task: { assignee: { id: t.ids.cmA, displayName: "Casey Morgan" } },
    });
    await copyEvent("match-V-A4", { matchId: "match-nocm-A2", visit: "V-NOCM2" }, [["{recipients}", []]]);
    const root = await create("match-nocm-A2", "root");
    expect(root.statusCode).toBe(201);
    expect(root.json<FollowUpTaskCreated>()).toMatchObject({
      assignedBecause: "unassigned",
      task: { assignee: null },
    });
  });

  it("opens nothing for another organization's event (404) or for quality staff (403)", async () => {
    const before = await t.pool.query("SELECT count(*)::int AS n FROM tasks");
    expect((await create("match-V-B2", "cmA")).statusCode).toBe(404);
    expect((await create("match-V-A4", "cmB")).statusCode).toBe(404);
    expect((await create("match-V-A4", "qualityA")).statusCode).toBe(403);
    expect((await t.pool.query("SELECT count(*)::int AS n FROM tasks")).rows).toEqual(before.rows);
  });
});
