import { describe, expect, it } from "vitest";
import { Protocol, ProtocolsFile, ProtocolTrigger, ReviewProtocol } from "./protocol.ts";

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

const review = {
  protocolId: "tracking-list-review",
  title: "Tracking-list review",
  programs: "all",
  enrollmentStatuses: ["tracking_list"],
  step: {
    stepId: "review",
    taskType: "tracking-list-review",
    title: "Review",
    due: { type: "calendar-months", months: 6 },
    opensDaysBeforeDue: 14,
  },
};

const issues = (schema: typeof Protocol | typeof ProtocolsFile | typeof ReviewProtocol, input: unknown) =>
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

describe("ReviewProtocol", () => {
  it("is enabled by default and needs the statuses it reviews", () => {
    expect(ReviewProtocol.parse(review).enabled).toBe(true);
    expect(issues(ReviewProtocol, { ...review, enrollmentStatuses: [] })?.[0]).toMatch(/enrollmentStatuses/);
    expect(
      issues(ReviewProtocol, { ...review, enrollmentStatuses: ["tracking_list", "tracking_list"] }),
    ).toEqual(['enrollmentStatuses.1: duplicate status "tracking_list" (first at index 0)']);
  });

  it("takes no reminders or escalation: there is no event to put in them", () => {
    expect(issues(ReviewProtocol, { ...review, step: { ...review.step, reminders: [] } })?.[0]).toMatch(
      /reminders/,
    );
    expect(
      issues(ReviewProtocol, { ...review, step: { ...review.step, opensDaysBeforeDue: 91 } }),
    ).toHaveLength(1);
  });
});

describe("ProtocolsFile", () => {
  it("reads a file without reviews as having none, and keeps review ids apart from event protocols'", () => {
    expect(ProtocolsFile.parse({ schemaVersion: 1, protocols: [minimal] }).reviews).toEqual([]);
    expect(ProtocolsFile.parse({ schemaVersion: 1, protocols: [], reviews: [review] }).reviews).toHaveLength(
      1,
    );
    expect(
      issues(ProtocolsFile, {
        schemaVersion: 1,
        protocols: [minimal],
        reviews: [{ ...review, protocolId: "ed-follow-up" }],
      }),
    ).toEqual(['reviews.0.protocolId: protocolId "ed-follow-up" is also an event protocol\'s']);
    expect(issues(ProtocolsFile, { schemaVersion: 1, protocols: [], reviews: [review, review] })).toEqual([
      'reviews.1: duplicate protocolId "tracking-list-review" (first at index 0)',
    ]);
  });

  it("needs schemaVersion 1 and unique protocol ids", () => {
    expect(ProtocolsFile.safeParse({ schemaVersion: 1, protocols: [minimal] }).success).toBe(true);
    expect(ProtocolsFile.safeParse({ schemaVersion: 2, protocols: [minimal] }).success).toBe(false);
    expect(issues(ProtocolsFile, { schemaVersion: 1, protocols: [minimal, minimal] })).toEqual([
      'protocols.1: duplicate protocolId "ed-follow-up" (first at index 0)',
    ]);
  });
});
