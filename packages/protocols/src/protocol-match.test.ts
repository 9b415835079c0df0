import { describe, expect, it } from "vitest";
import { Protocol } from "./protocol.ts";
import { protocolApplies, riskTierOf, stepApplies } from "./protocol-match.ts";
import { matchedEvent } from "./test-fixtures.ts";

const protocol = (overrides: Record<string, unknown> = {}, trigger: Record<string, unknown> = {}) =>
  Protocol.parse({
    protocolId: "p",
    title: "P",
    programs: "all",
    population: "attributed",
    trigger: { eventKinds: ["discharge"], ...trigger },
    steps: [{ stepId: "s", taskType: "follow-up-call", title: "S", due: { type: "next-business-day" } }],
    ...overrides,
  });

const discharge = (visit: Record<string, string>, extra: Parameters<typeof matchedEvent>[0] = {}) =>
  matchedEvent({ kind: "discharge", visit: { visitNumber: "V1", ...visit }, ...extra });

describe("protocolApplies", () => {
  it("needs the event kind, and nothing else when the trigger sets nothing else", () => {
    expect(protocolApplies(protocol(), discharge({}))).toBe(true);
    expect(protocolApplies(protocol(), matchedEvent({ kind: "ed-arrival" }))).toBe(false);
    expect(protocolApplies(protocol({ enabled: false }), discharge({}))).toBe(false);
  });

  it("filters on PV1-2, letting observation stays through only when asked", () => {
    const inpatientOnly = protocol({}, { patientClasses: ["I"] });
    expect(protocolApplies(inpatientOnly, discharge({ patientClass: "I" }))).toBe(true);
    expect(protocolApplies(inpatientOnly, discharge({ patientClass: "O" }, { isObservation: true }))).toBe(
      false,
    );
    expect(protocolApplies(inpatientOnly, discharge({}))).toBe(false);
    const withObservation = protocol({}, { patientClasses: ["I"], includeObservationStays: true });
    expect(protocolApplies(withObservation, discharge({ patientClass: "O" }, { isObservation: true }))).toBe(
      true,
    );
    expect(protocolApplies(withObservation, discharge({ patientClass: "O" }))).toBe(false);
  });

  it("filters on PV1-36, and lets a missing disposition match or skip as configured", () => {
    const home = protocol({}, { dischargeDispositions: ["01"] });
    expect(protocolApplies(home, discharge({ dischargeDisposition: "01" }))).toBe(true);
    expect(protocolApplies(home, discharge({ dischargeDisposition: "03" }))).toBe(false);
    expect(protocolApplies(home, discharge({}))).toBe(true);
    const strict = protocol({}, { dischargeDispositions: ["01"], whenDispositionMissing: "skip" });
    expect(protocolApplies(strict, discharge({}))).toBe(false);
  });

  it("matches risk tiers, with `none` for a patient without enrollment", () => {
    const noTier = protocol({}, { riskTiers: ["none"] });
    expect(protocolApplies(noTier, discharge({}, { enrollment: null }))).toBe(true);
    expect(protocolApplies(noTier, discharge({}))).toBe(false);
  });

  it("checks population, enrollment status and program", () => {
    const enrolled = protocol({
      population: "enrolled",
      enrollmentStatuses: ["active"],
      programs: ["complex-care"],
    });
    expect(protocolApplies(enrolled, discharge({}))).toBe(true);
    expect(protocolApplies(enrolled, discharge({}, { enrollment: null }))).toBe(false);
    const base = discharge({}).enrollment;
    if (base === undefined) throw new Error("fixture has an enrollment");
    expect(protocolApplies(enrolled, discharge({}, { enrollment: { ...base, status: "monitor" } }))).toBe(
      false,
    );
    expect(protocolApplies(enrolled, discharge({}, { enrollment: { ...base, program: "diabetes" } }))).toBe(
      false,
    );
  });
});

describe("stepApplies and riskTierOf", () => {
  it("reads the enrollment's tier, `none` without one", () => {
    const [step] = protocol().steps;
    if (step === undefined) throw new Error("no step");
    expect(riskTierOf(discharge({}))).toBe("II");
    expect(riskTierOf(discharge({}, { enrollment: null }))).toBe("none");
    expect(stepApplies(step, discharge({}))).toBe(true);
    expect(stepApplies({ ...step, riskTiers: ["I"] }, discharge({}))).toBe(false);
    expect(stepApplies({ ...step, riskTiers: ["none"] }, discharge({}, { enrollment: null }))).toBe(true);
  });
});
