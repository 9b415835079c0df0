import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiTest, startTestApi } from "../api.test-support.ts";

let t: ApiTest;
beforeAll(async () => {
  t = await startTestApi("facilityapi");
});
afterAll(async () => t?.close());

const bayview = {
  sendingFacility: "BAYVIEW",
  allowedApplications: ["EPIC"],
  displayName: "Bayview Medical Center (synthetic)",
  timeZone: "America/Los_Angeles",
  edLocations: ["ED"],
};
const rootActor = async () =>
  `user:${(await t.pool.query("SELECT id::text FROM users WHERE role = 'system_admin'")).rows[0].id}`;

describe("facility settings through the api", () => {
  let id: string;

  it("creates a facility with the mappings file's validation, per field, and refuses a duplicate", async () => {
    const bad = await t.call("root", {
      method: "POST",
      url: "/api/admin/facilities",
      payload: { mapping: { ...bayview, timeZone: "Pacific" } },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toMatchObject({
      code: "validation_failed",
      details: { problems: ['mapping.timeZone: "Pacific" is not an IANA time zone'] },
    });

    const created = await t.call("root", {
      method: "POST",
      url: "/api/admin/facilities",
      payload: {
        mapping: bayview,
        watch: { interfaceContactEmail: "hl7-team@bayview.example", silenceMinutes: 60 },
      },
    });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({
      active: true,
      version: 1,
      // Defaults filled in as the file's schema fills them.
      mapping: { sendingFacility: "BAYVIEW", edPatientClasses: ["E"], mrnTypeCodes: ["MR"] },
      watch: { interfaceContactEmail: "hl7-team@bayview.example", silenceMinutes: 60, expectedHours: null },
      createdBy: await rootActor(),
      updatedByName: "root@homeward.example",
    });
    id = created.json().id;

    const again = await t.call("root", {
      method: "POST",
      url: "/api/admin/facilities",
      payload: { mapping: bayview },
    });
    expect(again.statusCode).toBe(409);
  });

  it("lets the interface analyst read but only the system admin change; practices see nothing", async () => {
    const list = await t.call("analyst", { url: "/api/admin/facilities" });
    expect(list.statusCode).toBe(200);
    expect(list.json().items.map((f: { id: string }) => f.id)).toEqual([id]);
    expect((await t.call("analyst", { url: `/api/admin/facilities/${id}` })).json().mapping.displayName).toBe(
      bayview.displayName,
    );
    const analystWrite = await t.call("analyst", {
      method: "PUT",
      url: `/api/admin/facilities/${id}`,
      payload: { mapping: bayview, version: 1 },
    });
    expect(analystWrite.statusCode).toBe(403);
    for (const who of ["adminA", "cmA", "qualityA"] as const)
      expect((await t.call(who, { url: "/api/admin/facilities" })).statusCode).toBe(403);
  });

  it("changes a facility on the version it was read at, keeps who changed what, and audits it", async () => {
    const put = await t.call("root", {
      method: "PUT",
      url: `/api/admin/facilities/${id}`,
      payload: {
        mapping: { ...bayview, edLocations: ["ED", "PEDED"] },
        active: true,
        watch: {
          interfaceContactEmail: "hl7-team@bayview.example",
          silenceMinutes: 45,
          expectedHours: { days: [1, 2, 3, 4, 5], start: "06:00", end: "22:00" },
        },
        version: 1,
      },
    });
    expect(put.statusCode).toBe(200);
    expect(put.json()).toMatchObject({
      version: 2,
      mapping: { edLocations: ["ED", "PEDED"] },
      watch: { silenceMinutes: 45 },
    });

    const stale = await t.call("root", {
      method: "PUT",
      url: `/api/admin/facilities/${id}`,
      payload: { mapping: bayview, version: 1 },
    });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error.details.current.version).toBe(2);

    const history = await t.call("analyst", { url: `/api/admin/facilities/${id}/history` });
    expect(history.json().items.map((h: { action: string }) => h.action)).toEqual(["updated", "created"]);
    expect(history.json().items[0]).toMatchObject({
      actor: await rootActor(),
      actorName: "root@homeward.example",
      before: { mapping: { edLocations: ["ED"] }, watch: { silenceMinutes: 60 } },
      after: { mapping: { edLocations: ["ED", "PEDED"] }, watch: { silenceMinutes: 45 } },
    });
    const audit = await t.pool.query(
      "SELECT action FROM audit_log WHERE subject_type = 'facility' AND subject_id = $1 ORDER BY id",
      [id],
    );
    expect(audit.rows.map((r) => r.action)).toEqual(["facility.create", "facility.update"]);
  });

  it("exports the active facilities as a mappings file and imports one all or nothing", async () => {
    const exported = await t.call("analyst", { url: "/api/admin/facilities/export" });
    expect(exported.statusCode).toBe(200);
    expect(exported.headers["content-disposition"]).toBe('attachment; filename="facilities.json"');
    expect(exported.json()).toMatchObject({ schemaVersion: 1, facilities: [{ sendingFacility: "BAYVIEW" }] });

    const harbor = { sendingFacility: "HARBOR", timeZone: "America/New_York" };
    const bad = await t.call("root", {
      method: "POST",
      url: "/api/admin/facilities/import",
      payload: { schemaVersion: 1, facilities: [harbor, harbor] },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details.problems).toEqual([
      "facilities.1: same sendingFacility/sendingApplication as facilities[0]",
    ]);
    const file = { ...exported.json(), facilities: [...exported.json().facilities, harbor] };
    const imported = await t.call("root", {
      method: "POST",
      url: "/api/admin/facilities/import",
      payload: file,
    });
    expect(imported.json()).toEqual({ created: 1, updated: 0, unchanged: 1 });
    const names = (await t.call("root", { url: "/api/admin/facilities" }))
      .json()
      .items.map((f: { mapping: { sendingFacility: string } }) => f.mapping.sendingFacility);
    expect(names).toEqual(["BAYVIEW", "HARBOR"]);
  });

  it("removes a facility on its current version; its history stays", async () => {
    const wrongVersion = await t.call("root", {
      method: "DELETE",
      url: `/api/admin/facilities/${id}?version=1`,
    });
    expect(wrongVersion.statusCode).toBe(409);
    const removed = await t.call("root", { method: "DELETE", url: `/api/admin/facilities/${id}?version=2` });
    expect(removed.statusCode).toBe(204);
    expect((await t.call("root", { url: `/api/admin/facilities/${id}` })).statusCode).toBe(404);
    const history = await t.call("root", { url: `/api/admin/facilities/${id}/history` });
    expect(history.json().items.map((h: { action: string }) => h.action)).toEqual([
      "deleted",
      "updated",
      "created",
    ]);
    expect((await t.call("root", { url: "/api/admin/facilities/999999/history" })).statusCode).toBe(404);
  });
});
