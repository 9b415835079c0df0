import { decodeJwt } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiTest, startTestApi } from "./api.test-support.ts";
import type { TaskDetail, TaskSummary } from "./tasks/task-schemas.ts";

let t: ApiTest;
beforeAll(async () => {
  t = await startTestApi("tasks");
});
afterAll(async () => t?.close());

const list = async (query: string, as: "cmA" | "adminA" | "root" = "cmA") => {
  const res = await t.call(as, { url: `/api/tasks?${query}` });
  expect(res.statusCode).toBe(200);
  return res.json<{ items: TaskSummary[]; total: number }>();
};
const ids = (body: { items: TaskSummary[] }) => body.items.map((i) => i.id);
const userOf = (key: "cmA" | "adminA") => `user:${decodeJwt(t.tokens[key]).sub}`;

describe("GET /api/tasks", () => {
  it("lists the organization's tasks soonest due first, with the patient's name for the practice", async () => {
    const body = await list("");
    expect(ids(body)).toEqual(["task-a1", "task-a2", "task-a3"]);
    expect(body.total).toBe(3);
    expect(body.items[0]).toMatchObject({
      status: "open",
      overdue: true,
      organization: { id: t.ids.practiceA, code: "SFM" },
      patient: {
        id: t.ids.pA1,
        displayName: "MARISOL QUILLFEATHER",
        birthDate: "1958-04-12",
        practiceIdentifier: "SFM-1001",
      },
      facility: { code: "MERCYGEN", name: "Mercy General" },
      eventKind: "ed-discharge",
      program: "complex-care",
      riskTier: "I",
      assignee: { id: t.ids.cmA, displayName: "Casey Morgan" },
    });
  });

  it("filters by due (in the practice's time zone), assignee, status, program, tier and pages", async () => {
    expect(ids(await list("due=overdue"))).toEqual(["task-a1"]);
    expect(ids(await list("due=today"))).toEqual(["task-a2"]);
    expect(ids(await list("due=upcoming"))).toEqual(["task-a3"]);
    expect(ids(await list("assignee=me"))).toEqual(["task-a1", "task-a3"]);
    expect(ids(await list("assignee=unassigned"))).toEqual(["task-a2"]);
    expect(ids(await list(`assignee=${t.ids.cmA}`))).toEqual(["task-a1", "task-a3"]);
    expect(ids(await list("status=completed,cancelled"))).toEqual([]);
    expect(ids(await list("status=open&program=complex-care&tier=I"))).toHaveLength(3);
    expect(ids(await list("tier=II"))).toEqual([]);
    const page = await list("limit=1&offset=1");
    expect(page).toMatchObject({ total: 3, limit: 1, offset: 1 });
    expect(ids(page)).toEqual(["task-a2"]);
  });

  it("a system admin sees every organization's tasks, or one's", async () => {
    expect(ids(await list("", "root"))).toEqual(["task-a1", "task-b1", "task-a2", "task-a3"]);
    expect(ids(await list(`organizationId=${t.ids.practiceB}`, "root"))).toEqual(["task-b1"]);
  });

  it("refuses assignee=me for a user without a recipient, and a bad filter, in the one error shape", async () => {
    const me = await t.call("adminA", { url: "/api/tasks?assignee=me" });
    expect(me.statusCode).toBe(400);
    expect(me.json()).toMatchObject({ error: { code: "no_recipient" } });
    const bad = await t.call("cmA", { url: "/api/tasks?status=done&due=yesterday&limit=0" });
    expect(bad.statusCode).toBe(400);
    const issues = bad.json<{ error: { details: { issues: { in: string; path: string }[] } } }>().error
      .details.issues;
    expect(issues.map((i) => `${i.in}:${i.path}`).sort()).toEqual([
      "querystring:due",
      "querystring:limit",
      "querystring:status.0",
    ]);
  });

  it("writes an access-audit row per patient listed, under the organization, naming the user", async () => {
    const before = await t.pool.query("SELECT max(id) AS id FROM audit_log");
    await list("");
    const { rows } = await t.pool.query(
      "SELECT actor, action, subject_type, subject_id, organization_id::text, detail FROM audit_log WHERE id > $1 ORDER BY subject_id",
      [before.rows[0].id ?? 0],
    );
    expect(rows.map((r) => [r.actor, r.action, r.subject_type, r.subject_id, r.organization_id])).toEqual([
      [userOf("cmA"), "task.list", "patient", t.ids.pA1, t.ids.practiceA],
      [userOf("cmA"), "task.list", "patient", t.ids.pA2, t.ids.practiceA],
    ]);
    expect(rows[0].detail).toMatchObject({ role: "care_manager", route: "GET /api/tasks" });
  });
});

describe("GET /api/tasks/:id", () => {
  it("gives the task with its encounter timeline, the alerts sent and the history, and audits the read", async () => {
    const res = await t.call("cmA", { url: "/api/tasks/task-a1" });
    expect(res.statusCode).toBe(200);
    const detail = res.json<TaskDetail>();
    expect(detail.task.id).toBe("task-a1");
    expect(detail.encounter).toMatchObject({ setting: "ed", status: "discharged" });
    expect(detail.timeline.map((e) => [e.kind, e.visitNumber, e.thisEncounter])).toEqual([
      ["ed-arrival", "V-A1", true],
      ["ed-discharge", "V-A1", true],
    ]);
    expect(detail.alerts).toEqual([
      expect.objectContaining({
        id: "dlv-task-a1",
        purpose: "alert",
        channel: "email",
        status: "sent",
        recipient: { id: t.ids.cmA, displayName: "Casey Morgan" },
      }),
    ]);
    expect(detail.history.map((h) => h.action)).toEqual(["opened"]);
    const audit = await t.pool.query(
      "SELECT subject_id, detail FROM audit_log WHERE action = 'task.read' AND actor = $1",
      [userOf("cmA")],
    );
    expect(audit.rows).toEqual([
      { subject_id: t.ids.pA1, detail: expect.objectContaining({ taskId: "task-a1" }) },
    ]);
  });

  it("answers 404 for a task that does not exist", async () => {
    expect((await t.call("cmA", { url: "/api/tasks/no-such-task" })).statusCode).toBe(404);
  });
});

describe("task lifecycle", () => {
  const post = (as: "cmA" | "adminA", url: string, payload: object) =>
    t.call(as, { method: "POST", url, payload });

  it("attempt → in_progress, complete → completed, complete twice → 409, every step in the history", async () => {
    const first = await post("cmA", "/api/tasks/task-a2/attempts", {
      method: "phone",
      outcome: "left_message",
    });
    expect(first.statusCode).toBe(200);
    expect(first.json<TaskSummary>().status).toBe("in_progress");
    const second = await post("cmA", "/api/tasks/task-a2/attempts", { method: "phone", note: "called back" });
    expect(second.json<TaskSummary>().status).toBe("in_progress");

    const done = await post("cmA", "/api/tasks/task-a2/complete", {
      outcome: "reached_patient",
      note: "seen",
    });
    expect(done.statusCode).toBe(200);
    expect(done.json<TaskSummary>()).toMatchObject({
      status: "completed",
      outcome: "reached_patient",
      completedBy: userOf("cmA"),
      completedAt: expect.any(String),
      overdue: false,
    });

    const again = await post("adminA", "/api/tasks/task-a2/complete", { outcome: "not_needed" });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toEqual({
      error: { code: "conflict", message: "the task is already completed", details: { status: "completed" } },
    });
    expect((await post("cmA", "/api/tasks/task-a2/attempts", { method: "video" })).statusCode).toBe(409);
    expect((await post("cmA", "/api/tasks/task-a2/notes", { text: "family informed" })).statusCode).toBe(200);

    const history = await t.pool.query(
      "SELECT actor, action, from_status, to_status, detail FROM task_history WHERE task_id = 'task-a2' ORDER BY id",
    );
    expect(history.rows.map((h) => [h.action, h.from_status, h.to_status])).toEqual([
      ["opened", null, "open"],
      ["attempt", "open", "in_progress"],
      ["attempt", "in_progress", "in_progress"],
      ["completed", "in_progress", "completed"],
      ["note", "completed", "completed"],
    ]);
    expect(history.rows[1].detail).toEqual({ method: "phone", outcome: "left_message" });
    expect(history.rows[4]).toMatchObject({ actor: userOf("cmA"), detail: { text: "family informed" } });
    const audit = await t.pool.query(
      "SELECT action FROM audit_log WHERE detail->>'taskId' = 'task-a2' AND action LIKE 'task.%' ORDER BY id",
    );
    expect(audit.rows.map((r) => r.action)).toEqual([
      "task.attempt",
      "task.attempt",
      "task.complete",
      "task.note",
    ]);
  });

  it("two completions at once give one completion and one 409", async () => {
    const [a, b] = await Promise.all([
      post("cmA", "/api/tasks/task-a1/complete", { outcome: "unable_to_reach" }),
      post("adminA", "/api/tasks/task-a1/complete", { outcome: "declined" }),
    ]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([200, 409]);
    const rows = await t.pool.query(
      "SELECT count(*)::int AS n FROM task_history WHERE task_id = 'task-a1' AND action = 'completed'",
    );
    expect(rows.rows[0].n).toBe(1);
  });

  it("reassigns within the task's organization only", async () => {
    const ok = await post("adminA", "/api/tasks/task-a3/reassign", { recipientId: t.ids.cmA2 });
    expect(ok.statusCode).toBe(200);
    expect(ok.json<TaskSummary>().assignee).toEqual({ id: t.ids.cmA2, displayName: "Robin Lee" });
    const other = await post("adminA", "/api/tasks/task-a3/reassign", { recipientId: t.ids.cmB });
    expect(other.statusCode).toBe(400);
    expect(other.json()).toMatchObject({ error: { code: "invalid_recipient" } });
    const h = await t.pool.query(
      "SELECT detail FROM task_history WHERE task_id = 'task-a3' AND action = 'reassigned'",
    );
    expect(h.rows).toEqual([{ detail: { from: t.ids.cmA, to: t.ids.cmA2 } }]);
  });

  it("validates the bodies", async () => {
    const res = await post("cmA", "/api/tasks/task-a3/attempts", { method: "fax", outcome: "maybe" });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: { code: "validation_failed" } });
    expect((await post("cmA", "/api/tasks/task-a3/notes", { text: "   " })).statusCode).toBe(400);
    expect((await post("cmA", "/api/tasks/task-a3/complete", { outcome: "finished" })).statusCode).toBe(400);
  });
});
