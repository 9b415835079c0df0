import { describe, expect, it } from "vitest";
import { pickAgenda } from "./agenda.ts";
import type { Enrollment, HighRiskEntry } from "./enrollment-schemas.ts";
import { type ListedPatient, rankCombined } from "./high-risk-ranking.ts";

let nextId = 1;
const row = (side: "plan" | "practice", f: Partial<Enrollment> = {}): Enrollment => ({
  id: String(nextId++),
  patientId: "0",
  program: "complex-care",
  side,
  listedBy: { id: side === "plan" ? "9" : "1", code: side, name: side },
  practiceOrganizationId: "1",
  riskTier: null,
  careManager: null,
  leadOrganization: null,
  status: "active",
  goal: null,
  goalMet: null,
  planRiskScore: null,
  practiceFlag: null,
  effectiveFrom: "2026-01-01",
  ...f,
});
const patient = (id: string, family: string, enrollments: Enrollment[]): ListedPatient => ({
  id,
  familyName: family,
  givenName: null,
  birthDate: null,
  enrollments,
});

describe("rankCombined", () => {
  it("lists a patient on a side only while that side's row is active or monitor", () => {
    const ranking = rankCombined(
      [
        patient("1", "ACTIVE-AND-TRACKING", [
          row("plan", { status: "tracking_list", planRiskScore: 0.9 }),
          row("practice", { riskTier: "II" }),
        ]),
        patient("2", "MONITOR", [row("plan", { status: "monitor", planRiskScore: 0.5 }), row("practice")]),
        patient("3", "TRACKED", [row("plan", { status: "tracking_list", planRiskScore: 0.99 })]),
      ],
      { perSide: 30 },
    );
    expect(ranking.entries.map((e) => [e.patient.id, e.listedBy, e.planRank, e.practiceRank])).toEqual([
      ["2", "both", 1, 2],
      ["1", "practice", null, 1],
    ]);
    expect(ranking.trackingList.map((e) => [e.patient.id, e.listedBy, e.planRow?.status])).toEqual([
      ["3", "tracking", "tracking_list"],
    ]);
    expect(ranking).toMatchObject({ planListed: 1, practiceListed: 2 });
  });

  it("ranks the practice's side by tier, then its high-risk flag, then name", () => {
    const ranking = rankCombined(
      [
        patient("1", "ZED", [row("practice", { riskTier: "I" })]),
        patient("2", "AMY", [row("practice", { riskTier: "II", practiceFlag: true })]),
        patient("3", "BOB", [row("practice", { riskTier: "I", practiceFlag: true })]),
        patient("4", "CAL", [row("practice")]),
      ],
      { perSide: 30 },
    );
    expect(ranking.entries.map((e) => e.patient.familyName)).toEqual(["BOB", "ZED", "AMY", "CAL"]);
  });
});

describe("pickAgenda", () => {
  const entry = (id: string, rank: number, listedBy: HighRiskEntry["listedBy"], goalMet: boolean | null) =>
    ({
      rank,
      patient: { id, displayName: id, birthDate: null },
      listedBy,
      enrollments: [{ ...row("practice", { goalMet }), editable: true, goalHistory: [] }],
    }) as unknown as HighRiskEntry;
  const event = (at: string) => ({
    matchId: `m-${at}`,
    kind: "ed-arrival",
    occurredAt: at,
    facility: { code: "F", name: "F", timeZone: "UTC" },
  });
  const task = (due: string) => ({
    id: `t-${due}`,
    title: "Call",
    status: "open",
    dueAt: due,
    timeZone: "UTC",
    assignee: null,
  });

  it("orders both-lists-with-events, open tasks, other events, unmet goals; leaves out patients with none", () => {
    const entries = [
      entry("goal-met", 1, "both", true),
      entry("unmet", 2, "plan", false),
      entry("plan-event", 3, "plan", true),
      entry("tasks-late", 4, "practice", true),
      entry("tasks-soon", 5, "both", true),
      entry("both-old-event", 6, "both", true),
      entry("both-new-event", 7, "both", true),
    ];
    const events = new Map([
      ["plan-event", [event("2026-03-09T00:00:00.000Z")]],
      ["both-old-event", [event("2026-02-20T00:00:00.000Z")]],
      ["both-new-event", [event("2026-03-08T00:00:00.000Z")]],
    ]);
    const tasks = new Map([
      ["tasks-late", [task("2026-03-20T00:00:00.000Z")]],
      ["tasks-soon", [task("2026-03-11T00:00:00.000Z")]],
    ]);
    const items = pickAgenda(entries, events, tasks, 10);
    expect(items.map((i) => [i.order, i.entry.patient.id, i.reason])).toEqual([
      [1, "both-new-event", "both-lists-recent-event"],
      [2, "both-old-event", "both-lists-recent-event"],
      [3, "tasks-soon", "open-tasks"],
      [4, "tasks-late", "open-tasks"],
      [5, "plan-event", "recent-event"],
      [6, "unmet", "goal-not-met"],
    ]);
    expect(pickAgenda(entries, events, tasks, 2).map((i) => i.entry.patient.id)).toEqual([
      "both-new-event",
      "both-old-event",
    ]);
  });
});
