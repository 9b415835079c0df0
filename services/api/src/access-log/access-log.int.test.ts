import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiTest, startTestApi } from "../api.test-support.ts";

// The access log as the admin screen reads it: filtered by user (e-mail), patient, action and time,
// counted, exported as CSV with the same filters (the export itself audited), and the actions to
// filter by. Three reads make the rows: the care manager of A and the system admin read A's task-a1
// (patient A1), the care manager of B reads B's task-b1.

let t: ApiTest;
let before: string;
beforeAll(async () => {
  t = await startTestApi("admin-access-log");
  before = new Date(Date.now() - 60_000).toISOString();
  for (const [who, task] of [
    ["cmA", "task-a1"],
    ["root", "task-a1"],
    ["cmB", "task-b1"],
  ] as const) {
    expect((await t.call(who, { url: `/api/tasks/${task}` })).statusCode).toBe(200);
  }
});
afterAll(async () => t?.close());

const rowsOf = async (as: "adminA" | "root", query: string) => {
  const res = await t.call(as, { url: `/api/admin/access-log?${query}` });
  expect(res.statusCode).toBe(200);
  return res.json<{
    items: { actorName: string | null; subjectId: string; organizationName: string }[];
    total: number;
  }>();
};

describe("GET /api/admin/access-log for the screen", () => {
  it("filters by user e-mail in any case, by patient, by action, and counts", async () => {
    const byUser = await rowsOf("adminA", "userEmail=CM@SFM.example&action=task.read");
    expect(byUser.total).toBe(1);
    expect(byUser.items).toEqual([
      expect.objectContaining({
        actorName: "cm@sfm.example",
        subjectId: t.ids.pA1,
        organizationName: "Springvale Family Medicine",
      }),
    ]);
    const byPatient = await rowsOf("adminA", `patientId=${t.ids.pA1}&action=task.read`);
    expect(byPatient.items.map((i) => i.actorName)).toEqual(["root@homeward.example", "cm@sfm.example"]);
    // B's read is not A's to see, with or without the filter naming it.
    expect((await rowsOf("adminA", "action=task.read")).total).toBe(2);
    expect((await rowsOf("adminA", "userEmail=cm@rvp.example")).total).toBe(0);
    expect((await rowsOf("root", "action=task.read")).total).toBe(3);
    // A page of one still counts all.
    const page = await rowsOf("adminA", "action=task.read&limit=1&offset=1");
    expect(page).toMatchObject({ total: 2, items: [{ actorName: "cm@sfm.example" }] });
  });

  it("filters by time: from is included, to is not", async () => {
    const later = new Date(Date.now() + 60_000).toISOString();
    expect((await rowsOf("adminA", `action=task.read&from=${encodeURIComponent(before)}`)).total).toBe(2);
    expect((await rowsOf("adminA", `action=task.read&to=${encodeURIComponent(before)}`)).total).toBe(0);
    expect((await rowsOf("adminA", `action=task.read&from=${encodeURIComponent(later)}`)).total).toBe(0);
  });

  it("exports the filtered rows as CSV, and the export is in the log", async () => {
    const res = await t.call("adminA", { url: "/api/admin/access-log?action=task.read&format=csv" });
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toMatch(/^text\/csv/);
    expect(res.headers["content-disposition"]).toMatch(/^attachment; filename="access-log_2026-03-10\.csv"$/);
    const lines = res.body.trimEnd().split("\r\n");
    expect(lines[0]).toBe(
      "at,actor,user_email,role,action,subject_type,subject_id,organization_id,organization,route,detail",
    );
    expect(lines).toHaveLength(3);
    expect(lines[2]).toContain(
      `,cm@sfm.example,care_manager,task.read,patient,${t.ids.pA1},${t.ids.practiceA},Springvale Family Medicine,GET /api/tasks/:id,`,
    );
    const exported = await rowsOf("adminA", "action=access-log.export");
    expect(exported.total).toBe(1);
    const audit = await t.pool.query(
      "SELECT organization_id::text, detail->>'rows' AS rows FROM audit_log WHERE action = 'access-log.export'",
    );
    expect(audit.rows).toEqual([{ organization_id: t.ids.practiceA, rows: "2" }]);
  });

  it("lists the actions recorded in the admin's organizations", async () => {
    const res = await t.call("adminA", { url: "/api/admin/access-log/actions" });
    expect(res.json().actions).toEqual(expect.arrayContaining(["access-log.export", "task.read"]));
    const elsewhere = await t.call("adminA", {
      url: `/api/admin/access-log/actions?organizationId=${t.ids.practiceB}`,
    });
    expect(elsewhere.json()).toEqual({ actions: [] });
  });
});
