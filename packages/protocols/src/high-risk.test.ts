import { describe, expect, it } from "vitest";
import { DEFAULT_PROTOCOLS } from "./default-protocols.ts";
import { type HighRiskFacts, highRiskDefinitionOf, isHighRisk } from "./high-risk.ts";
import { ProtocolsFile } from "./protocol.ts";

const row = (facts: Partial<HighRiskFacts>): HighRiskFacts => ({
  program: "complex-care",
  riskTier: null,
  planRiskScore: null,
  practiceFlag: null,
  status: "active",
  ...facts,
});

describe("the high-risk definition", () => {
  it("by default: Priority I or II, or the practice's flag; an unassigned tier or tier III is not", () => {
    expect(isHighRisk(DEFAULT_PROTOCOLS, row({ riskTier: "I" }))).toBe(true);
    expect(isHighRisk(DEFAULT_PROTOCOLS, row({ riskTier: "II" }))).toBe(true);
    expect(isHighRisk(DEFAULT_PROTOCOLS, row({ riskTier: "III" }))).toBe(false);
    expect(isHighRisk(DEFAULT_PROTOCOLS, row({ riskTier: null }))).toBe(false);
    expect(isHighRisk(DEFAULT_PROTOCOLS, row({ practiceFlag: true }))).toBe(true);
    expect(isHighRisk(DEFAULT_PROTOCOLS, row({ planRiskScore: 99 }))).toBe(false);
  });

  it("a program can set its own: a plan risk score threshold and list membership", () => {
    const file = ProtocolsFile.parse({
      ...DEFAULT_PROTOCOLS,
      programs: [
        {
          program: "plan-high-risk",
          highRisk: { riskTiers: ["I"], planRiskScoreAtLeast: 2.5, listStatuses: ["active", "monitor"] },
        },
      ],
    });
    const plan = (facts: Partial<HighRiskFacts>) => row({ program: "plan-high-risk", ...facts });
    expect(highRiskDefinitionOf(file, "plan-high-risk")).toMatchObject({
      practiceFlag: true,
      riskTiers: ["I"],
    });
    expect(isHighRisk(file, plan({ status: "monitor" }))).toBe(true);
    expect(isHighRisk(file, plan({ status: "tracking_list", planRiskScore: 2.5 }))).toBe(true);
    expect(isHighRisk(file, plan({ status: "tracking_list", planRiskScore: 2.4, riskTier: "II" }))).toBe(
      false,
    );
    // Other programs keep the file's definition.
    expect(isHighRisk(file, row({ riskTier: "II" }))).toBe(true);
  });

  it("refuses a program defined twice", () => {
    const twice = { program: "x", highRisk: {} };
    expect(ProtocolsFile.safeParse({ ...DEFAULT_PROTOCOLS, programs: [twice, twice] }).success).toBe(false);
  });
});
