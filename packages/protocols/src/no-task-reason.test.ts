import { describe, expect, it } from "vitest";
import { DEFAULT_PROTOCOLS } from "./default-protocols.ts";
import { noTaskReason } from "./no-task-reason.ts";
import { planTasks } from "./plan-tasks.ts";
import { CHICAGO_PRACTICE, matchedEvent } from "./test-fixtures.ts";

const enrollment = {
  program: "complex-care",
  riskTier: "II",
  status: "active",
  leadOrganization: "practice",
  copy: "lead",
} as const;

describe("noTaskReason", () => {
  it.each([
    ["a retraction", { matchKind: "retraction" } as const, "retraction"],
    ["a monitor copy", { enrollment: { ...enrollment, copy: "monitor" } } as const, "monitor-copy"],
    ["a deceased patient", { deceased: true }, "deceased"],
    ["an ED arrival of a patient not enrolled", { enrollment: null }, "not-enrolled"],
    [
      "a Priority II admission",
      { kind: "inpatient-admit", enrollment: { ...enrollment, riskTier: "II" } } as const,
      "no-protocol-for-event",
    ],
    [
      "a tracking-list patient's ED arrival",
      { enrollment: { ...enrollment, status: "tracking_list" } } as const,
      "enrollment-status",
    ],
    [
      "a Priority II admission of a monitor-status patient",
      { kind: "inpatient-admit", enrollment: { ...enrollment, status: "monitor" } } as const,
      "no-protocol-for-event",
    ],
  ])("names why %s opens no task, and planTasks agrees", (_name, options, reason) => {
    const matched = matchedEvent(options);
    expect(planTasks(matched, DEFAULT_PROTOCOLS, CHICAGO_PRACTICE)).toEqual([]);
    expect(noTaskReason(matched, DEFAULT_PROTOCOLS)).toBe(reason);
  });

  it("is undefined exactly when planTasks opens a task", () => {
    for (const matched of [
      matchedEvent({ enrollment }),
      matchedEvent({ kind: "inpatient-admit", enrollment: { ...enrollment, status: "tracking_list" } }),
    ]) {
      expect(planTasks(matched, DEFAULT_PROTOCOLS, CHICAGO_PRACTICE)).not.toEqual([]);
      expect(noTaskReason(matched, DEFAULT_PROTOCOLS)).toBeUndefined();
    }
  });
});
