import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiTest, startTestApi } from "../api.test-support.ts";

// Organizations and their settings through the API the admin screen uses. The api's clock is
// 2026-03-10 (NOW): closures from that day on are "upcoming".

let t: ApiTest;
beforeAll(async () => {
  t = await startTestApi("admin-organizations");
});
afterAll(async () => t?.close());

const put = (as: "adminA" | "adminB" | "root", id: string, body: Record<string, unknown>) =>
  t.call(as, { method: "PUT", url: `/api/admin/organizations/${id}`, payload: body });
const settingsOfA = {
  name: "Springvale Family Medicine",
  timeZone: "America/Chicago",
  alertDetailLevel: "limited",
  holidayCountry: "US",
  holidayState: "MA",
};

describe("organizations", () => {
  it("lists the admin's own organizations (a system admin: all) with default settings", async () => {
    const mine = (await t.call("adminA", { url: "/api/admin/organizations" })).json();
    expect(mine.items).toEqual([
      {
        id: t.ids.practiceA,
        kind: "practice",
        code: "SFM",
        name: "Springvale Family Medicine",
        npi: null,
        tin: null,
        timeZone: "America/New_York",
        parentId: null,
        settings: { alertDetailLevel: "minimal", holidayCountry: "US", holidayState: null },
        upcomingClosures: 0,
      },
    ]);
    const all = (await t.call("root", { url: "/api/admin/organizations" })).json();
    expect(all.items.map((o: { code: string }) => o.code)).toEqual(["BCP", "RVP", "SFM"]);
  });

  it("changes the zone, the alert detail level and the holiday calendar, audited field by field; the caseload targets stay", async () => {
    await t.call("adminA", {
      method: "PUT",
      url: "/api/caseload/targets",
      payload: {
        organizationId: t.ids.practiceA,
        targets: { priorityOne: 60, totalMin: 150, totalMax: 200 },
      },
    });
    const res = await put("adminA", t.ids.practiceA, settingsOfA);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      timeZone: "America/Chicago",
      settings: { alertDetailLevel: "limited", holidayCountry: "US", holidayState: "MA" },
    });
    const stored = await t.pool.query(
      `SELECT alert_detail_level, holiday_state, caseload_priority_one_target, caseload_total_min, caseload_total_max
         FROM organization_settings WHERE organization_id = $1`,
      [t.ids.practiceA],
    );
    expect(stored.rows).toEqual([
      {
        alert_detail_level: "limited",
        holiday_state: "MA",
        caseload_priority_one_target: 60,
        caseload_total_min: 150,
        caseload_total_max: 200,
      },
    ]);
    const audit = await t.pool.query(
      "SELECT organization_id::text, detail->'changes' AS changes FROM audit_log WHERE action = 'organization.update'",
    );
    expect(audit.rows).toEqual([
      {
        organization_id: t.ids.practiceA,
        changes: {
          timeZone: ["America/New_York", "America/Chicago"],
          alertDetailLevel: ["minimal", "limited"],
          holidayState: [null, "MA"],
        },
      },
    ]);
  });

  it("refuses a rename by a practice admin, another organization, an unknown calendar or zone", async () => {
    const rename = await put("adminA", t.ids.practiceA, { ...settingsOfA, name: "Springvale Health" });
    expect(rename.statusCode).toBe(403);
    expect(
      (await put("adminA", t.ids.practiceB, { ...settingsOfA, name: "Riverside Primary Care" })).statusCode,
    ).toBe(404);
    const calendar = await put("adminA", t.ids.practiceA, { ...settingsOfA, holidayState: "ZZ" });
    expect(calendar.statusCode).toBe(400);
    expect(calendar.json().error.code).toBe("unknown_holiday_set");
    expect(
      (await put("adminA", t.ids.practiceA, { ...settingsOfA, timeZone: "Mars/Olympus" })).statusCode,
    ).toBe(400);
    const renamed = await put("root", t.ids.practiceA, { ...settingsOfA, name: "Springvale Health" });
    expect(renamed.json().name).toBe("Springvale Health");
    await put("root", t.ids.practiceA, settingsOfA);
  });

  it("closes and reopens days: upcoming from the api's today, each change audited", async () => {
    const close = (day: string, reason: string | null) =>
      t.call("adminA", {
        method: "POST",
        url: `/api/admin/organizations/${t.ids.practiceA}/closures`,
        payload: { day, reason },
      });
    expect((await close("2026-03-20", "Staff training")).statusCode).toBe(200);
    await close("2026-03-02", "Snow day");
    const res = await close("2026-03-20", "Staff training (all day)");
    // Two closed days, one of them before 2026-03-10.
    expect(res.json()).toMatchObject({
      upcomingClosures: 1,
      closures: [
        { day: "2026-03-02", reason: "Snow day" },
        { day: "2026-03-20", reason: "Staff training (all day)" },
      ],
    });
    const reopen = await t.call("adminA", {
      method: "DELETE",
      url: `/api/admin/organizations/${t.ids.practiceA}/closures/2026-03-02`,
    });
    expect(reopen.json().closures).toEqual([{ day: "2026-03-20", reason: "Staff training (all day)" }]);
    const again = await t.call("adminA", {
      method: "DELETE",
      url: `/api/admin/organizations/${t.ids.practiceA}/closures/2026-03-02`,
    });
    expect(again.statusCode).toBe(404);
    const audit = await t.pool.query(
      "SELECT action, detail->>'day' AS day FROM audit_log WHERE action LIKE 'organization.closure.%' ORDER BY id",
    );
    expect(audit.rows).toEqual([
      { action: "organization.closure.add", day: "2026-03-20" },
      { action: "organization.closure.add", day: "2026-03-02" },
      { action: "organization.closure.update", day: "2026-03-20" },
      { action: "organization.closure.remove", day: "2026-03-02" },
    ]);
  });

  it("names the public holidays its deadlines skip", async () => {
    const res = await t.call("adminA", {
      url: `/api/admin/organizations/${t.ids.practiceA}/holidays?year=2026`,
    });
    const body = res.json();
    expect(body).toMatchObject({ year: 2026, country: "US", state: "MA" });
    // Ten federal days, July 4 (a Saturday) kept on Friday the 3rd, and Massachusetts' Evacuation
    // Day, Patriots' Day and Bunker Hill Day: 15.
    expect(body.holidays).toHaveLength(15);
    expect(body.holidays).toContainEqual({ date: "2026-04-20", name: "Patriots' Day" });
    expect(body.holidays).toContainEqual({ date: "2026-07-03", name: "Independence Day (substitute day)" });
    const regions = (await t.call("adminA", { url: "/api/admin/holiday-regions?country=US" })).json();
    expect(regions.states).toContainEqual({ code: "MA", name: "Massachusetts" });
    expect(regions.countries).toContainEqual({ code: "US", name: "United States of America" });
  });

  it("a system admin adds an organization; a code is taken once; practice admins may not add", async () => {
    const body = { kind: "practice", code: "NSC", name: "Northside Clinic", timeZone: "America/Denver" };
    const created = await t.call("root", { method: "POST", url: "/api/admin/organizations", payload: body });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({
      code: "NSC",
      settings: { alertDetailLevel: "minimal" },
      closures: [],
    });
    const twice = await t.call("root", { method: "POST", url: "/api/admin/organizations", payload: body });
    expect(twice.statusCode).toBe(409);
    const practice = await t.call("adminA", {
      method: "POST",
      url: "/api/admin/organizations",
      payload: { ...body, code: "NSC2" },
    });
    expect(practice.statusCode).toBe(403);
    const audit = await t.pool.query("SELECT subject_id FROM audit_log WHERE action = 'organization.create'");
    expect(audit.rows).toEqual([{ subject_id: created.json().id }]);
  });
});
