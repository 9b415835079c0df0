import { createPool, migrate, type Pool } from "@homeward/db";
import { type Isolation, isolation } from "@homeward/testing";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Principal } from "../auth/principal.ts";
import type {
  ActivityReport,
  FacilityTimelinessReport,
  FrequentEdReport,
  ProgramReport,
  UtilizationRow,
} from "./program-schemas.ts";
import { principalHeader, reportFixtures, reportTestApp } from "./report-fixtures.test-support.ts";

// The program reports through the API on their own PostgreSQL schema, with numbers worked out by
// hand below. Practice A (Springvale, New York) is the subject; practice B (Lakeside, Chicago) and a
// plan hold data that must never show in A's reports. The clock is 20 April 2026, so a discharge on
// or after 21 March still has its 30-day window running.

const NOW = new Date("2026-04-20T16:00:00Z");
const PERIOD = "from=2026-02-01&to=2026-03-31";

let iso: Isolation;
let pool: Pool;
let app: FastifyInstance;
const ID_KEYS = [
  "a",
  "b",
  "plan",
  "ana",
  "ben",
  "anaUser",
  "adminUser",
  "benUser",
  "pB",
  "e1",
  "e2",
  "e3",
  "e4",
  "e6",
] as const;
/** Organization, recipient, user, patient and announcement ids, filled in by beforeAll. */
const ids = Object.fromEntries(ID_KEYS.map((k) => [k, ""])) as Record<(typeof ID_KEYS)[number], string>;
const P: string[] = [];
/** A's patients 1 to 25 (PATIENT-01, TEST …). */
const pt = (n: number): string => P[n] ?? "";

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
  return { status: res.statusCode, body: res.json<T>(), text: res.body, res };
}

/** RFC 4180 lines of an export, fields unquoted: enough for the exports' text, commas and quotes. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      row.push(field);
      field = "";
    } else if (c === "\r" && text[i + 1] === "\n") {
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
      i += 1;
    } else field += c;
  }
  return rows;
}

/** The CSV cell the export writes for a JSON value. */
const cell = (v: unknown) => (v === null || v === undefined ? "" : String(v));

/** An export's lines as the JSON rows they came from, column by column (CSV headers are snake_case). */
function expectCsvEqualsJson(csv: string, rows: readonly object[]) {
  const [header, ...lines] = parseCsv(csv);
  expect(lines).toHaveLength(rows.length);
  const keys = (header ?? []).map((h) => h.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase()));
  lines.forEach((line, i) => {
    const row = rows[i] as Record<string, unknown>;
    expect(Object.fromEntries(keys.map((k, j) => [k, line[j]]))).toEqual(
      Object.fromEntries(keys.map((k) => [k, cell(row[k])])),
    );
  });
}

/** An announcement to an organization as the notifier keeps it (the fields the reports read). */
let matchSeq = 0;
async function announce(a: {
  org: string;
  patient: string;
  kind: string;
  visit: string;
  at: string;
  facility?: "MERCYGEN" | "STLUKE";
  setting?: "ed" | "inpatient";
  admittedAt?: string;
  disposition?: string;
  retracted?: boolean;
  program?: string;
  frequentEd?: boolean;
}): Promise<string> {
  matchSeq += 1;
  const matchId = `match-${matchSeq}`;
  const facility = a.facility ?? "MERCYGEN";
  const record = {
    event: {
      kind: a.kind,
      occurredAt: a.at,
      facility: {
        sendingFacility: facility,
        displayName: facility === "MERCYGEN" ? "Mercy General" : "St. Luke's",
        timeZone: "America/New_York",
      },
      visit: {
        visitNumber: a.visit,
        ...(a.admittedAt === undefined ? {} : { admittedAt: a.admittedAt }),
        ...(a.disposition === undefined ? {} : { dischargeDisposition: a.disposition }),
      },
    },
    encounter: {
      facility,
      visitNumber: a.visit,
      setting: a.setting ?? (a.kind.startsWith("ed-") && a.kind !== "ed-to-inpatient" ? "ed" : "inpatient"),
    },
    flags: a.frequentEd ? { frequentEd: { visits: 3, windowDays: 60 } } : {},
    ...(a.program === undefined ? {} : { enrollment: { program: a.program } }),
  };
  await pool.query(
    `INSERT INTO matched_events (match_id, organization_id, patient_id, event_id, event_kind, facility, visit_number,
            occurred_at, copy, record, retracted_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'lead', $9, CASE WHEN $10 THEN $8::timestamptz + interval '1 hour' END)`,
    [
      matchId,
      a.org,
      a.patient,
      `evt-${matchId}`,
      a.kind,
      facility,
      a.visit,
      a.at,
      JSON.stringify(record),
      !!a.retracted,
    ],
  );
  return matchId;
}

let deliverySeq = 0;
async function alert(
  matchId: string,
  org: string,
  recipient: string,
  occurredAt: string,
  seconds: number,
  status = "sent",
  purpose = "alert",
) {
  deliverySeq += 1;
  await pool.query(
    `INSERT INTO deliveries (id, purpose, channel, recipient_id, organization_id, match_id, content, status, sent_at)
     VALUES ($1, $2, 'email', $3, $4, $5, '{}'::jsonb, $6,
             CASE WHEN $6 = 'sent' THEN $7::timestamptz + make_interval(secs => $8) END)`,
    [`dlv-${deliverySeq}`, purpose, recipient, org, matchId, status, occurredAt, seconds],
  );
}

beforeAll(async () => {
  iso = isolation("program-rep");
  await migrate(iso.settings.postgres);
  pool = createPool(iso.settings.postgres);
  const f = reportFixtures(pool);
  ids.a = await f.organization("SFM", "Springvale Family Medicine");
  ids.b = await f.organization("LKS", "Lakeside Clinic", "America/Chicago");
  ids.plan = await f.organization("HP1", "Keystone Health Plan", "America/New_York", "health_plan");
  ids.ana = await f.careManager(ids.a, "Ana Ruiz");
  ids.ben = await f.careManager(ids.b, "Ben Cole");
  const user = async (email: string, role: string, recipient: string | null) =>
    String(
      (
        await pool.query(
          "INSERT INTO users (email, password_hash, role, recipient_id) VALUES ($1, 'scrypt$test', $2, $3) RETURNING id",
          [email, role, recipient],
        )
      ).rows[0]?.id,
    );
  ids.anaUser = await user("ana@sfm.example", "care_manager", ids.ana);
  ids.adminUser = await user("admin@sfm.example", "practice_admin", null);
  ids.benUser = await user("ben@lks.example", "care_manager", ids.ben);

  for (let i = 1; i <= 25; i += 1) P[i] = await f.patient(`PATIENT-${String(i).padStart(2, "0")}`, "TEST");
  ids.pB = await f.patient("VANTERPOOL", "HENRIETTA");

  // Enrollment (program complex-care) for A: P1–P10 from 15 February, P11–P20 from 1 March. P17 and
  // P18 are monitor copies; P19 is on the plan's list naming A as the practice; P20 on both lists
  // (one patient). Not counted: P21 tracking list, P22 ended, P23 enrolled in January only, P24 in
  // another program (counted only without the program filter).
  const enroll = (patientId: string, from: string, more: Partial<Parameters<typeof f.enrollment>[0]> = {}) =>
    f.enrollment({ patientId, listedBy: ids.a, source: "sfm-list", status: "active", from, ...more });
  for (let i = 1; i <= 20; i += 1) {
    const from = i <= 10 ? "2026-02-15" : "2026-03-01";
    if (i === 19) continue;
    await enroll(pt(i), from, { status: i === 17 || i === 18 ? "monitor" : "active", tier: "II" });
  }
  for (const i of [19, 20])
    await f.enrollment({
      patientId: pt(i),
      listedBy: ids.plan,
      practiceOrgId: ids.a,
      source: "hp1-list",
      status: "active",
      tier: "I",
      from: "2026-03-01",
    });
  await enroll(pt(21), "2026-01-01", { status: "tracking_list" });
  await enroll(pt(22), "2026-01-01", { status: "ended" });
  await enroll(pt(23), "2026-01-01", { to: "2026-02-01" });
  await pool.query(
    `INSERT INTO care_management_enrollments (patient_id, program, listed_by_org_id, status, source, effective_from)
     VALUES ($1, 'diabetes', $2, 'active', 'sfm-diabetes', '2026-01-01')`,
    [pt(24), ids.a],
  );
  // B's own enrollment of its patient.
  await f.enrollment({
    patientId: ids.pB,
    listedBy: ids.b,
    source: "lks-list",
    status: "active",
    from: "2026-01-01",
  });

  const A = ids.a;
  const cc = "complex-care";
  // ED visits routed to A.
  ids.e1 = await announce({
    org: A,
    patient: pt(1),
    kind: "ed-arrival",
    visit: "V1",
    at: "2026-03-03T14:00:00Z",
    program: cc,
    frequentEd: true,
  });
  await announce({
    org: A,
    patient: pt(1),
    kind: "ed-discharge",
    visit: "V1",
    at: "2026-03-03T18:00:00Z",
    program: cc,
  });
  await announce({
    org: A,
    patient: pt(1),
    kind: "ed-discharge",
    visit: "V1-FEB",
    at: "2026-02-20T15:00:00Z",
    program: cc,
  });
  await announce({
    org: A,
    patient: pt(1),
    kind: "ed-discharge",
    visit: "V1-JUN",
    at: "2025-06-10T15:00:00Z",
  });
  await announce({
    org: A,
    patient: pt(1),
    kind: "ed-discharge",
    visit: "V1-NOV",
    at: "2025-11-05T15:00:00Z",
    facility: "STLUKE",
  });
  await announce({
    org: A,
    patient: pt(1),
    kind: "ed-discharge",
    visit: "V1-OLD",
    at: "2025-03-15T15:00:00Z",
  });
  ids.e2 = await announce({
    org: A,
    patient: pt(2),
    kind: "ed-arrival",
    visit: "V2",
    at: "2026-03-10T13:00:00Z",
    program: cc,
  });
  await announce({
    org: A,
    patient: pt(2),
    kind: "ed-to-inpatient",
    visit: "V2",
    at: "2026-03-10T19:00:00Z",
    program: cc,
  });
  // 23:30 EDT on 31 March: a March visit in A's zone.
  ids.e3 = await announce({
    org: A,
    patient: pt(3),
    kind: "ed-discharge",
    visit: "V3",
    at: "2026-04-01T03:30:00Z",
    program: cc,
  });
  await announce({
    org: A,
    patient: pt(3),
    kind: "ed-discharge",
    visit: "V3-B",
    at: "2025-12-01T15:00:00Z",
  });
  await announce({
    org: A,
    patient: pt(3),
    kind: "ed-discharge",
    visit: "V3-C",
    at: "2025-10-01T15:00:00Z",
  });
  ids.e4 = await announce({
    org: A,
    patient: pt(4),
    kind: "ed-arrival",
    visit: "V4",
    at: "2026-03-11T13:00:00Z",
    retracted: true,
  });
  await announce({
    org: A,
    patient: pt(11),
    kind: "ed-discharge",
    visit: "V11-FEB",
    at: "2026-02-20T15:00:00Z",
  });
  await announce({
    org: A,
    patient: pt(22),
    kind: "ed-discharge",
    visit: "V22",
    at: "2026-03-12T15:00:00Z",
  });
  await announce({
    org: A,
    patient: pt(24),
    kind: "ed-discharge",
    visit: "V24",
    at: "2026-03-06T15:00:00Z",
  });
  // P25 is not enrolled (attributed only): five ED visits in 12 months at two facilities.
  for (const [visit, at, facility] of [
    ["V25-1", "2026-03-05T15:00:00Z", "MERCYGEN"],
    ["V25-2", "2026-01-05T15:00:00Z", "STLUKE"],
    ["V25-3", "2025-12-05T15:00:00Z", "MERCYGEN"],
    ["V25-4", "2025-09-05T15:00:00Z", "MERCYGEN"],
    ["V25-5", "2025-04-05T15:00:00Z", "MERCYGEN"],
  ] as const)
    await announce({ org: A, patient: pt(25), kind: "ed-discharge", visit, at, facility });

  // Admissions and discharges routed to A.
  await announce({
    org: A,
    patient: pt(5),
    kind: "inpatient-admit",
    visit: "V5",
    at: "2026-03-02T15:00:00Z",
    program: cc,
  });
  await announce({
    org: A,
    patient: pt(5),
    kind: "discharge",
    visit: "V5",
    at: "2026-03-06T15:00:00Z",
    program: cc,
  });
  ids.e6 = await announce({
    org: A,
    patient: pt(5),
    kind: "inpatient-admit",
    visit: "V6",
    at: "2026-03-20T15:00:00Z",
    facility: "STLUKE",
    program: cc,
  });
  await announce({
    org: A,
    patient: pt(5),
    kind: "discharge",
    visit: "V6",
    at: "2026-03-25T15:00:00Z",
    facility: "STLUKE",
    program: cc,
  });
  await announce({
    org: A,
    patient: pt(6),
    kind: "inpatient-admit",
    visit: "V7",
    at: "2026-03-01T15:00:00Z",
  });
  await announce({
    org: A,
    patient: pt(6),
    kind: "discharge",
    visit: "V7",
    at: "2026-03-04T15:00:00Z",
    disposition: "20",
  });
  // P7: A heard only of the discharge (12 March), which says the stay began 25 February.
  await announce({
    org: A,
    patient: pt(7),
    kind: "discharge",
    visit: "V8",
    at: "2026-03-12T15:00:00Z",
    admittedAt: "2026-02-25T15:00:00Z",
  });
  await announce({
    org: A,
    patient: pt(8),
    kind: "inpatient-admit",
    visit: "V12",
    at: "2026-02-26T15:00:00Z",
  });
  await announce({
    org: A,
    patient: pt(8),
    kind: "discharge",
    visit: "V12",
    at: "2026-03-02T15:00:00Z",
  });
  await announce({
    org: A,
    patient: pt(8),
    kind: "inpatient-admit",
    visit: "V13",
    at: "2026-04-02T14:00:00Z",
  });
  await announce({
    org: A,
    patient: pt(9),
    kind: "inpatient-admit",
    visit: "V10",
    at: "2026-02-27T15:00:00Z",
  });
  await announce({
    org: A,
    patient: pt(9),
    kind: "discharge",
    visit: "V10",
    at: "2026-03-03T15:00:00Z",
  });
  await announce({
    org: A,
    patient: pt(9),
    kind: "inpatient-admit",
    visit: "V11",
    at: "2026-04-02T13:00:00Z",
  });

  // Routed to B only: P7's readmission, P1's ED visit, and B's own patient's ED visits and alerts.
  const B = ids.b;
  await announce({
    org: B,
    patient: pt(7),
    kind: "inpatient-admit",
    visit: "VB-7",
    at: "2026-03-20T15:00:00Z",
  });
  await announce({
    org: B,
    patient: pt(1),
    kind: "ed-discharge",
    visit: "VB-1",
    at: "2026-03-21T15:00:00Z",
  });
  for (let i = 1; i <= 6; i += 1) {
    const at = `2026-0${i <= 3 ? 3 : 2}-1${i}T15:00:00Z`;
    const match = await announce({ org: B, patient: ids.pB, kind: "ed-arrival", visit: `VB-P${i}`, at });
    await alert(match, B, ids.ben, at, 7200);
  }

  // Alerts to A: Mercy General 1, 5 and 25 minutes to the first delivered alert (E1 had two: the
  // one sent after 60 s counts, not the one after 120 s), an event whose only alert was held for a digest, one whose alert was skipped
  // (taken back) and a reminder; St. Luke's 10 minutes.
  await alert(ids.e1, A, ids.ana, "2026-03-03T14:00:00Z", 120);
  await alert(ids.e1, A, ids.ana, "2026-03-03T14:00:00Z", 60);
  await alert(ids.e1, A, ids.ana, "2026-03-03T14:00:00Z", 5, "sent", "reminder");
  await alert(ids.e2, A, ids.ana, "2026-03-10T13:00:00Z", 300);
  await alert(ids.e3, A, ids.ana, "2026-04-01T03:30:00Z", 1500);
  const held = await announce({
    org: A,
    patient: pt(21),
    kind: "ed-arrival",
    visit: "V-H",
    at: "2026-03-15T15:00:00Z",
  });
  await alert(held, A, ids.ana, "2026-03-15T15:00:00Z", 0, "held");
  await alert(ids.e4, A, ids.ana, "2026-03-11T13:00:00Z", 0, "skipped");
  await alert(ids.e6, A, ids.ana, "2026-03-20T15:00:00Z", 600);

  // Care-manager activity on A's tasks (weeks of Monday 2 and Monday 9 March).
  /** A task_history row; `givenAt`: the time the care manager gave for an attempt entered late. */
  const history = (
    task: string,
    at: string,
    actor: string,
    action: string,
    outcome?: string,
    givenAt?: string,
  ) =>
    pool.query("INSERT INTO task_history (task_id, at, actor, action, detail) VALUES ($1, $2, $3, $4, $5)", [
      task,
      at,
      actor,
      action,
      JSON.stringify({
        ...(outcome === undefined ? {} : { method: "phone", outcome }),
        ...(givenAt === undefined ? {} : { at: givenAt }),
      }),
    ]);
  const ana = `user:${ids.anaUser}`;
  const adm = `user:${ids.adminUser}`;
  const task = (patient: string, program = cc) =>
    f.task({
      organizationId: A,
      patientId: patient,
      triggeredAt: "2026-03-01T15:00:00Z",
      assignee: ids.ana,
      program,
    });
  const done = (id: string, at: string, outcome: string, by: string, contactedAt: string | null = null) =>
    pool.query(
      `UPDATE tasks SET status = 'completed', completed_at = $2, outcome = $3, completed_by = $4, contacted_at = $5
        WHERE id = $1`,
      [id, at, outcome, by, contactedAt],
    );
  // T1: two attempts by Ana (the second reached the patient), completed by Ana.
  const t1 = await task(pt(1));
  await history(t1, "2026-03-02T14:00:00Z", ana, "attempt", "left_message");
  await history(t1, "2026-03-03T14:00:00Z", ana, "attempt", "reached_patient");
  await history(t1, "2026-03-04T14:00:00Z", ana, "completed", "reached_patient");
  await done(t1, "2026-03-04T14:00:00Z", "reached_patient", ana, "2026-03-03T14:00:00Z");
  // T2: completed reached_patient by Ana before contact times existed (no contacted_at).
  const t2 = await task(pt(2));
  await history(t2, "2026-03-05T14:00:00Z", ana, "completed", "reached_patient");
  await done(t2, "2026-03-05T14:00:00Z", "reached_patient", ana);
  // T3: the practice admin tried once and closed it unable to reach.
  const t3 = await task(pt(3));
  await history(t3, "2026-03-09T14:00:00Z", adm, "attempt", "unable_to_reach");
  await done(t3, "2026-03-10T14:00:00Z", "unable_to_reach", adm);
  // T4: Ana reached the patient at 23:30 EDT on Sunday 8 March; the task is still in progress.
  const t4 = await task(pt(4));
  await history(t4, "2026-03-09T03:30:00Z", ana, "attempt", "reached_patient");
  await pool.query("UPDATE tasks SET status = 'in_progress', contacted_at = $2 WHERE id = $1", [
    t4,
    "2026-03-09T03:30:00Z",
  ]);
  // T5: Ana reached the patient on 6 March and entered it on 10 March; the admin completed it that day.
  const t5 = await task(pt(5));
  await history(t5, "2026-03-10T13:00:00Z", ana, "attempt", "reached_patient", "2026-03-06T14:00:00Z");
  await history(t5, "2026-03-10T14:00:00Z", adm, "completed", "reached_patient");
  await done(t5, "2026-03-10T14:00:00Z", "reached_patient", adm, "2026-03-06T14:00:00Z");
  // Not counted with the program filter: another program's task; outside the period: January.
  const t6 = await task(pt(24), "diabetes");
  await history(t6, "2026-03-03T14:00:00Z", ana, "attempt", "left_message");
  const t7 = await task(pt(6));
  await history(t7, "2026-01-30T14:00:00Z", ana, "attempt", "left_message");
  // B's care manager's work on B's task.
  const tb = await f.task({
    organizationId: B,
    patientId: ids.pB,
    triggeredAt: "2026-03-01T15:00:00Z",
    assignee: ids.ben,
  });
  await history(tb, "2026-03-03T14:00:00Z", `user:${ids.benUser}`, "attempt", "reached_patient");
  await done(tb, "2026-03-03T15:00:00Z", "reached_patient", `user:${ids.benUser}`, "2026-03-03T14:00:00Z");

  app = await reportTestApp(pool, { now: () => NOW });
}, 120_000);

afterAll(async () => {
  await app?.close();
  await pool?.end();
});

const monthOf = (rows: UtilizationRow[], month: string | null) =>
  rows.find((r) => r.month === month && r.organizationId === ids.a);

describe("GET /api/reports/program", () => {
  it("counts enrolled member-months, ED visits and admissions per 1,000, and the 30-day readmission rate", async () => {
    const { status, body } = await get<ProgramReport>(
      qualityOf(ids.a),
      `program?${PERIOD}&program=complex-care`,
    );
    expect(status).toBe(200);
    expect(body.programs).toEqual(["complex-care", "diabetes"]);
    expect(body.rows.map((r) => [r.level, r.month])).toEqual([
      ["month", "2026-02"],
      ["month", "2026-03"],
      ["period", null],
    ]);
    // February: P1–P10 enrolled 15–28 Feb = 10 × 14 = 140 patient-days; 140 / 28 = 5.0 member-months.
    // ED: P1 on 20 Feb (P11's visit that day was before P11's enrollment) → 1 × 1000 / 5 = 200.0.
    // Admissions: P7 (25 Feb, from its discharge's PV1-44), P8 (26 Feb), P9 (27 Feb) → 3 × 1000 / 5 = 600.0.
    expect(monthOf(body.rows, "2026-02")).toEqual({
      level: "month",
      organizationId: ids.a,
      organizationName: "Springvale Family Medicine",
      month: "2026-02",
      firstDay: "2026-02-01",
      lastDay: "2026-02-28",
      daysCovered: 28,
      enrolledAverage: 5,
      enrolledAtEnd: 10,
      memberMonths: 5,
      edVisits: 1,
      edVisitsPer1000: 200,
      admissions: 3,
      admissionsPer1000: 600,
      indexDischarges: 0,
      readmissions: 0,
      readmissionRate: null,
      pendingDischarges: 0,
    });
    // March: 20 patients all month (P17–P18 monitor, P19 the plan's, P20 on both lists once) = 20 member-months.
    // ED: P1 (3 Mar, two events one visit), P2 (10 Mar, then admitted), P3 (23:30 EDT 31 Mar) = 3 → 150.0.
    //   Not: P4 (taken back), P22 (enrollment ended), P24 (other program), P25 (not enrolled).
    // Admissions: P2 (10 Mar), P5 (2 Mar and 20 Mar), P6 (1 Mar) = 4 → 200.0.
    // Index discharges with the window over: P5 6 Mar (readmitted 20 Mar, 14 days), P7 12 Mar (its
    //   readmission was routed to B only), P8 2 Mar (readmitted 2 Apr: 31 days, too late), P9 3 Mar
    //   (readmitted 2 Apr: day 30, counts) → 2 of 4 = 50%. P6 died (disposition 20): not an index stay.
    //   P5's 25 March discharge: its window runs to 24 April, pending.
    expect(monthOf(body.rows, "2026-03")).toMatchObject({
      daysCovered: 31,
      enrolledAverage: 20,
      enrolledAtEnd: 20,
      memberMonths: 20,
      edVisits: 3,
      edVisitsPer1000: 150,
      admissions: 4,
      admissionsPer1000: 200,
      indexDischarges: 4,
      readmissions: 2,
      readmissionRate: 0.5,
      pendingDischarges: 1,
    });
    // The period: 140 + 620 = 760 patient-days over 59 days = 12.9 on average; 5 + 20 = 25 member-months;
    // ED 4 → 4 × 1000 / 25 = 160.0; admissions 7 → 280.0; 2 of 4 readmitted.
    expect(monthOf(body.rows, null)).toMatchObject({
      firstDay: "2026-02-01",
      lastDay: "2026-03-31",
      daysCovered: 59,
      enrolledAverage: 12.9,
      enrolledAtEnd: 20,
      memberMonths: 25,
      edVisits: 4,
      edVisitsPer1000: 160,
      admissions: 7,
      admissionsPer1000: 280,
      indexDischarges: 4,
      readmissions: 2,
      readmissionRate: 0.5,
      pendingDischarges: 1,
    });
  });

  it("weighs a part month by its days, stops at today, and counts every program without the filter", async () => {
    // 16–31 March: 20 × 16 = 320 patient-days = 320 / 31 = 10.32 member-months; one ED visit (P3 on
    // the 31st) → 1000 / (320 / 31) = 96.875 → 96.9.
    const half = await get<ProgramReport>(
      qualityOf(ids.a),
      "program?from=2026-03-16&to=2026-03-31&program=complex-care",
    );
    expect(monthOf(half.body.rows, "2026-03")).toMatchObject({
      daysCovered: 16,
      enrolledAverage: 20,
      memberMonths: 10.32,
      edVisits: 1,
      edVisitsPer1000: 96.9,
    });
    // April up to today (the 20th): 20 × 20 = 400 patient-days = 13.33 member-months; admissions P8
    // and P9 on 2 April → 2 × 1000 / 13.33 = 150.0.
    const april = await get<ProgramReport>(
      qualityOf(ids.a),
      "program?from=2026-04-01&to=2026-04-30&program=complex-care",
    );
    expect(april.body.rows.map((r) => r.month)).toEqual(["2026-04", null]);
    expect(monthOf(april.body.rows, "2026-04")).toMatchObject({
      lastDay: "2026-04-20",
      daysCovered: 20,
      memberMonths: 13.33,
      admissions: 2,
      admissionsPer1000: 150,
    });
    // Without the program: P24 (diabetes, all March) makes 21 member-months and 4 ED visits.
    const all = await get<ProgramReport>(qualityOf(ids.a), `program?${PERIOD}`);
    expect(monthOf(all.body.rows, "2026-03")).toMatchObject({
      memberMonths: 21,
      edVisits: 4,
      edVisitsPer1000: 190.5,
    });
  });

  it("exports the same rows as CSV", async () => {
    const json = await get<ProgramReport>(qualityOf(ids.a), `program?${PERIOD}&program=complex-care`);
    const res = await app.inject({
      method: "GET",
      url: `/api/reports/program?${PERIOD}&program=complex-care&format=csv`,
      headers: principalHeader(qualityOf(ids.a)),
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toMatch(/^text\/csv/);
    expect(res.headers["content-disposition"]).toBe(
      'attachment; filename="program_2026-02-01_2026-03-31_complex-care.csv"',
    );
    expectCsvEqualsJson(res.body, json.body.rows);
  });
});

describe("GET /api/reports/program/frequent-ed", () => {
  it("lists patients with 4 or more ED visits in the 12 months ending on `to`, by name, and audits each", async () => {
    const { status, body } = await get<FrequentEdReport>(qualityOf(ids.a), `program/frequent-ed?${PERIOD}`);
    expect(status).toBe(200);
    // P25: 5 visits (April 2025 to March 2026) at two facilities, not enrolled. P1: 20 Feb, 3 Mar, June
    // and November 2025 = 4 (the visit of 15 March 2025 is outside the window; its visit routed to B
    // is not A's). P3 has 3. B's patient has 6 visits, all B's.
    expect(body).toMatchObject({
      minEdVisits: 4,
      windowFrom: "2025-04-01",
      windowTo: "2026-03-31",
      count: 2,
    });
    expect(body.patients).toEqual([
      {
        organizationId: ids.a,
        organizationName: "Springvale Family Medicine",
        patientId: pt(25),
        patientName: "PATIENT-25, TEST",
        edVisits: 5,
        facilities: 2,
        lastEdVisitAt: "2026-03-05T15:00:00.000Z",
        lastFacility: "Mercy General",
        lastFacilityTimeZone: "America/New_York",
        flaggedByMatcher: false,
        program: null,
        tier: null,
      },
      expect.objectContaining({
        patientId: pt(1),
        patientName: "PATIENT-01, TEST",
        edVisits: 4,
        facilities: 2,
        lastEdVisitAt: "2026-03-03T14:00:00.000Z",
        flaggedByMatcher: true,
        program: "complex-care",
        tier: "II",
      }),
    ]);
    const audit = await pool.query<{ subject_id: string; organization_id: string; actor: string }>(
      `SELECT subject_id, organization_id::text, actor FROM audit_log WHERE action = 'report.frequent-ed'
        ORDER BY subject_id::bigint`,
    );
    expect(audit.rows).toEqual(
      [pt(1), pt(25)].map((p) => ({ subject_id: p, organization_id: ids.a, actor: `user:q-${ids.a}` })),
    );
    // The program filter keeps enrolled patients only; a threshold of 5 keeps P25 only.
    const enrolled = await get<FrequentEdReport>(
      qualityOf(ids.a),
      `program/frequent-ed?${PERIOD}&program=complex-care`,
    );
    expect(enrolled.body.patients.map((p) => p.patientId)).toEqual([pt(1)]);
    const five = await get<FrequentEdReport>(qualityOf(ids.a), `program/frequent-ed?${PERIOD}&minEdVisits=5`);
    expect(five.body.patients.map((p) => p.patientId)).toEqual([pt(25)]);
  });

  it("exports the same patients as CSV, audited too", async () => {
    await pool.query("DELETE FROM audit_log WHERE action = 'report.frequent-ed'");
    const json = await get<FrequentEdReport>(qualityOf(ids.a), `program/frequent-ed?${PERIOD}`);
    const res = await app.inject({
      method: "GET",
      url: `/api/reports/program/frequent-ed?${PERIOD}&format=csv`,
      headers: principalHeader(qualityOf(ids.a)),
    });
    expect(res.headers["content-disposition"]).toBe(
      'attachment; filename="frequent-ed_2025-04-01_2026-03-31_min4.csv"',
    );
    expectCsvEqualsJson(res.body, json.body.patients);
    expect(res.body).toContain('"PATIENT-25, TEST"');
    const audit = await pool.query(
      "SELECT count(*)::int AS n FROM audit_log WHERE action = 'report.frequent-ed'",
    );
    expect(audit.rows[0]?.n).toBe(4);
  });
});

describe("GET /api/reports/program/care-manager-activity", () => {
  it("counts attempts, contacts and completed tasks per care manager per week, credited to who recorded them", async () => {
    const { status, body } = await get<ActivityReport>(
      qualityOf(ids.a),
      `program/care-manager-activity?${PERIOD}&program=complex-care`,
    );
    expect(status).toBe(200);
    // Week of 2 March, Ana: attempts T1 ×2, T4 (Sunday 8th, 23:30 EDT), T5 (entered on the 10th for
    // the 6th) = 4; contacts T1 (3rd), T2 (completed reached, no contact time: 5th), T4 (8th), T5
    // (6th, though the admin completed it) = 4; completed T1, T2 = 2. Week of 9 March, the admin (no recipient: named by e-mail): attempt
    // T3; completed T3 and T5. The diabetes task, January's attempt and B's work are not here.
    expect(body.rows).toEqual([
      {
        organizationId: ids.a,
        organizationName: "Springvale Family Medicine",
        weekStart: "2026-03-02",
        careManagerKey: `recipient:${ids.ana}`,
        careManager: "Ana Ruiz",
        attempts: 4,
        contacts: 4,
        completedTasks: 2,
      },
      {
        organizationId: ids.a,
        organizationName: "Springvale Family Medicine",
        weekStart: "2026-03-09",
        careManagerKey: `user:${ids.adminUser}`,
        careManager: "admin@sfm.example",
        attempts: 1,
        contacts: 0,
        completedTasks: 2,
      },
    ]);
    // Every program: the diabetes task's attempt joins Ana's week.
    const all = await get<ActivityReport>(qualityOf(ids.a), `program/care-manager-activity?${PERIOD}`);
    expect(all.body.rows[0]).toMatchObject({ careManager: "Ana Ruiz", attempts: 5 });
    const res = await app.inject({
      method: "GET",
      url: `/api/reports/program/care-manager-activity?${PERIOD}&program=complex-care&format=csv`,
      headers: principalHeader(qualityOf(ids.a)),
    });
    expectCsvEqualsJson(res.body, body.rows);
  });
});

describe("GET /api/reports/program/alert-timeliness", () => {
  it("times event → first alert delivered per facility: count, median, p90, within the target", async () => {
    const { status, body } = await get<FacilityTimelinessReport>(
      qualityOf(ids.a),
      `program/alert-timeliness?${PERIOD}`,
    );
    expect(status).toBe(200);
    // Mercy General: 1 (the alert sent at 60 s, not the one at 120 s), 5 and 25 minutes, and an event
    // whose alert was held for a digest (planned, not delivered). Median 5; p90 = 5 + 0.8 × (25 − 5)
    // = 21; 2 of 3 within 15 minutes. The skipped alert of a taken-back event and the reminder are
    // not alerts. St. Luke's: one event, 10 minutes.
    expect(body.rows).toEqual([
      {
        organizationId: ids.a,
        organizationName: "Springvale Family Medicine",
        facility: "MERCYGEN",
        facilityName: "Mercy General",
        events: 4,
        alerted: 3,
        medianMinutes: 5,
        p90Minutes: 21,
        withinTarget: 2,
        withinTargetRate: 0.6667,
      },
      {
        organizationId: ids.a,
        organizationName: "Springvale Family Medicine",
        facility: "STLUKE",
        facilityName: "St. Luke's",
        events: 1,
        alerted: 1,
        medianMinutes: 10,
        p90Minutes: 10,
        withinTarget: 1,
        withinTargetRate: 1,
      },
    ]);
    const res = await app.inject({
      method: "GET",
      url: `/api/reports/program/alert-timeliness?${PERIOD}&format=csv`,
      headers: principalHeader(qualityOf(ids.a)),
    });
    expectCsvEqualsJson(res.body, body.rows);
  });
});

describe("who reads the program reports", () => {
  const routes = [
    "program",
    "program/frequent-ed",
    "program/care-manager-activity",
    "program/alert-timeliness",
  ];

  it("A's quality staff get nothing of B: B's id is refused, and without one only A's rows come back", async () => {
    for (const route of routes) {
      const refused = await get(qualityOf(ids.a), `${route}?${PERIOD}&organizationId=${ids.b}`);
      expect({ route, status: refused.status }).toEqual({ route, status: 403 });
      for (const format of ["json", "csv"]) {
        const mine = await app.inject({
          method: "GET",
          url: `/api/reports/${route}?${PERIOD}&format=${format}`,
          headers: principalHeader(qualityOf(ids.a)),
        });
        expect(mine.statusCode).toBe(200);
        const text = mine.body;
        for (const marker of ["Lakeside", "Ben Cole", "ben@lks", "VANTERPOOL", "Keystone"])
          expect({ route, format, leaked: text.includes(marker) }).toEqual({ route, format, leaked: false });
        if (format === "json") {
          const body = mine.json<{
            rows?: { organizationId: string }[];
            patients?: { organizationId: string; patientId: string }[];
          }>();
          const lines = [...(body.rows ?? []), ...(body.patients ?? [])];
          expect(lines.length).toBeGreaterThan(0);
          expect(new Set(lines.map((l) => l.organizationId))).toEqual(new Set([ids.a]));
          expect((body.patients ?? []).map((p) => p.patientId)).not.toContain(ids.pB);
        }
      }
    }
  });

  it("a system admin sees each organization on its own lines; a care manager is refused", async () => {
    const all = await get<ProgramReport>(admin, `program?${PERIOD}`);
    expect(new Set(all.body.rows.map((r) => r.organizationName))).toEqual(
      new Set(["Springvale Family Medicine", "Lakeside Clinic", "Keystone Health Plan"]),
    );
    const b = all.body.rows.find((r) => r.organizationId === ids.b && r.month === "2026-03");
    // B: its one patient all March; six ED visits from 11 Feb to 13 Mar, three of them in March.
    expect(b).toMatchObject({ memberMonths: 1, edVisits: 3, edVisitsPer1000: 3000 });
    const cm: Principal = { subject: "cm", role: "care_manager", organizationIds: [ids.a] };
    for (const route of routes) expect((await get(cm, `${route}?${PERIOD}`)).status).toBe(403);
  });
});
