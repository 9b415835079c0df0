import { decodeJwt } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiTest, startTestApi, type UserKey } from "../api.test-support.ts";
import type { PatientDetail } from "./patient-schemas.ts";

let t: ApiTest;
/** A patient of both practices: attributed to each, on each one's list, one encounter routed to each. */
let shared: string;
beforeAll(async () => {
  t = await startTestApi("patients");
  shared = await seedSharedPatient();
});
afterAll(async () => t?.close());

const userOf = (key: UserKey) => `user:${decodeJwt(t.tokens[key]).sub}`;
const read = async (patientId: string, as: UserKey = "cmA") => {
  const res = await t.call(as, { url: `/api/patients/${patientId}` });
  expect(res.statusCode, res.body).toBe(200);
  return { body: res.body, detail: res.json<PatientDetail>() };
};

/** What only practice B was told or supplied about the shared patient. */
const B_ONLY = [
  "V-S1",
  "STLUKE",
  "St. Luke",
  "SL-77",
  "RVP-3001",
  "INEZ",
  "B's own goal",
  "task-s-b",
  "dlv-s-b",
  "Jordan Price",
  "Riverside",
];
/** What only practice A was told or supplied. */
const A_ONLY = ["V-S2", "SFM-3001", "A's own goal", "task-s-a", "dlv-s-a", "Casey Morgan", "Springvale"];

async function seedSharedPatient(): Promise<string> {
  const q = (sql: string, params: unknown[] = []) => t.pool.query(sql, params);
  const { practiceA: A, practiceB: B } = t.ids;
  const id = String(
    (
      await q(
        "INSERT INTO patients (family_name, given_name, birth_date, sex) VALUES ('ZUBAROVA', 'INES', '1970-02-02', 'F') RETURNING id",
      )
    ).rows[0].id,
  );
  await q(
    `INSERT INTO patient_identifiers (patient_id, assigning_authority, type_code, value, source_org_id, source)
     VALUES ($1, 'SFM', 'MR', 'SFM-3001', $2, 'roster:sfm-panel'), ($1, 'RVP', 'MR', 'RVP-3001', $3, 'roster:rvp-panel')`,
    [id, A, B],
  );
  await q(
    `INSERT INTO patient_demographics (patient_id, source_org_id, source, family_name, given_name, birth_date, sex, postal_code)
     VALUES ($1, $2, 'sfm-panel', 'ZUBAROVA', 'INES', '1970-02-02', 'F', '02139'),
            ($1, $3, 'rvp-panel', 'ZUBAROVA', 'INEZ', '1970-02-02', 'F', '02140')`,
    [id, A, B],
  );
  await q(
    `INSERT INTO attributions (patient_id, practice_org_id, source, kind, effective_from)
     VALUES ($1, $2, 'sfm-panel', 'panel', '2025-01-01'), ($1, $3, 'rvp-panel', 'panel', '2025-01-01')`,
    [id, A, B],
  );
  await q(
    `INSERT INTO care_management_enrollments (patient_id, program, listed_by_org_id, practice_org_id, status, source,
            risk_tier, lead_organization, care_manager_recipient_id, goal, goal_met, effective_from, effective_to)
     VALUES ($1, 'complex-care', $2, $2, 'active', 'sfm-cm', 'II', 'practice', NULL, 'Quit smoking', true, '2024-01-01', '2025-06-01'),
            ($1, 'complex-care', $2, $2, 'active', 'sfm-cm', 'I', 'practice', $4, 'A''s own goal', NULL, '2025-06-01', NULL),
            ($1, 'complex-care', $3, $3, 'monitor', 'rvp-cm', 'I', 'joint', $5, 'B''s own goal', NULL, '2025-06-01', NULL)`,
    [id, A, B, t.ids.cmA, t.ids.cmB],
  );
  const patientBlock = (mrn: string, authority: string) => ({
    identifiers: [{ value: mrn, typeCode: "MR", assigningAuthority: authority }],
    primaryIdentifier: { value: mrn, typeCode: "MR", assigningAuthority: authority },
    name: { family: "ZUBAROVA", given: "INES" },
    birthDate: "1970-02-02",
    sex: "F",
    addresses: [],
    telecoms: [{ system: "phone", value: "6175550100", field: "PID-13" }],
  });
  // B's encounter at another hospital; A's at Mercy General.
  const copy = async (
    from: string,
    m: { matchId: string; visit: string; facility: string },
    patch: [string, unknown][],
  ) => {
    let record =
      "jsonb_set(jsonb_set(record, '{matchId}', to_jsonb($1::text)), '{encounter,visitNumber}', to_jsonb($2::text))";
    const params: unknown[] = [m.matchId, m.visit, m.facility, id, from];
    for (const [path, value] of patch) {
      params.push(JSON.stringify(value));
      record = `jsonb_set(${record}, '${path}', $${params.length}::jsonb)`;
    }
    await q(
      `INSERT INTO matched_events (match_id, organization_id, patient_id, event_id, event_kind, facility, visit_number,
              occurred_at, copy, record, no_task_reason)
       SELECT $1, organization_id, $4, 'evt-' || $1, event_kind, $3, $2, occurred_at, copy, ${record}, NULL
         FROM matched_events WHERE match_id = $5`,
      params,
    );
  };
  await copy("match-V-B1", { matchId: "match-S1", visit: "V-S1", facility: "STLUKE" }, [
    ["{event,patient}", patientBlock("SL-77", "STLUKE")],
    [
      "{event,facility}",
      {
        sendingApplication: "EPIC",
        sendingFacility: "STLUKE",
        displayName: "St. Luke's",
        timeZone: "America/Denver",
      },
    ],
  ]);
  await copy("match-V-A1", { matchId: "match-S2", visit: "V-S2", facility: "MERCYGEN" }, [
    ["{event,patient}", patientBlock("MG-3001", "MERCYGEN")],
  ]);
  await q(
    `INSERT INTO encounters (facility, visit_number, patient_id, setting, status, started_at, discharged_at)
     VALUES ('STLUKE', 'V-S1', $1, 'ed', 'discharged', '2026-02-01T10:00:00Z', '2026-02-01T15:00:00Z'),
            ('MERCYGEN', 'V-S2', $1, 'ed', 'discharged', '2026-03-09T10:00:00Z', '2026-03-09T14:00:00Z')`,
    [id],
  );
  const task = async (
    taskId: string,
    org: string,
    facility: string,
    visit: string,
    matchId: string,
    recipient: string,
  ) => {
    await q(
      `INSERT INTO tasks (id, organization_id, patient_id, facility, visit_number, protocol_id, step_id, task_type, title,
              trigger_event_id, trigger_match_id, triggered_at, due_at, alert_content, assignee_recipient_id)
       VALUES ($1, $2, $3, $7, $4, 'ed-follow-up', 'call', 'follow-up-call', 'Follow-up call after ED visit',
               'evt-' || $5, $5, '2026-03-09T14:00:00Z', '2026-03-11T23:59:59Z', '{"eventKind":"ed-discharge"}', $6)`,
      [taskId, org, id, visit, matchId, recipient, facility],
    );
    await q(
      `INSERT INTO task_history (task_id, at, actor, action, to_status) VALUES ($1, '2026-03-09T14:01:00Z', 'notifier', 'opened', 'open'),
              ($1, '2026-03-10T14:00:00Z', $2, 'note', 'open')`,
      [taskId, "notifier"],
    );
    await q(
      `INSERT INTO deliveries (id, purpose, channel, recipient_id, organization_id, match_id, event_id, task_id, content, status, sent_at)
       VALUES ($1, 'alert', 'email', $2, $3, $4, 'evt-' || $4, $5, '{}', 'sent', '2026-03-09T14:02:00Z')`,
      [`dlv-${taskId.slice(5)}`, recipient, org, matchId, taskId],
    );
  };
  await task("task-s-b", B, "STLUKE", "V-S1", "match-S1", t.ids.cmB);
  await task("task-s-a", A, "MERCYGEN", "V-S2", "match-S2", t.ids.cmA);
  return id;
}

describe("GET /api/patients/:id", () => {
  it("shows a shared patient to practice A with only A's data: not B's encounter, identifiers, list or tasks", async () => {
    const { body, detail } = await read(shared);
    for (const marker of B_ONLY)
      expect({ marker, leaked: body.includes(marker) }).toEqual({ marker, leaked: false });
    expect(detail.organizations).toEqual([
      { id: t.ids.practiceA, code: "SFM", name: "Springvale Family Medicine", timeZone: "America/New_York" },
    ]);
    expect(detail.encounters).toMatchObject([
      {
        facility: { code: "MERCYGEN", name: "Mercy General", timeZone: "America/Chicago" },
        visitNumber: "V-S2",
        setting: "ed",
        status: "discharged",
        startedAt: "2026-03-09T10:00:00.000Z",
        events: [{ matchId: "match-S2", kind: "ed-discharge", copy: "lead", retracted: false, noTask: null }],
      },
    ]);
    expect(detail.identifiers).toEqual([
      {
        value: "SFM-3001",
        typeCode: "MR",
        assigningAuthority: "SFM",
        sources: [
          {
            kind: "organization",
            organization: { id: t.ids.practiceA, code: "SFM", name: "Springvale Family Medicine" },
            label: "Springvale Family Medicine (roster:sfm-panel)",
          },
        ],
      },
      {
        value: "MG-3001",
        typeCode: "MR",
        assigningAuthority: "MERCYGEN",
        sources: [
          { kind: "hospital", organization: null, label: "Hospital message: Mercy General (MERCYGEN)" },
        ],
      },
    ]);
    expect(detail.demographics.map((d) => [d.source.label, d.givenName, d.postalCode, d.phone])).toEqual([
      ["Homeward's patient record", "INES", null, null],
      ["Springvale Family Medicine (sfm-panel)", "INES", "02139", null],
      ["Hospital message: Mercy General (MERCYGEN)", "INES", null, "6175550100"],
    ]);
    expect(detail.attributions).toMatchObject([
      {
        organization: { code: "SFM" },
        kind: "panel",
        source: "sfm-panel",
        effectiveFrom: "2025-01-01",
        effectiveTo: null,
      },
    ]);
    expect(detail.tasks.map((x) => x.task.id)).toEqual(["task-s-a"]);
    expect(detail.tasks[0]?.history.map((h) => h.action)).toEqual(["opened", "note"]);
    expect(detail.alerts).toMatchObject([
      {
        id: "dlv-s-a",
        channel: "email",
        status: "sent",
        recipient: { displayName: "Casey Morgan" },
        matchId: "match-S2",
        taskId: "task-s-a",
      },
    ]);
  });

  it("keeps an enrollment's history: the goal, whether it was met, tier and care manager, per period", async () => {
    const { detail } = await read(shared);
    expect(detail.enrollments).toHaveLength(1);
    expect(detail.enrollments[0]).toMatchObject({
      program: "complex-care",
      listedBy: { code: "SFM" },
      side: "practice",
      source: "sfm-cm",
      current: {
        status: "active",
        riskTier: "I",
        leadOrganization: "practice",
        careManager: { id: t.ids.cmA, displayName: "Casey Morgan" },
        goal: "A's own goal",
        goalMet: null,
        effectiveFrom: "2025-06-01",
        effectiveTo: null,
      },
    });
    expect(
      detail.enrollments[0]?.periods.map((p) => [
        p.goal,
        p.goalMet,
        p.riskTier,
        p.effectiveFrom,
        p.effectiveTo,
      ]),
    ).toEqual([
      ["A's own goal", null, "I", "2025-06-01", null],
      ["Quit smoking", true, "II", "2024-01-01", "2025-06-01"],
    ]);
  });

  it("shows practice B its own side of the same patient, and none of A's", async () => {
    const { body, detail } = await read(shared, "cmB");
    for (const marker of A_ONLY)
      expect({ marker, leaked: body.includes(marker) }).toEqual({ marker, leaked: false });
    expect(detail.encounters.map((e) => [e.facility.code, e.visitNumber, e.facility.timeZone])).toEqual([
      ["STLUKE", "V-S1", "America/Denver"],
    ]);
    expect(detail.identifiers.map((i) => i.value)).toEqual(["RVP-3001", "SL-77"]);
    expect(detail.enrollments[0]?.current).toMatchObject({
      status: "monitor",
      leadOrganization: "joint",
      goal: "B's own goal",
    });
  });

  it("shows both sides of a combined list: the practice sees the plan's listing of its patient, the plan only its own", async () => {
    const practice = (await read(t.ids.pA1)).detail;
    expect(practice.enrollments.map((e) => [e.listedBy.code, e.side, e.current?.leadOrganization])).toEqual([
      ["SFM", "practice", "practice"],
      ["BCP", "plan", "plan"],
    ]);
    expect(practice.encounters.map((e) => e.visitNumber)).toEqual(["V-A1"]);
    expect(practice.tasks.map((x) => x.task.id).sort()).toEqual(["task-a1", "task-a3"]);
    expect(practice.alerts.map((a) => a.id).sort()).toEqual(["dlv-task-a1", "dlv-task-a3"]);

    const plan = await read(t.ids.pA1, "planCm");
    expect(plan.detail.organizations.map((o) => o.code)).toEqual(["BCP"]);
    expect(plan.detail.enrollments.map((e) => e.listedBy.code)).toEqual(["BCP"]);
    expect(plan.detail).toMatchObject({ encounters: [], tasks: [], alerts: [], attributions: [] });
    expect(plan.body).not.toContain("Walk daily");
  });

  it("answers 404 for a patient none of the viewer's organizations is entitled to, 403 for quality staff", async () => {
    for (const [as, id] of [
      ["cmA", t.ids.pB1],
      ["adminA", t.ids.pB1],
      ["cmB", t.ids.pA1],
      ["cmA", "987654321"],
    ] as const) {
      const res = await t.call(as, { url: `/api/patients/${id}` });
      expect({ as, id, status: res.statusCode }).toEqual({ as, id, status: 404 });
      expect(res.body).not.toMatch(/VANTERPOOL|QUILLFEATHER/);
    }
    expect((await t.call("qualityA", { url: `/api/patients/${t.ids.pA1}` })).statusCode).toBe(403);
    expect((await t.call("cmA", { url: "/api/patients/abc" })).statusCode).toBe(400);
    const root = await read(t.ids.pA1, "root");
    expect(root.detail.organizations.map((o) => o.code)).toEqual(["BCP", "SFM"]);
  });

  it("writes an access-log row per organization whose view was shown", async () => {
    const actors = [userOf("adminA"), userOf("root")];
    await t.pool.query("DELETE FROM audit_log WHERE actor = ANY($1::text[])", [actors]);
    await read(shared, "adminA");
    await read(t.ids.pA1, "root");
    const { rows } = await t.pool.query(
      `SELECT actor, subject_id, organization_id::text, detail->>'route' AS route FROM audit_log
        WHERE action = 'patient.read' AND actor = ANY($1::text[]) ORDER BY id`,
      [actors],
    );
    expect(rows).toEqual([
      {
        actor: userOf("adminA"),
        subject_id: shared,
        organization_id: t.ids.practiceA,
        route: "GET /api/patients/:id",
      },
      ...[t.ids.plan, t.ids.practiceA].map((org) => ({
        actor: userOf("root"),
        subject_id: t.ids.pA1,
        organization_id: org,
        route: "GET /api/patients/:id",
      })),
    ]);
  });
});
