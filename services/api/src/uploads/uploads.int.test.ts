import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiTest, startTestApi } from "../api.test-support.ts";

// The upload screen's API besides the uploads themselves (admin.int.test.ts): the history of import
// runs with who uploaded, one run's row-error report (JSON and CSV, its reading audited), and the
// presets per kind. A practice panel with one good row and two refused ones (a date that is no date,
// a month 13).

let t: ApiTest;
beforeAll(async () => {
  t = await startTestApi("admin-uploads");
});
afterAll(async () => t?.close());

const PANEL = [
  "MRN,Last Name,First Name,DOB,Sex,Zip Code",
  "SFM-3001,NEWCOMBE,ALMA,1970-01-02,F,02139",
  "SFM-3002,BADDATE,BEN,31/31/1970,M,02139",
  "SFM-3003,CARR,CARA,1980-13-05,F,02139",
  "",
].join("\n");

describe("import runs and their row errors", () => {
  let runId = "";
  it("lists runs newest first with who uploaded and the count, filtered by kind", async () => {
    const dry = await t.call("adminA", {
      method: "POST",
      url: "/api/admin/rosters?kind=panel&source=sfm-panel&org=SFM&dryRun=true&fileName=panel.csv",
      headers: { "content-type": "text/csv" },
      payload: PANEL,
    });
    expect(dry.json()).toMatchObject({ read: 3, valid: 1, errorCount: 2, dryRun: true });
    runId = dry.json().runId;
    await t.call("adminA", {
      method: "POST",
      url: "/api/admin/consents/import?org=SFM",
      headers: { "content-type": "text/csv" },
      payload: "MRN,ID Type,ID Authority,Decision\nSFM-1001,MR,SFM,opt_out\n",
    });
    const runs = (await t.call("adminA", { url: "/api/admin/import-runs" })).json();
    expect(runs.total).toBe(2);
    expect(runs.items.map((r: { kind: string }) => r.kind)).toEqual(["consent", "panel"]);
    expect(runs.items[1]).toMatchObject({
      id: runId,
      fileName: "panel.csv",
      organizationName: "Springvale Family Medicine",
      uploadedBy: "admin@sfm.example",
      dryRun: true,
      read: 3,
      errorCount: 2,
    });
    const panels = (await t.call("adminA", { url: "/api/admin/import-runs?kind=panel" })).json();
    expect(panels.items.map((r: { id: string }) => r.id)).toEqual([runId]);
  });

  it("answers a run's row errors by line, as JSON or CSV, and records the read", async () => {
    const res = await t.call("adminA", { url: `/api/admin/import-runs/${runId}` });
    expect(res.json()).toMatchObject({ run: { id: runId } });
    expect(res.json().run).toMatchObject({ id: runId, kind: "panel" });
    expect(res.json().errors).toEqual([
      expect.objectContaining({ line: 3, column: "DOB", value: "31/31/1970" }),
      expect.objectContaining({ line: 4, column: "DOB", value: "1980-13-05" }),
    ]);
    const csv = await t.call("adminA", { url: `/api/admin/import-runs/${runId}?format=csv` });
    expect(csv.headers["content-disposition"]).toBe(`attachment; filename="import-${runId}-errors.csv"`);
    const lines = csv.body.trimEnd().split("\r\n");
    expect(lines[0]).toBe("line,column,value,reason");
    expect(lines).toHaveLength(3);
    expect(lines[1]).toMatch(/^3,DOB,31\/31\/1970,/);
    const audit = await t.pool.query(
      "SELECT subject_id, organization_id::text, detail->>'format' AS format FROM audit_log WHERE action = 'import-run.errors' ORDER BY id",
    );
    expect(audit.rows).toEqual([
      { subject_id: runId, organization_id: t.ids.practiceA, format: "json" },
      { subject_id: runId, organization_id: t.ids.practiceA, format: "csv" },
    ]);
  });

  it("keeps another organization's runs and system-wide runs from a practice admin", async () => {
    expect((await t.call("adminB", { url: `/api/admin/import-runs/${runId}` })).statusCode).toBe(404);
    const system = await t.call("root", {
      method: "POST",
      url: "/api/admin/sensitive-facilities/import",
      headers: { "content-type": "text/csv" },
      payload: "Sending Facility\nHOPEHOUSE\n",
    });
    expect(
      (await t.call("adminA", { url: `/api/admin/import-runs/${system.json().runId}` })).statusCode,
    ).toBe(404);
    expect((await t.call("root", { url: `/api/admin/import-runs/${system.json().runId}` })).statusCode).toBe(
      200,
    );
  });

  it("lists the presets of every kind with the headers each reads", async () => {
    const presets = (await t.call("adminA", { url: "/api/admin/import-presets" })).json().items;
    const panel = presets.find((p: { name: string }) => p.name === "practice-panel");
    expect(panel.kind).toBe("panel");
    expect(panel.columns).toContainEqual(
      expect.objectContaining({ field: "identifierValue", headers: expect.arrayContaining(["MRN"]) }),
    );
    expect(new Set(presets.map((p: { kind: string }) => p.kind))).toEqual(
      new Set(["attribution", "panel", "enrollment", "consent", "sensitive-facility", "notification-rule"]),
    );
  });
});
