import { createPool, migrate, type Pool } from "@homeward/db";
import { isolation } from "@homeward/testing";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Principal } from "../auth/principal.ts";
import type { ContactTimesReport } from "./contact-times-schemas.ts";
import { getReport, principalHeader, reportFixtures, reportTestApp } from "./report-fixtures.test-support.ts";

/**
 * Alert → first contact attempt and alert → contact over the ED follow-up measure's tasks, every
 * number worked out by hand below. Times are UTC; every task is triggered in March 2024.
 */
let pool: Pool;
let app: FastifyInstance;
const ids = { a: "", b: "", casey: "", robin: "", lee: "" };

const admin: Principal = { subject: "root", role: "system_admin", organizationIds: [] };
const qualityA = (): Principal => ({ subject: "q", role: "quality", organizationIds: [ids.a] });
const PERIOD = "from=2024-03-01&to=2024-03-31&population=all";

const get = (principal: Principal, query: string) =>
  getReport<ContactTimesReport>(app, principal, "/api/reports/contact-times", query);

beforeAll(async () => {
  const iso = isolation("reports-ct");
  await migrate(iso.settings.postgres);
  pool = createPool(iso.settings.postgres);
  const f = reportFixtures(pool);
  ids.a = await f.organization("SFM", "Springvale Family Medicine");
  ids.b = await f.organization("LKS", "Lakeside Clinic", "America/Chicago");
  ids.casey = await f.careManager(ids.a, "Casey Morgan");
  ids.robin = await f.careManager(ids.a, "Robin Lee");
  ids.lee = await f.careManager(ids.b, "Lee Park");
  // TESTPATIENT ONE is Priority I on practice A's list (high-risk by the default definition); TWO is on no list.
  const patient = await f.patient("TESTPATIENT", "ONE");
  const unlisted = await f.patient("TESTPATIENT", "TWO");
  await f.enrollment({
    patientId: patient,
    listedBy: ids.a,
    practiceOrgId: ids.a,
    source: "sfm",
    status: "active",
    tier: "I",
  });

  /** A task, then what its care manager recorded (columns written by the task API in real life). */
  const task = async (t: {
    org?: string;
    assignee?: string;
    triggeredAt: string;
    stepId?: string;
    protocolId?: string;
    firstAttemptAt?: string;
    contactedAt?: string;
    completed?: { at: string; outcome: string };
    cancelled?: boolean;
    openedAt?: string;
    patientId?: string;
  }) => {
    const id = await f.task({
      organizationId: t.org ?? ids.a,
      patientId: t.patientId ?? patient,
      triggeredAt: t.triggeredAt,
      ...(t.assignee === undefined ? {} : { assignee: t.assignee }),
      ...(t.protocolId === undefined ? {} : { protocolId: t.protocolId }),
      ...(t.stepId === undefined ? {} : { stepId: t.stepId }),
      ...(t.completed === undefined ? {} : { completed: t.completed }),
      ...(t.cancelled === undefined ? {} : { cancelled: t.cancelled }),
    });
    await pool.query(
      `UPDATE tasks SET first_attempt_at = $2, contacted_at = $3, opened_at = coalesce($4, triggered_at + interval '1 minute')
        WHERE id = $1`,
      [id, t.firstAttemptAt ?? null, t.contactedAt ?? null, t.openedAt ?? null],
    );
    return id;
  };
  let n = 0;
  /** A delivery about the task's event (the fixture's match id is `event-<task id>`). */
  const delivery = async (
    taskId: string,
    d: { sentAt: string | null; status?: string; purpose?: string; org?: string; recipient?: string },
  ) => {
    n += 1;
    await pool.query(
      `INSERT INTO deliveries (id, purpose, channel, recipient_id, organization_id, match_id, content, status, sent_at)
       VALUES ($1, $2, 'email', $3, $4, $5, '{}', $6, $7)`,
      [
        `d-${n}`,
        d.purpose ?? "alert",
        d.recipient ?? ids.casey,
        d.org ?? ids.a,
        `event-${taskId}`,
        d.status ?? "sent",
        d.sentAt,
      ],
    );
  };

  // T1 (Casey): alert 14:10 (the first one sent to the practice; a failed alert, a reminder and a
  // later alert to Robin do not start the clock); first attempt +2 h, reached +24 h.
  const t1 = await task({
    assignee: ids.casey,
    triggeredAt: "2024-03-04T14:00:00Z",
    firstAttemptAt: "2024-03-04T16:10:00Z",
    contactedAt: "2024-03-05T14:10:00Z",
    completed: { at: "2024-03-06T20:00:00Z", outcome: "reached_patient" },
  });
  await delivery(t1, { sentAt: null, status: "failed" });
  await delivery(t1, { sentAt: "2024-03-04T14:05:00Z", purpose: "reminder" });
  await delivery(t1, { sentAt: "2024-03-04T14:10:00Z" });
  await delivery(t1, { sentAt: "2024-03-04T14:30:00Z", recipient: ids.robin });
  // T2 (Casey): alert at 15:00; first attempt +4 h; completed as reached before contact times were
  // kept: the contact is its completion, +36 h.
  const t2 = await task({
    assignee: ids.casey,
    triggeredAt: "2024-03-05T14:55:00Z",
    firstAttemptAt: "2024-03-05T19:00:00Z",
    completed: { at: "2024-03-07T03:00:00Z", outcome: "reached_patient" },
  });
  await delivery(t2, { sentAt: "2024-03-05T15:00:00Z" });
  // T3 (Robin): no alert went out (held for a digest): the clock starts when the task was opened,
  // 12:30; first attempt +1 h; closed unreached.
  const t3 = await task({
    assignee: ids.robin,
    triggeredAt: "2024-03-06T12:00:00Z",
    firstAttemptAt: "2024-03-06T13:30:00Z",
    completed: { at: "2024-03-06T14:00:00Z", outcome: "left_message" },
    openedAt: "2024-03-06T12:30:00Z",
  });
  await delivery(t3, { sentAt: null, status: "held" });
  // T4 (Robin): alerted, nothing attempted yet.
  const t4 = await task({ assignee: ids.robin, triggeredAt: "2024-03-07T12:00:00Z" });
  await delivery(t4, { sentAt: "2024-03-07T12:05:00Z" });
  // T5 (unassigned): reached +8 h with no attempt on record: that contact was the first attempt.
  const t5 = await task({
    patientId: unlisted,
    triggeredAt: "2024-03-08T10:00:00Z",
    contactedAt: "2024-03-08T18:00:00Z",
    completed: { at: "2024-03-08T18:05:00Z", outcome: "reached_patient" },
  });
  await delivery(t5, { sentAt: "2024-03-08T10:00:00Z" });
  // T9 (Casey): the care manager reached the patient in the ED before the alert went out: −0.5 h.
  const t9 = await task({
    assignee: ids.casey,
    triggeredAt: "2024-03-09T10:00:00Z",
    contactedAt: "2024-03-09T10:30:00Z",
  });
  await delivery(t9, { sentAt: "2024-03-09T11:00:00Z" });
  // Not in the measure: cancelled (taken out of the measure), another protocol step, another period.
  const cancelled = await task({
    triggeredAt: "2024-03-10T10:00:00Z",
    contactedAt: "2024-03-10T11:00:00Z",
    cancelled: true,
  });
  await delivery(cancelled, { sentAt: "2024-03-10T10:00:00Z" });
  await task({
    triggeredAt: "2024-03-10T10:00:00Z",
    protocolId: "inpatient-discharge",
    stepId: "interactive-contact",
    contactedAt: "2024-03-10T11:00:00Z",
    openedAt: "2024-03-10T10:00:00Z",
  });
  await task({ triggeredAt: "2024-04-02T10:00:00Z", contactedAt: "2024-04-02T11:00:00Z" });
  // T7 (practice B): alert 18:00, first attempt +50 h, reached +100 h.
  const t7 = await task({
    org: ids.b,
    assignee: ids.lee,
    triggeredAt: "2024-03-04T18:00:00Z",
    firstAttemptAt: "2024-03-06T20:00:00Z",
    contactedAt: "2024-03-08T22:00:00Z",
  });
  await delivery(t7, { sentAt: "2024-03-04T18:00:00Z", org: ids.b, recipient: ids.lee });
  // Practice A's own alert about B's event does not exist; an alert of B's does not time A's tasks.
  await delivery(t1, { sentAt: "2024-03-04T14:01:00Z", org: ids.b, recipient: ids.lee });

  app = await reportTestApp(pool);
});

afterAll(async () => {
  await app?.close();
  await pool?.end();
});

describe("GET /api/reports/contact-times", () => {
  it("times practice A's tasks from the first alert sent, median and p90 worked out by hand", async () => {
    const { status, body } = await get(qualityA(), `${PERIOD}&groupBy=care_manager`);
    expect(status).toBe(200);
    // First attempts (h): T1 2, T2 4, T3 1, T5 8, T9 −0.5 → sorted −0.5, 1, 2, 4, 8: median 2;
    // p90 at rank 0.9 × 4 = 3.6: 4 + 0.6 × (8 − 4) = 6.4.
    // Contacts (h): T1 24, T2 36, T5 8, T9 −0.5 → sorted −0.5, 8, 24, 36: median (8 + 24) / 2 = 16;
    // p90 at rank 0.9 × 3 = 2.7: 24 + 0.7 × (36 − 24) = 32.4.
    expect(body.total).toEqual({
      tasks: 6,
      timedFromTaskOpening: 1,
      attempted: 5,
      medianHoursToFirstAttempt: 2,
      p90HoursToFirstAttempt: 6.4,
      contacted: 4,
      medianHoursToContact: 16,
      p90HoursToContact: 32.4,
    });
    // Casey (T1, T2, T9): attempts −0.5, 2, 4 → median 2, p90 at rank 1.8: 2 + 0.8 × 2 = 3.6;
    // contacts −0.5, 24, 36 → median 24, p90 24 + 0.8 × 12 = 33.6.
    // Robin (T3, T4): one attempt (1 h, timed from the task's opening), no contact.
    // Unassigned (T5): 8 and 8. "Unassigned" comes last.
    expect(body.rows).toEqual([
      {
        groupKey: ids.casey,
        group: "Casey Morgan",
        tasks: 3,
        timedFromTaskOpening: 0,
        attempted: 3,
        medianHoursToFirstAttempt: 2,
        p90HoursToFirstAttempt: 3.6,
        contacted: 3,
        medianHoursToContact: 24,
        p90HoursToContact: 33.6,
      },
      {
        groupKey: ids.robin,
        group: "Robin Lee",
        tasks: 2,
        timedFromTaskOpening: 1,
        attempted: 1,
        medianHoursToFirstAttempt: 1,
        p90HoursToFirstAttempt: 1,
        contacted: 0,
        medianHoursToContact: null,
        p90HoursToContact: null,
      },
      {
        groupKey: null,
        group: "Unassigned",
        tasks: 1,
        timedFromTaskOpening: 0,
        attempted: 1,
        medianHoursToFirstAttempt: 8,
        p90HoursToFirstAttempt: 8,
        contacted: 1,
        medianHoursToContact: 8,
        p90HoursToContact: 8,
      },
    ]);
  });

  it("opens the ED measure at high-risk patients, as the follow-up report does", async () => {
    // Without T5 (TESTPATIENT TWO is on no list): attempts −0.5, 1, 2, 4 → median 1.5, p90 at rank
    // 2.7: 2 + 0.7 × 2 = 3.4; contacts −0.5, 24, 36 → median 24, p90 24 + 0.8 × 12 = 33.6.
    const { status, body } = await get(qualityA(), "from=2024-03-01&to=2024-03-31");
    expect(status).toBe(200);
    expect(body.population).toBe("high-risk");
    expect(body.total).toEqual({
      tasks: 5,
      timedFromTaskOpening: 1,
      attempted: 4,
      medianHoursToFirstAttempt: 1.5,
      p90HoursToFirstAttempt: 3.4,
      contacted: 3,
      medianHoursToContact: 24,
      p90HoursToContact: 33.6,
    });
  });

  it("reads only the caller's organizations; a system admin sees each practice", async () => {
    const other = await get(qualityA(), `${PERIOD}&organizationId=${ids.b}`);
    expect(other.status).toBe(403);
    const all = await get(admin, PERIOD);
    expect(
      all.body.rows.map((r) => [r.group, r.tasks, r.medianHoursToFirstAttempt, r.medianHoursToContact]),
    ).toEqual([
      ["Lakeside Clinic", 1, 50, 100],
      ["Springvale Family Medicine", 6, 2, 16],
    ]);
    const onlyB = await get(admin, `${PERIOD}&organizationId=${ids.b}`);
    expect(onlyB.body.total).toMatchObject({ tasks: 1, attempted: 1, contacted: 1, p90HoursToContact: 100 });
    // Another measure has its own tasks: the one discharge contact, reached 1 h after its task opened
    // (no alert was sent for it).
    expect((await get(admin, `${PERIOD}&measure=discharge-contact`)).body.total).toMatchObject({
      tasks: 1,
      contacted: 1,
      medianHoursToContact: 1,
      timedFromTaskOpening: 1,
    });
  });

  it("exports the same numbers as CSV, with the total last", async () => {
    const res = await app.inject({
      url: `/api/reports/contact-times?${PERIOD}&groupBy=practice&format=csv`,
      headers: principalHeader(qualityA()),
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toMatch(/^text\/csv/);
    expect(res.headers["content-disposition"]).toBe(
      'attachment; filename="contact-times_ed-follow-up_all_2024-03-01_2024-03-31_by-practice.csv"',
    );
    expect(res.body.split("\r\n")).toEqual([
      "level,group_key,group,population,tasks,timed_from_task_opening,attempted,median_hours_to_first_attempt,p90_hours_to_first_attempt,contacted,median_hours_to_contact,p90_hours_to_contact",
      `group,${ids.a},Springvale Family Medicine,all,6,1,5,2,6.4,4,16,32.4`,
      "total,,Total,all,6,1,5,2,6.4,4,16,32.4",
      "",
    ]);
  });

  it("refuses a care manager and a bad period", async () => {
    const cm: Principal = { subject: "c", role: "care_manager", organizationIds: [ids.a] };
    expect((await get(cm, PERIOD)).status).toBe(403);
    expect((await get(qualityA(), "from=2024-03-31&to=2024-03-01")).status).toBe(400);
  });
});
