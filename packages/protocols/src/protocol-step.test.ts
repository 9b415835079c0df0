import { describe, expect, it } from "vitest";
import { ProtocolId, ProtocolStep } from "./protocol-step.ts";

const step = {
  stepId: "follow-up-call",
  taskType: "follow-up-call",
  title: "Follow-up call",
  due: { type: "business-days", days: 2, indexDayCounts: false },
};

describe("ProtocolStep", () => {
  it("defaults to no reminders and no escalation", () => {
    expect(ProtocolStep.parse(step)).toEqual({ ...step, reminders: [] });
  });

  it("accepts reminders in hours or at a local time, and an escalation", () => {
    const full = {
      ...step,
      riskTiers: ["II", "III", "none"],
      reminders: [
        { type: "hours-before-due", hours: 4 },
        { type: "business-day-at", at: "08:30", businessDaysBeforeDue: 1 },
      ],
      escalation: { after: { type: "hours-after-due", hours: 0 }, role: "supervisor", channel: "pager" },
    };
    expect(ProtocolStep.parse(full)).toEqual(full);
  });

  it("reports bad times, roles, channels, task types and duplicates, each at its path", () => {
    const bad = {
      ...step,
      taskType: "home-visit",
      riskTiers: ["I", "I"],
      reminders: [
        { type: "business-day-at", at: "25:00", businessDaysBeforeDue: 0 },
        { type: "hours-before-due", hours: 4 },
        { type: "hours-before-due", hours: 4 },
      ],
      escalation: {
        after: { type: "business-day-at", at: "09:00", businessDaysAfterDue: 0 },
        role: "boss",
        channel: "sms",
      },
    };
    const paths = ProtocolStep.safeParse(bad).error?.issues.map((i) => i.path.join("."));
    expect(paths?.sort()).toEqual(
      [
        "taskType",
        "reminders.0.at",
        "escalation.after.businessDaysAfterDue",
        "escalation.role",
        "escalation.channel",
      ].sort(),
    );
    const duplicates = ProtocolStep.safeParse({
      ...step,
      riskTiers: ["I", "I"],
      reminders: [
        { type: "hours-before-due", hours: 4 },
        { type: "hours-before-due", hours: 4 },
      ],
    });
    expect(duplicates.error?.issues.map((i) => i.path.join("."))).toEqual(["riskTiers.1", "reminders.1"]);
  });
});

describe("ProtocolId", () => {
  it("is lower-case kebab-case", () => {
    expect(ProtocolId.safeParse("ed-follow-up").success).toBe(true);
    for (const bad of ["ED-follow-up", "ed_follow_up", "-ed", "ed--x", "", "a".repeat(65)]) {
      expect(ProtocolId.safeParse(bad).success, bad).toBe(false);
    }
  });
});
