import { describe, expect, it } from "vitest";
import { DEFAULT_PROTOCOLS } from "./default-protocols.ts";
import { COMMUNITY_DISCHARGE_DISPOSITIONS } from "./discharge-dispositions.ts";
import { ProtocolsFile } from "./protocol.ts";

const protocol = (id: string) => {
  const found = DEFAULT_PROTOCOLS.protocols.find((p) => p.protocolId === id);
  if (found === undefined) throw new Error(`no protocol ${id}`);
  return found;
};

describe("DEFAULT_PROTOCOLS", () => {
  it("is a valid protocols file with every default spelled out", () => {
    expect(ProtocolsFile.parse(DEFAULT_PROTOCOLS)).toEqual(DEFAULT_PROTOCOLS);
  });

  it("follows the design brief's clinical rules", () => {
    const summary = DEFAULT_PROTOCOLS.protocols.map((p) => ({
      id: p.protocolId,
      enabled: p.enabled,
      population: p.population,
      kinds: p.trigger.eventKinds,
      steps: p.steps.map((s) => [s.stepId, s.due, s.riskTiers ?? "any"]),
    }));
    expect(summary).toEqual([
      {
        id: "ed-follow-up",
        enabled: true,
        population: "enrolled",
        kinds: ["ed-arrival", "ed-discharge"],
        steps: [["follow-up-call", { type: "business-days", days: 2, indexDayCounts: false }, "any"]],
      },
      {
        id: "ed-follow-up-fmc",
        enabled: false,
        population: "enrolled",
        kinds: ["ed-arrival", "ed-discharge"],
        steps: [["follow-up-7-days", { type: "calendar-days", days: 7, indexDayCounts: false }, "any"]],
      },
      {
        id: "inpatient-discharge",
        enabled: true,
        population: "attributed",
        kinds: ["discharge"],
        steps: [
          ["interactive-contact", { type: "business-days", days: 2, indexDayCounts: false }, "any"],
          ["face-to-face-7-days", { type: "calendar-days", days: 7, indexDayCounts: false }, ["I"]],
          [
            "face-to-face-14-days",
            { type: "calendar-days", days: 14, indexDayCounts: false },
            ["II", "III", "none"],
          ],
          ["medication-reconciliation", { type: "calendar-days", days: 30, indexDayCounts: false }, "any"],
        ],
      },
      {
        id: "inpatient-admission-priority-i",
        enabled: true,
        population: "enrolled",
        kinds: ["inpatient-admit", "ed-to-inpatient", "outpatient-to-inpatient"],
        steps: [["in-hospital-touch", { type: "next-business-day" }, "any"]],
      },
      {
        id: "tracking-list-admission",
        enabled: true,
        population: "enrolled",
        kinds: ["inpatient-admit", "ed-to-inpatient", "outpatient-to-inpatient"],
        steps: [["in-hospital-visit", { type: "next-business-day" }, "any"]],
      },
    ]);
    expect(protocol("inpatient-admission-priority-i").trigger.riskTiers).toEqual(["I"]);
    expect(protocol("inpatient-discharge").trigger.dischargeDispositions).toEqual(
      COMMUNITY_DISCHARGE_DISPOSITIONS,
    );
    expect(protocol("ed-follow-up").cancelledBy).toContain("ed-to-inpatient");
  });

  it("gives tracking-list patients the guideline's in-hospital visit and six-month review, and nothing else", () => {
    const tracking = DEFAULT_PROTOCOLS.protocols.filter(
      (p) => p.enrollmentStatuses === undefined || p.enrollmentStatuses.includes("tracking_list"),
    );
    // The attributed-only discharge protocol applies to every patient of the practice.
    expect(tracking.map((p) => p.protocolId)).toEqual(["inpatient-discharge", "tracking-list-admission"]);
    expect(protocol("tracking-list-admission")).toMatchObject({
      enrollmentStatuses: ["tracking_list"],
      cancelledBy: ["discharge"],
      cancelReason: "discharged before the visit",
    });
    // Any patient class, so an observation stay admitted with A01/A06 is a chance to visit too.
    expect(protocol("tracking-list-admission").trigger.patientClasses).toBeUndefined();
    expect(DEFAULT_PROTOCOLS.reviews).toEqual([
      expect.objectContaining({
        protocolId: "tracking-list-review",
        enabled: true,
        enrollmentStatuses: ["tracking_list"],
        step: expect.objectContaining({
          taskType: "tracking-list-review",
          title: "Tracking-list review: engage or remove",
          due: { type: "calendar-months", months: 6 },
          opensDaysBeforeDue: 14,
        }),
      }),
    ]);
  });

  it("gives every step a reminder and an escalation to the supervisor", () => {
    for (const p of DEFAULT_PROTOCOLS.protocols) {
      for (const step of p.steps) {
        expect(step.reminders.length, step.stepId).toBeGreaterThan(0);
        expect(step.escalation?.role, step.stepId).toBe("supervisor");
      }
    }
  });

  it("gives a face-to-face visit to every tier exactly once", () => {
    const faceToFace = protocol("inpatient-discharge").steps.filter(
      (s) => s.taskType === "face-to-face-visit",
    );
    const tiers = faceToFace.flatMap((s) => s.riskTiers ?? []);
    expect(tiers.sort()).toEqual(["I", "II", "III", "none"]);
  });
});
