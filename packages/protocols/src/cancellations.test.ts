import { describe, expect, it } from "vitest";
import { cancellationsFor } from "./cancellations.ts";
import { DEFAULT_PROTOCOLS } from "./default-protocols.ts";
import { planTasks } from "./plan-tasks.ts";
import { CHICAGO_PRACTICE, matchedEvent } from "./test-fixtures.ts";

describe("cancellationsFor", () => {
  it("cancels the ED follow-up tasks when the ED visit becomes an admission on the same encounter", () => {
    const opened = planTasks(matchedEvent({ kind: "ed-arrival" }), DEFAULT_PROTOCOLS, CHICAGO_PRACTICE);
    const admitted = matchedEvent({
      kind: "ed-to-inpatient",
      controlId: "2",
      occurredAt: "2026-09-05T02:00:00-05:00",
    });
    const cancellations = cancellationsFor(admitted, DEFAULT_PROTOCOLS);
    expect(cancellations).toEqual([
      {
        taskId: opened[0]?.taskId,
        protocolId: "ed-follow-up",
        stepId: "follow-up-call",
        reason: "ed-to-inpatient (A06) on the same encounter",
        exclusion: "admitted",
      },
      {
        taskId: expect.stringMatching(/^task_/),
        protocolId: "ed-follow-up-fmc",
        stepId: "follow-up-7-days",
        reason: "ed-to-inpatient (A06) on the same encounter",
        exclusion: "admitted",
      },
    ]);
  });

  it("cancels the tracking-list in-hospital visit on discharge with its own reason", () => {
    const tracking = {
      program: "complex-care",
      riskTier: "II",
      status: "tracking_list",
      leadOrganization: "practice",
      copy: "lead",
    } as const;
    const admitted = planTasks(
      matchedEvent({ kind: "inpatient-admit", enrollment: tracking }),
      DEFAULT_PROTOCOLS,
      CHICAGO_PRACTICE,
    );
    expect(admitted.map((t) => t.stepId)).toEqual(["in-hospital-visit"]);
    const discharged = matchedEvent({ kind: "discharge", controlId: "2", enrollment: tracking });
    expect(cancellationsFor(discharged, DEFAULT_PROTOCOLS)).toContainEqual({
      taskId: admitted[0]?.taskId,
      protocolId: "tracking-list-admission",
      stepId: "in-hospital-visit",
      reason: "discharged before the visit (A03)",
      exclusion: "not-applicable",
    });
  });

  it("cancels the in-hospital touch on discharge, for the lead and monitor copies alike", () => {
    const monitor = {
      program: "complex-care",
      riskTier: "I",
      status: "active",
      leadOrganization: "plan",
      copy: "monitor",
    } as const;
    for (const enrollment of [undefined, monitor]) {
      const discharged = matchedEvent({ kind: "discharge", ...(enrollment ? { enrollment } : {}) });
      expect(cancellationsFor(discharged, DEFAULT_PROTOCOLS).map((c) => c.stepId)).toEqual([
        "in-hospital-touch",
        "in-hospital-visit",
      ]);
    }
  });

  it("cancels nothing for events no protocol lists, nor for retractions", () => {
    expect(cancellationsFor(matchedEvent({ kind: "ed-arrival" }), DEFAULT_PROTOCOLS)).toEqual([]);
    expect(
      cancellationsFor(matchedEvent({ kind: "ed-to-inpatient", matchKind: "retraction" }), DEFAULT_PROTOCOLS),
    ).toEqual([]);
  });
});
