import { describe, expect, it } from "vitest";
import type { EvaluatedTask } from "./follow-up-measure.ts";
import { missesOf, missReason, summarizeFollowUp } from "./follow-up-measure.ts";

const now = new Date("2024-03-20T12:00:00Z");

function task(overrides: Partial<EvaluatedTask>): EvaluatedTask {
  return {
    taskId: "t",
    organizationId: "1",
    organizationName: "Springvale",
    careManagerId: null,
    careManagerName: null,
    program: null,
    tier: null,
    triggerMonth: "2024-03",
    protocolId: "ed-follow-up",
    stepId: "follow-up-call",
    triggeredAt: new Date("2024-03-04T15:00:00Z"),
    dueAt: new Date("2024-03-07T03:59:59.999Z"),
    status: "open",
    outcome: null,
    completedAt: null,
    contactedAt: null,
    patientId: "9",
    patientName: null,
    facility: "MERCYGEN",
    visitNumber: "V1",
    windowEndsAt: new Date("2024-03-07T03:59:59.999Z"),
    met: false,
    hoursToContact: null,
    ...overrides,
  };
}

describe("summarizeFollowUp", () => {
  it("counts numerator, rate and contact times per group, sorted by label with none last", () => {
    const tasks = [
      task({ taskId: "a", tier: "II", met: true, hoursToContact: 10, status: "completed" }),
      task({ taskId: "b", tier: "I", met: true, hoursToContact: 20, status: "completed" }),
      task({ taskId: "c", tier: "I", met: false, hoursToContact: 100, status: "completed" }),
      task({ taskId: "d", tier: null }),
      task({ taskId: "e", tier: "III", windowEndsAt: new Date("2024-03-21T03:59:59.999Z") }),
    ];
    const { rows, total } = summarizeFollowUp(tasks, "tier", now);
    expect(rows.map((r) => r.group)).toEqual(["I", "II", "III", "No tier"]);
    expect(rows[0]).toMatchObject({
      groupKey: "I",
      denominator: 2,
      numerator: 1,
      rate: 0.5,
      contacted: 2,
      medianHoursToContact: 60,
      p90HoursToContact: 92,
    });
    expect(rows[2]).toMatchObject({
      denominator: 1,
      numerator: 0,
      rate: 0,
      openInWindow: 1,
      medianHoursToContact: null,
    });
    expect(rows[3]).toMatchObject({ groupKey: null, denominator: 1, openInWindow: 0 });
    expect(total).toMatchObject({
      denominator: 5,
      numerator: 2,
      rate: 0.4,
      contacted: 3,
      medianHoursToContact: 20,
    });
  });

  it("groups care managers by id and names them, unassigned last", () => {
    const tasks = [
      task({ taskId: "a", careManagerId: "7", careManagerName: "Zoe Park" }),
      task({ taskId: "b", careManagerId: "8", careManagerName: "Ana Ruiz" }),
      task({ taskId: "c" }),
    ];
    const { rows } = summarizeFollowUp(tasks, "care_manager", now);
    expect(rows.map((r) => [r.groupKey, r.group])).toEqual([
      ["8", "Ana Ruiz"],
      ["7", "Zoe Park"],
      [null, "Unassigned"],
    ]);
  });

  it("gives an empty report for no tasks", () => {
    const { rows, total } = summarizeFollowUp([], "practice", now);
    expect(rows).toEqual([]);
    expect(total).toMatchObject({ denominator: 0, numerator: 0, rate: null, medianHoursToContact: null });
  });
});

describe("missesOf", () => {
  it("keeps the tasks outside the numerator", () => {
    const tasks = [task({ taskId: "a", met: true }), task({ taskId: "b" })];
    expect(missesOf(tasks).map((t) => t.taskId)).toEqual(["b"]);
  });
});

describe("missReason", () => {
  it("tells open, overdue, late and no-contact misses apart", () => {
    expect(missReason(task({ windowEndsAt: new Date("2024-03-21T00:00:00Z") }), now)).toBe("open-in-window");
    expect(missReason(task({}), now)).toBe("overdue");
    const completedAt = new Date("2024-03-10T00:00:00Z");
    expect(
      missReason(
        task({ completedAt, status: "completed", outcome: "reached_patient", hoursToContact: 129 }),
        now,
      ),
    ).toBe("late-contact");
    expect(missReason(task({ completedAt, status: "completed", outcome: "left_message" }), now)).toBe(
      "no-contact",
    );
  });
});
