import { decodeJwt } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiTest, NOW, startTestApi } from "./api.test-support.ts";
import type { TaskDetail, TaskSummary } from "./tasks/task-schemas.ts";

/**
 * When the patient was reached, entered by the care team: completion, attempts, corrections, their
 * limits and audit, and the ED follow-up measure counting that time instead of the click on
 * Complete. The api's clock is NOW, Tuesday 2026-03-10 15:00Z (11:00 EDT; DST began Sunday the 8th).
 * The test api allows contact times 45 days back (CONTACT_TIME_MAX_AGE_DAYS), not the default 30.
 */
let t: ApiTest;
beforeAll(async () => {
  t = await startTestApi("contact-time", { CONTACT_TIME_MAX_AGE_DAYS: "45" });
});
afterAll(async () => t?.close());

let seq = 0;
/** An ED follow-up call task of practice A (the measure's protocol step), opened by an event at `triggeredAt`. */
async function edTask(triggeredAt: string): Promise<string> {
  seq += 1;
  const id = `ct-${seq}`;
  await t.pool.query(
    `INSERT INTO tasks (id, organization_id, patient_id, facility, visit_number, protocol_id, step_id, task_type, title,
            program, risk_tier, assignee_recipient_id, trigger_event_id, trigger_match_id, triggered_at, due_at, alert_content)
     VALUES ($1, $2, $3, 'MERCYGEN', $4, 'ed-follow-up', 'follow-up-call', 'follow-up-call', 'Follow-up call after ED visit',
            'complex-care', 'I', $5, $6, $6, $7, $7::timestamptz + interval '2 days', '{}')`,
    [id, t.ids.practiceA, t.ids.pA2, `V-${id}`, t.ids.cmA, `evt-${id}`, triggeredAt],
  );
  return id;
}

const post = (path: string, payload: object, as: "cmA" | "cmB" | "adminA" = "cmA") =>
  t.call(as, { method: "POST", url: path, payload });
const patch = (path: string, payload: object, as: "cmA" | "cmB" = "cmA") =>
  t.call(as, { method: "PATCH", url: path, payload });
const userOf = (key: "cmA") => `user:${decodeJwt(t.tokens[key]).sub}`;

/** The ED follow-up measure of practice A for one event day, x calendar days. */
async function edFollowUp(day: string, x: number) {
  const res = await t.call("qualityA", {
    url: `/api/reports/follow-up?measure=ed-follow-up&x=${x}&unit=calendar-days&from=${day}&to=${day}&organizationId=${t.ids.practiceA}`,
  });
  expect(res.statusCode).toBe(200);
  return res.json<{
    total: { denominator: number; numerator: number; medianHoursToContact: number | null };
  }>().total;
}

describe("a call on day 1 entered on day 3", () => {
  // Event Saturday 2026-03-07 14:00Z (09:00 EST). Within 2 calendar days: through Monday the 9th,
  // 23:59:59.999 EDT = 2026-03-10T03:59:59.999Z. NOW (Tuesday) is day 3.
  const saturday = "2026-03-07T14:00:00.000Z";
  const sundayCall = "2026-03-08T19:00:00.000Z"; // day 1, 15:00 EDT

  it("is a hit for 'within 2 days' (it was a miss when the click counted)", async () => {
    const late = await edTask(saturday);
    const enteredLate = await edTask(saturday);
    // A row completed before contact times existed: reached, completed_at only (the measure falls back to it).
    const legacy = await edTask(saturday);
    await t.pool.query(
      `UPDATE tasks SET status = 'completed', completed_at = '2026-03-08T16:00:00Z', outcome = 'reached_patient'
        WHERE id = $1`,
      [legacy],
    );
    // Before: a Complete clicked on day 3 without a contact time counts day 3.
    const plain = await post(`/api/tasks/${late}/complete`, { outcome: "reached_patient" });
    expect(plain.statusCode).toBe(200);
    expect(plain.json<TaskSummary>()).toMatchObject({
      contactedAt: NOW.toISOString(),
      contactMethod: null,
      completedAt: NOW.toISOString(),
    });
    // Of 3 tasks only the legacy row (reached on day 1 by its completion) is in time.
    expect(await edFollowUp("2026-03-07", 2)).toMatchObject({ denominator: 3, numerator: 1 });

    const res = await post(`/api/tasks/${enteredLate}/complete`, {
      outcome: "reached_patient",
      contactedAt: "2026-03-08T15:00:00-04:00",
      contactMethod: "phone",
      note: "called Sunday afternoon",
    });
    expect(res.statusCode).toBe(200);
    expect(res.json<TaskSummary>()).toMatchObject({
      status: "completed",
      completedAt: NOW.toISOString(),
      contactedAt: sundayCall,
      contactMethod: "phone",
      firstAttemptAt: null,
    });
    // Now 2 of 3: the call on day 1 counts although it was entered on day 3. Hours to contact:
    // legacy 26 (Sat 14:00Z → Sun 16:00Z), entered late 29 (→ Sun 19:00Z), plain 73 (→ Tue 15:00Z);
    // the median of 26, 29, 73 is 29.
    expect(await edFollowUp("2026-03-07", 2)).toEqual(
      expect.objectContaining({ denominator: 3, numerator: 2, medianHoursToContact: 29 }),
    );

    // Corrected afterwards (the care manager finds the call log): the plain one moves into the window.
    const fixed = await patch(`/api/tasks/${late}/contact`, {
      contactedAt: "2026-03-09T09:30:00-04:00",
      contactMethod: "video",
    });
    expect(fixed.statusCode).toBe(200);
    expect(fixed.json<TaskSummary>()).toMatchObject({
      contactedAt: "2026-03-09T13:30:00.000Z",
      contactMethod: "video",
      status: "completed",
    });
    expect(await edFollowUp("2026-03-07", 2)).toMatchObject({ denominator: 3, numerator: 3 });
    // Within 1 day (through Sunday 23:59 EDT) the Monday call is still late: 2 of 3.
    expect(await edFollowUp("2026-03-07", 1)).toMatchObject({ denominator: 3, numerator: 2 });

    // The legacy row can be corrected too; its old value is what the measure counted (completed_at).
    const legacyFix = await patch(`/api/tasks/${legacy}/contact`, { contactedAt: "2026-03-08T12:00:00Z" });
    expect(legacyFix.statusCode).toBe(200);
    expect(legacyFix.json<TaskSummary>()).toMatchObject({
      contactedAt: "2026-03-08T12:00:00.000Z",
      contactMethod: null,
    });

    // Access log: who entered and who changed the contact time, old and new values.
    const audit = await t.pool.query(
      `SELECT actor, action, detail->'contactedAt' AS contacted, detail->'contactMethod' AS method
         FROM audit_log WHERE detail->>'taskId' = ANY($1) AND action LIKE 'task.%' ORDER BY id`,
      [[late, legacy]],
    );
    expect(audit.rows).toEqual([
      {
        actor: userOf("cmA"),
        action: "task.complete",
        contacted: { from: null, to: NOW.toISOString() },
        method: { from: null, to: null },
      },
      {
        actor: userOf("cmA"),
        action: "task.contact",
        contacted: { from: NOW.toISOString(), to: "2026-03-09T13:30:00.000Z" },
        method: { from: null, to: "video" },
      },
      {
        actor: userOf("cmA"),
        action: "task.contact",
        contacted: { from: "2026-03-08T16:00:00.000Z", to: "2026-03-08T12:00:00.000Z" },
        method: { from: null, to: null },
      },
    ]);
    // Task history keeps the correction with the previous value, for the drawer.
    const detail = (await t.call("cmA", { url: `/api/tasks/${late}` })).json<TaskDetail>();
    expect(detail.history.map((h) => [h.action, h.detail])).toEqual([
      ["completed", { outcome: "reached_patient", contactedAt: NOW.toISOString(), contactMethod: null }],
      [
        "contact_corrected",
        {
          contactedAt: "2026-03-09T13:30:00.000Z",
          contactMethod: "video",
          previousContactedAt: NOW.toISOString(),
          previousContactMethod: null,
        },
      ],
    ]);
  });
});

describe("an attempt that reached the patient", () => {
  // Event Friday 2026-03-06 14:00Z; within 2 calendar days ends Sunday the 8th 23:59:59.999 EDT.
  const friday = "2026-03-06T14:00:00.000Z";

  it("counts at its own time even though the task was completed on day 4; the earliest reached wins", async () => {
    const id = await edTask(friday);
    // Entered out of order: a reached call on Sunday, then a reached video visit on Saturday, then a
    // voicemail left on Friday evening.
    const sunday = await post(`/api/tasks/${id}/attempts`, {
      method: "phone",
      outcome: "reached_patient",
      at: "2026-03-08T10:00:00-04:00",
    });
    expect(sunday.statusCode).toBe(200);
    expect(sunday.json<TaskSummary>()).toMatchObject({
      status: "in_progress",
      contactedAt: "2026-03-08T14:00:00.000Z",
      contactMethod: "phone",
      firstAttemptAt: "2026-03-08T14:00:00.000Z",
    });
    const saturday = await post(`/api/tasks/${id}/attempts`, {
      method: "video",
      outcome: "reached_patient",
      at: "2026-03-07T11:00:00-05:00",
    });
    expect(saturday.json<TaskSummary>()).toMatchObject({
      contactedAt: "2026-03-07T16:00:00.000Z",
      contactMethod: "video",
      firstAttemptAt: "2026-03-07T16:00:00.000Z",
    });
    const voicemail = await post(`/api/tasks/${id}/attempts`, {
      method: "phone",
      outcome: "left_message",
      at: "2026-03-06T20:00:00Z",
    });
    expect(voicemail.json<TaskSummary>()).toMatchObject({
      contactedAt: "2026-03-07T16:00:00.000Z",
      contactMethod: "video",
      firstAttemptAt: "2026-03-06T20:00:00.000Z",
    });
    // A later reached attempt (now) does not move the contact.
    const later = await post(`/api/tasks/${id}/attempts`, {
      method: "in_person",
      outcome: "reached_patient",
    });
    expect(later.json<TaskSummary>()).toMatchObject({ contactedAt: "2026-03-07T16:00:00.000Z" });

    // Completed Tuesday (day 4) without a time: the Saturday contact is kept.
    const done = await post(`/api/tasks/${id}/complete`, { outcome: "reached_patient" });
    expect(done.json<TaskSummary>()).toMatchObject({
      completedAt: NOW.toISOString(),
      contactedAt: "2026-03-07T16:00:00.000Z",
      contactMethod: "video",
    });
    // 26 hours after the event: in time for 2 days (and for 1: Saturday is day 1).
    expect(await edFollowUp("2026-03-06", 2)).toMatchObject({
      denominator: 1,
      numerator: 1,
      medianHoursToContact: 26,
    });
    expect(await edFollowUp("2026-03-06", 0)).toMatchObject({ denominator: 1, numerator: 0 });

    const history = await t.pool.query<{ action: string; detail: Record<string, unknown> }>(
      "SELECT action, detail FROM task_history WHERE task_id = $1 ORDER BY id",
      [id],
    );
    expect(history.rows.map((h) => h.detail)).toEqual([
      {
        method: "phone",
        outcome: "reached_patient",
        at: "2026-03-08T14:00:00.000Z",
        contactedAt: "2026-03-08T14:00:00.000Z",
      },
      {
        method: "video",
        outcome: "reached_patient",
        at: "2026-03-07T16:00:00.000Z",
        contactedAt: "2026-03-07T16:00:00.000Z",
      },
      { method: "phone", outcome: "left_message", at: "2026-03-06T20:00:00.000Z" },
      { method: "in_person", outcome: "reached_patient" },
      { outcome: "reached_patient", contactedAt: "2026-03-07T16:00:00.000Z", contactMethod: "video" },
    ]);
    const audit = await t.pool.query(
      "SELECT action, detail->'contactedAt' AS contacted FROM audit_log WHERE detail->>'taskId' = $1 ORDER BY id",
      [id],
    );
    expect(audit.rows).toEqual([
      { action: "task.attempt", contacted: { from: null, to: "2026-03-08T14:00:00.000Z" } },
      {
        action: "task.attempt",
        contacted: { from: "2026-03-08T14:00:00.000Z", to: "2026-03-07T16:00:00.000Z" },
      },
      { action: "task.attempt", contacted: null },
      { action: "task.attempt", contacted: null },
      {
        action: "task.complete",
        contacted: { from: "2026-03-07T16:00:00.000Z", to: "2026-03-07T16:00:00.000Z" },
      },
    ]);
  });

  it("gives way to a contact time the user enters at completion", async () => {
    const id = await edTask(friday);
    await post(`/api/tasks/${id}/attempts`, {
      method: "phone",
      outcome: "reached_patient",
      at: "2026-03-09T14:00:00Z",
    });
    const done = await post(`/api/tasks/${id}/complete`, {
      outcome: "reached_patient",
      contactedAt: "2026-03-08T14:00:00Z",
      contactMethod: "in_person",
    });
    expect(done.json<TaskSummary>()).toMatchObject({
      contactedAt: "2026-03-08T14:00:00.000Z",
      contactMethod: "in_person",
      firstAttemptAt: "2026-03-09T14:00:00.000Z",
    });
    const h = await t.pool.query(
      "SELECT detail FROM task_history WHERE task_id = $1 AND action = 'completed'",
      [id],
    );
    expect(h.rows[0].detail).toEqual({
      outcome: "reached_patient",
      contactedAt: "2026-03-08T14:00:00.000Z",
      contactMethod: "in_person",
      previousContactedAt: "2026-03-09T14:00:00.000Z",
    });
  });
});

describe("limits", () => {
  const friday = "2026-03-06T14:00:00.000Z";
  const refused = async (res: Awaited<ReturnType<typeof post>>, message: string) => {
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: { code: "invalid_contact_time", message } });
  };

  it("refuses a contact time in the future, before the event, or older than the configured 45 days", async () => {
    const id = await edTask(friday);
    const complete = (contactedAt: string) =>
      post(`/api/tasks/${id}/complete`, { outcome: "reached_patient", contactedAt, contactMethod: "phone" });
    await refused(
      await complete("2026-03-10T15:01:00Z"),
      "contactedAt is in the future; enter when it happened",
    );
    await refused(
      await complete("2026-03-06T13:59:00Z"),
      "contactedAt is before the event that opened the task; check the date",
    );
    const res = await complete("2026-03-06T13:59:00Z");
    expect(res.json()).toMatchObject({
      error: { details: { notBefore: friday, notAfter: NOW.toISOString() } },
    });
    await refused(
      await post(`/api/tasks/${id}/attempts`, { method: "phone", at: "2026-03-11T09:00:00-04:00" }),
      "at is in the future; enter when it happened",
    );
    await refused(
      await post(`/api/tasks/${id}/complete`, {
        outcome: "left_message",
        contactedAt: "2026-03-07T14:00:00Z",
      }),
      "contactedAt and contactMethod are recorded only with outcome reached_patient",
    );
    // Nothing was written by the refused requests.
    const row = await t.pool.query("SELECT status, contacted_at, first_attempt_at FROM tasks WHERE id = $1", [
      id,
    ]);
    expect(row.rows[0]).toEqual({ status: "open", contacted_at: null, first_attempt_at: null });

    // 45 days before NOW is 2026-01-24T15:00Z: an event in January can take a contact after that only.
    const old = await edTask("2026-01-20T14:00:00Z");
    await refused(
      await post(`/api/tasks/${old}/complete`, {
        outcome: "reached_patient",
        contactedAt: "2026-01-24T14:59:00Z",
      }),
      "contactedAt is more than 45 days ago; contact times older than that cannot be entered",
    );
    const ok = await post(`/api/tasks/${old}/complete`, {
      outcome: "reached_patient",
      contactedAt: "2026-01-24T15:00:00Z",
    });
    expect(ok.statusCode).toBe(200);
    await refused(
      await patch(`/api/tasks/${old}/contact`, { contactedAt: "2026-01-21T15:00:00Z" }),
      "contactedAt is more than 45 days ago; contact times older than that cannot be entered",
    );
    // A contact time without an offset is ambiguous (whose 9 am?): refused by the schema.
    const naive = await patch(`/api/tasks/${old}/contact`, { contactedAt: "2026-03-01T09:00:00" });
    expect(naive.statusCode).toBe(400);
    expect(naive.json()).toMatchObject({ error: { code: "validation_failed" } });
  });

  it("corrects only a contact that happened, on a task the caller may read", async () => {
    const notReached = await edTask(friday);
    await post(`/api/tasks/${notReached}/complete`, { outcome: "unable_to_reach" });
    const res = await patch(`/api/tasks/${notReached}/contact`, { contactedAt: "2026-03-07T14:00:00Z" });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({
      error: {
        code: "conflict",
        message:
          "the patient has not been reached on this task: record a reached attempt or complete it as reached",
      },
    });
    const open = await edTask(friday);
    expect(
      (await patch(`/api/tasks/${open}/contact`, { contactedAt: "2026-03-07T14:00:00Z" })).statusCode,
    ).toBe(409);
    // An open task whose attempt reached the patient can be corrected before completion.
    await post(`/api/tasks/${open}/attempts`, { method: "phone", outcome: "reached_patient" });
    const fixed = await patch(`/api/tasks/${open}/contact`, { contactedAt: "2026-03-07T14:00:00Z" });
    expect(fixed.json<TaskSummary>()).toMatchObject({
      status: "in_progress",
      contactedAt: "2026-03-07T14:00:00.000Z",
      contactMethod: "phone",
    });
    // Practice B's care manager cannot see practice A's task, let alone correct it.
    expect(
      (await patch(`/api/tasks/${open}/contact`, { contactedAt: "2026-03-07T15:00:00Z" }, "cmB")).statusCode,
    ).toBe(404);
    const row = await t.pool.query("SELECT contacted_at FROM tasks WHERE id = $1", [open]);
    expect(row.rows[0].contacted_at.toISOString()).toBe("2026-03-07T14:00:00.000Z");
  });
});
