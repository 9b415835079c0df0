import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiTest, NOW, startTestApi } from "../api.test-support.ts";
import type { TaskDetail, TaskSummary } from "./task-schemas.ts";

let t: ApiTest;
const REVIEW_ID = "task-review-a2";

beforeAll(async () => {
  t = await startTestApi("reviewtasks");
  // A tracking-list patient of practice A, and the six-month review the notifier's sweeper opened
  // for them (no encounter, event or alert: migration 0012).
  const { rows } = await t.pool.query<{ id: string }>(
    `INSERT INTO care_management_enrollments (patient_id, program, listed_by_org_id, practice_org_id, status, source,
                                              risk_tier, effective_from)
     VALUES ($1, 'complex-care', $2, $2, 'tracking_list', 'sfm-tracking', 'II', '2025-09-20') RETURNING id::text`,
    [t.ids.pA2, t.ids.practiceA],
  );
  await t.pool.query(
    `INSERT INTO tasks (id, organization_id, patient_id, enrollment_id, protocol_id, step_id, task_type, title,
                        program, risk_tier, assignee_recipient_id, triggered_at, due_at)
     VALUES ($1, $2, $3, $4, 'tracking-list-review', 'six-month-review', 'tracking-list-review',
             'Tracking-list review: engage or remove', 'complex-care', 'II', $5,
             '2025-09-20T04:00:00Z', '2026-03-21T03:59:59.999Z')`,
    [REVIEW_ID, t.ids.practiceA, t.ids.pA2, rows[0]?.id, t.ids.cmA],
  );
  await t.pool.query(
    "INSERT INTO task_history (task_id, actor, action, to_status) VALUES ($1, 'sweeper', 'opened', 'open')",
    [REVIEW_ID],
  );
  expect(NOW.toISOString()).toBe("2026-03-10T15:00:00.000Z");
});
afterAll(async () => t?.close());

describe("a six-month tracking-list review in the api", () => {
  it("is listed with the other tasks, without a facility, visit or event", async () => {
    const res = await t.call("cmA", { url: "/api/tasks?assignee=me" });
    expect(res.statusCode).toBe(200);
    const review = res.json<{ items: TaskSummary[] }>().items.find((i) => i.id === REVIEW_ID);
    expect(review).toMatchObject({
      title: "Tracking-list review: engage or remove",
      taskType: "tracking-list-review",
      status: "open",
      overdue: false,
      facility: null,
      visitNumber: null,
      eventKind: null,
      riskTier: "II",
      patient: { id: t.ids.pA2, displayName: "OTIS ABERNATHY" },
      organization: { id: t.ids.practiceA, timeZone: expect.any(String) },
    });
  });

  it("shows as a tracking-list review with its list row instead of an encounter", async () => {
    const res = await t.call("cmA", { url: `/api/tasks/${REVIEW_ID}` });
    expect(res.statusCode).toBe(200);
    const detail = res.json<TaskDetail>();
    expect(detail.encounter).toBeNull();
    expect(detail.review).toEqual({
      label: "Six-month tracking-list review",
      program: "complex-care",
      enrollment: {
        id: expect.any(String),
        status: "tracking_list",
        effectiveFrom: "2025-09-20",
        effectiveTo: null,
      },
      countedFrom: "2025-09-20T04:00:00.000Z",
    });
    expect(detail.history.map((h) => h.action)).toEqual(["opened"]);
    expect(detail.alerts).toEqual([]);
    // An event task has no review block.
    const event = await t.call("cmA", { url: "/api/tasks/task-a1" });
    expect(event.json<TaskDetail>().review).toBeNull();
  });

  it("is completed like any task, and stays out of reach of another organization", async () => {
    const other = await t.call("cmB", { url: `/api/tasks/${REVIEW_ID}` });
    expect(other.statusCode).toBe(404);
    const done = await t.call("cmA", {
      method: "POST",
      url: `/api/tasks/${REVIEW_ID}/complete`,
      payload: { outcome: "declined", note: "Still declines; stays on the list" },
    });
    expect(done.statusCode).toBeLessThan(300);
    const after = await t.call("cmA", { url: `/api/tasks/${REVIEW_ID}` });
    expect(after.json<TaskDetail>().task).toMatchObject({ status: "completed", outcome: "declined" });
  });
});
