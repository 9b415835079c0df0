import { describe, expect, it } from "vitest";
import type { EvaluatedTask } from "./follow-up-measure.ts";
import {
  countedLines,
  linesByVerdict,
  missReason,
  summarizeFollowUp,
  verdictOf,
} from "./follow-up-measure.ts";

const now = new Date("2024-03-20T12:00:00Z");

function task(overrides: Partial<EvaluatedTask>): EvaluatedTask {
  return {
    taskId: "t",
    organizationId: "1",
    organizationName: "Springvale",
    timeZone: "America/New_York",
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
    excludedReason: null,
    cancelReason: null,
    highRisk: true,
    windowEndsAt: new Date("2024-03-07T03:59:59.999Z"),
    met: false,
    hoursToContact: null,
    ...overrides,
  };
}

const RUNNING = new Date("2024-03-21T03:59:59.999Z");

describe("verdictOf", () => {
  it("excluded beats everything, met beats pending, an open task past its window is missed", () => {
    expect(verdictOf(task({ excludedReason: "admitted", met: true, status: "completed" }), now)).toBe(
      "excluded",
    );
    expect(verdictOf(task({ met: true, windowEndsAt: RUNNING }), now)).toBe("met");
    expect(verdictOf(task({ windowEndsAt: RUNNING }), now)).toBe("pending");
    expect(verdictOf(task({ status: "in_progress", windowEndsAt: RUNNING }), now)).toBe("pending");
    expect(verdictOf(task({}), now)).toBe("missed");
    // Closed without reaching the patient, window still running: a miss, nobody will call now.
    expect(
      verdictOf(
        task({ status: "completed", outcome: "left_message", completedAt: now, windowEndsAt: RUNNING }),
        now,
      ),
    ).toBe("missed");
  });
});

describe("summarizeFollowUp per visit", () => {
  it("leaves pending and excluded lines out of numerator and denominator, and counts them apart", () => {
    const tasks = [
      task({ taskId: "a", tier: "II", met: true, hoursToContact: 10, status: "completed" }),
      task({ taskId: "b", tier: "I", met: true, hoursToContact: 20, status: "completed" }),
      task({ taskId: "c", tier: "I", met: false, hoursToContact: 100, status: "completed" }),
      task({ taskId: "d", tier: null }),
      task({ taskId: "e", tier: "III", windowEndsAt: RUNNING }),
      task({ taskId: "f", tier: "I", status: "cancelled", excludedReason: "transferred" }),
      task({
        taskId: "g",
        tier: "II",
        status: "completed",
        met: true,
        hoursToContact: 5,
        excludedReason: "admitted",
      }),
    ];
    const { rows, total } = summarizeFollowUp(tasks, "tier", now);
    expect(rows.map((r) => [r.group, r.denominator, r.numerator, r.pending, r.excluded])).toEqual([
      ["I", 2, 1, 0, 1],
      ["II", 1, 1, 0, 1],
      ["III", 0, 0, 1, 0],
      ["No tier", 1, 0, 0, 0],
    ]);
    expect(rows[0]).toMatchObject({
      rate: 0.5,
      contacted: 2,
      medianHoursToContact: 60,
      p90HoursToContact: 92,
    });
    expect(rows[2]).toMatchObject({ rate: null, medianHoursToContact: null });
    // Denominator a b c d (4), numerator a b (2); e pending; f g excluded. Hours 10, 20, 100: median 20.
    expect(total).toEqual({
      denominator: 4,
      numerator: 2,
      rate: 0.5,
      contacted: 3,
      medianHoursToContact: 20,
      p90HoursToContact: 84,
      pending: 1,
      excluded: 2,
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

describe("per patient", () => {
  const at = (day: number) => new Date(`2024-03-${String(day).padStart(2, "0")}T15:00:00Z`);
  // Patient 1: first visit (3rd) excluded (admitted), second (5th) missed, third (12th) met: judged by the 5th.
  // Patient 2: one visit, met. Patient 3: first visit met, later one missed: met. Patient 4: only
  // visit still pending. Patient 5: every visit excluded. Patient 1 at practice 2: its own line.
  const tasks = [
    task({
      taskId: "1a",
      patientId: "1",
      triggeredAt: at(3),
      status: "cancelled",
      excludedReason: "admitted",
    }),
    task({ taskId: "1b", patientId: "1", triggeredAt: at(5) }),
    task({
      taskId: "1c",
      patientId: "1",
      triggeredAt: at(12),
      met: true,
      status: "completed",
      hoursToContact: 4,
    }),
    task({
      taskId: "2a",
      patientId: "2",
      triggeredAt: at(6),
      met: true,
      status: "completed",
      hoursToContact: 8,
    }),
    task({
      taskId: "3a",
      patientId: "3",
      triggeredAt: at(2),
      met: true,
      status: "completed",
      hoursToContact: 30,
    }),
    task({ taskId: "3b", patientId: "3", triggeredAt: at(9) }),
    task({ taskId: "4a", patientId: "4", triggeredAt: at(19), windowEndsAt: RUNNING }),
    task({ taskId: "5a", patientId: "5", triggeredAt: at(1), status: "cancelled", excludedReason: "died" }),
    task({ taskId: "5b", patientId: "5", triggeredAt: at(7), status: "cancelled", excludedReason: "died" }),
    task({
      taskId: "6a",
      patientId: "1",
      organizationId: "2",
      organizationName: "Lakeside",
      triggeredAt: at(4),
    }),
  ];

  it("counts each patient once, by their first visit that is not excluded", () => {
    const lines = countedLines(tasks, "patient", now);
    expect(lines.map((l) => [l.organizationId, l.patientId, l.taskId, l.verdict, l.visits])).toEqual([
      ["1", "1", "1b", "missed", 3],
      ["1", "2", "2a", "met", 1],
      ["1", "3", "3a", "met", 2],
      ["1", "4", "4a", "pending", 1],
      ["1", "5", "5a", "excluded", 2],
      ["2", "1", "6a", "missed", 1],
    ]);
    // Denominator: patients 1 (practice 1), 2, 3, and 1 (practice 2) = 4; numerator 2 and 3 = 2.
    const { total, rows } = summarizeFollowUp(tasks, "practice", now, "patient");
    expect(total).toMatchObject({
      denominator: 4,
      numerator: 2,
      rate: 0.5,
      pending: 1,
      excluded: 1,
      contacted: 2,
    });
    expect(rows.map((r) => [r.group, r.denominator, r.numerator])).toEqual([
      ["Lakeside", 1, 0],
      ["Springvale", 3, 2],
    ]);
    // Per visit the same tasks: denominator 1b 1c 2a 3a 3b 6a = 6, numerator 1c 2a 3a = 3.
    expect(summarizeFollowUp(tasks, "practice", now, "visit").total).toMatchObject({
      denominator: 6,
      numerator: 3,
      pending: 1,
      excluded: 3,
    });
  });

  it("by month, once per month: a patient with visits in two months is a line in each", () => {
    const twoMonths = [
      task({
        taskId: "m1",
        triggerMonth: "2024-02",
        triggeredAt: at(1),
        met: true,
        status: "completed",
        hoursToContact: 1,
      }),
      task({ taskId: "m2", triggerMonth: "2024-03", triggeredAt: at(8) }),
      task({
        taskId: "m3",
        triggerMonth: "2024-03",
        triggeredAt: at(9),
        met: true,
        status: "completed",
        hoursToContact: 2,
      }),
    ];
    const { rows, total } = summarizeFollowUp(twoMonths, "month", now, "patient");
    expect(rows.map((r) => [r.group, r.denominator, r.numerator])).toEqual([
      ["2024-02", 1, 1],
      ["2024-03", 1, 0],
    ]);
    expect(total).toMatchObject({ denominator: 1, numerator: 1 });
  });

  it("lists misses, pending and excluded as the numbers count them", () => {
    const lists = linesByVerdict(tasks, "patient", now);
    expect(lists.misses.map((l) => l.taskId)).toEqual(["1b", "6a"]);
    expect(lists.pending.map((l) => l.taskId)).toEqual(["4a"]);
    expect(lists.excluded.map((l) => l.taskId)).toEqual(["5a"]);
  });
});

describe("missReason", () => {
  it("tells overdue, late and no-contact misses apart", () => {
    expect(missReason(task({}))).toBe("overdue");
    const completedAt = new Date("2024-03-10T00:00:00Z");
    expect(
      missReason(task({ completedAt, status: "completed", outcome: "reached_patient", hoursToContact: 129 })),
    ).toBe("late-contact");
    expect(missReason(task({ completedAt, status: "completed", outcome: "left_message" }))).toBe(
      "no-contact",
    );
    // Reached late by an attempt while the task is still open.
    expect(missReason(task({ contactedAt: completedAt, hoursToContact: 129 }))).toBe("late-contact");
  });
});
