import { describe, expect, it } from "vitest";
import { Protocol, ProtocolsFile, ProtocolTrigger } from "./protocol.ts";

const minimal = {
  protocolId: "ed-follow-up",
  title: "ED follow-up",
  programs: "all",
  population: "enrolled",
  trigger: { eventKinds: ["ed-arrival"] },
  steps: [
    {
      stepId: "call",
      taskType: "follow-up-call",
      title: "Call",
      due: { type: "next-business-day" },
    },
  ],
};

const issues = (schema: typeof Protocol | typeof ProtocolsFile, input: unknown) =>
  schema.safeParse(input).error?.issues.map((i) => `${i.path.join(".")}: ${i.message}`);

describe("ProtocolTrigger", () => {
  it("defaults to no observation override and to matching events without a disposition", () => {
    expect(ProtocolTrigger.parse({ eventKinds: ["discharge"] })).toEqual({
      eventKinds: ["discharge"],
      includeObservationStays: false,
      whenDispositionMissing: "match",
    });
  });

  it("needs at least one known event kind, and no empty lists", () => {
    expect(ProtocolTrigger.safeParse({ eventKinds: [] }).success).toBe(false);
    expect(ProtocolTrigger.safeParse({ eventKinds: ["A03"] }).success).toBe(false);
    expect(ProtocolTrigger.safeParse({ eventKinds: ["discharge"], patientClasses: [] }).success).toBe(false);
    expect(ProtocolTrigger.safeParse({ eventKinds: ["discharge"], riskTiers: ["IV"] }).success).toBe(false);
  });
});

describe("Protocol", () => {
  it("fills in defaults: enabled, no cancellations, no reminders", () => {
    const parsed = Protocol.parse(minimal);
    expect(parsed.enabled).toBe(true);
    expect(parsed.cancelledBy).toEqual([]);
    expect(parsed.steps[0]?.reminders).toEqual([]);
  });

  it("refuses duplicate steps, a kind that both triggers and cancels, and contradictory populations", () => {
    const step = minimal.steps[0];
    expect(issues(Protocol, { ...minimal, steps: [step, step] })).toEqual([
      'steps.1: duplicate stepId "call" (first at index 0)',
    ]);
    expect(issues(Protocol, { ...minimal, cancelledBy: ["ed-to-inpatient", "ed-arrival"] })).toEqual([
      "cancelledBy.1: ed-arrival both triggers and cancels this protocol",
    ]);
    expect(
      issues(Protocol, {
        ...minimal,
        population: "attributed",
        programs: ["complex-care"],
        enrollmentStatuses: ["active"],
      }),
    ).toEqual([
      'programs: a program list needs population "enrolled" (programs come from enrollments)',
      'enrollmentStatuses: enrollment statuses need population "enrolled"',
    ]);
  });

  it("refuses unknown fields, so a misspelt option is not silently ignored", () => {
    expect(issues(Protocol, { ...minimal, cancelBy: ["ed-to-inpatient"] })?.[0]).toMatch(/cancelBy/);
  });
});

describe("ProtocolsFile", () => {
  it("needs schemaVersion 1 and unique protocol ids", () => {
    expect(ProtocolsFile.safeParse({ schemaVersion: 1, protocols: [minimal] }).success).toBe(true);
    expect(ProtocolsFile.safeParse({ schemaVersion: 2, protocols: [minimal] }).success).toBe(false);
    expect(issues(ProtocolsFile, { schemaVersion: 1, protocols: [minimal, minimal] })).toEqual([
      'protocols.1: duplicate protocolId "ed-follow-up" (first at index 0)',
    ]);
  });
});
