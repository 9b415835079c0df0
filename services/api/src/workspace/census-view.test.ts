import { describe, expect, it } from "vitest";
import type { CensusRow } from "./census-store.ts";
import { buildCensus } from "./census-view.ts";

const NOW = new Date("2026-03-10T15:00:00Z");
const at = (hoursAgo: number) => new Date(NOW.getTime() - hoursAgo * 3_600_000);

function row(visit: string, over: Partial<CensusRow> = {}): CensusRow {
  return {
    organization_id: "1",
    org_code: "SFM",
    org_name: "Springvale",
    org_time_zone: "America/New_York",
    patient_id: "7",
    given_name: "ANA",
    family_name: "RIVERA",
    birth_date: null,
    practice_identifier: null,
    facility: "MERCY",
    facility_name: "Mercy",
    facility_time_zone: null,
    visit_number: visit,
    setting: "inpatient",
    status: "active",
    started_at: at(5),
    discharged_at: null,
    days_since_discharge: null,
    unit: null,
    room: null,
    bed: null,
    match_id: `match-${visit}`,
    event_kind: "inpatient-admit",
    occurred_at: at(5),
    copy: "lead",
    risk_tier: "II",
    program: null,
    enrollment_status: null,
    care_manager_id: null,
    care_manager_name: null,
    mine: true,
    open_tasks: 0,
    overdue_tasks: 0,
    next_due_at: null,
    reached: false,
    attempts: 0,
    last_attempt_at: null,
    ...over,
  };
}
const view = { scope: "practice" as const, sort: "tier" as const, limit: 50, dischargedDays: 30 };
const discharged = (visit: string, hoursAgo: number, over: Partial<CensusRow> = {}) =>
  row(visit, { status: "discharged", discharged_at: at(hoursAgo), days_since_discharge: 1, ...over });

describe("buildCensus", () => {
  it("orders by tier then the most recent, by the longest wait, or by name", () => {
    const rows = [
      row("II-old", { started_at: at(30) }),
      row("I", { risk_tier: "I", started_at: at(40), family_name: "ZED" }),
      row("none", { risk_tier: null, started_at: at(1), family_name: "ABLE" }),
      row("II-new", { started_at: at(2) }),
    ];
    const order = (sort: "tier" | "days" | "name") =>
      buildCensus(rows, { ...view, sort }, NOW).census.inHospital.items.map((i) => i.visitNumber);
    expect(order("tier")).toEqual(["I", "II-new", "II-old", "none"]);
    expect(order("days")).toEqual(["I", "II-old", "II-new", "none"]);
    expect(order("name")).toEqual(["none", "II-new", "II-old", "I"]);
  });

  it("leaves out discharges whose patient was reached, and others' patients in scope=mine", () => {
    const rows = [
      discharged("reached", 20, { reached: true }),
      discharged("waiting", 20, { attempts: 2, last_attempt_at: at(3) }),
      discharged("colleague's", 20, { mine: false }),
    ];
    const { census, shown } = buildCensus(rows, { ...view, scope: "mine" }, NOW);
    expect(census.recentlyDischarged.items.map((i) => [i.visitNumber, i.contact.status])).toEqual([
      ["waiting", "attempted"],
    ]);
    expect(shown.map((r) => r.visit_number)).toEqual(["waiting"]);
  });

  it("filters, cuts each list at the limit with the full count, and offers the scope's choices", () => {
    const rows = [
      row("a", { care_manager_id: "5", care_manager_name: "Robin" }),
      row("b", { facility: "LUKE", facility_name: "St. Luke", setting: "ed" }),
      row("c"),
    ];
    const ed = buildCensus(rows, { ...view, setting: "ed" }, NOW).census;
    expect(ed.inHospital.items.map((i) => i.visitNumber)).toEqual(["b"]);
    expect(ed.options.facilities.map((f) => f.code)).toEqual(["MERCY", "LUKE"]);
    expect(ed.options.careManagers).toEqual([{ id: "5", displayName: "Robin" }]);
    const cut = buildCensus(rows, { ...view, limit: 1 }, NOW);
    expect([cut.census.inHospital.items.length, cut.census.inHospital.total, cut.shown.length]).toEqual([
      1, 3, 1,
    ]);
    expect(buildCensus(rows, { ...view, careManager: "5" }, NOW).census.inHospital.total).toBe(1);
  });

  it("reads event times in the facility's zone, the practice's when the facility gave none", () => {
    const [stay] = buildCensus([row("a")], view, NOW).census.inHospital.items;
    expect(stay?.facility.timeZone).toBe("America/New_York");
    expect(stay?.hoursSince).toBe(5);
  });
});
