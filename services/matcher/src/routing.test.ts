import type { AdtEvent } from "@homeward/contracts";
import { describe, expect, it } from "vitest";
import { type Directory, type PatientContext, routeEvent } from "./routing.ts";

const event = (overrides: Partial<{ kind: string; sensitive: boolean; facility: string }> = {}) =>
  ({
    kind: overrides.kind ?? "ed-arrival",
    facility: { sendingFacility: overrides.facility ?? "MERCYGEN" },
    flags: { sensitiveFacility: overrides.sensitive ?? false, isEdVisit: true },
  }) as unknown as AdtEvent;

const directory: Directory = {
  organizations: new Map([
    ["practice", { id: "practice", kind: "practice" }],
    ["plan", { id: "plan", kind: "health_plan" }],
  ]),
  recipients: new Map([
    [
      "practice",
      [
        { id: "p-cm", role: "care_manager" },
        { id: "p-pcp", role: "pcp" },
        { id: "p-sup", role: "supervisor" },
      ],
    ],
    ["plan", [{ id: "h-cm", role: "care_manager" }]],
  ]),
  rules: new Map([
    [
      "practice",
      [
        { recipientRole: "pcp" },
        { recipientRole: "supervisor", riskTiers: ["I"], eventKinds: ["ed-arrival", "inpatient-admit"] },
      ],
    ],
    ["plan", [{ recipientRole: "care_manager", programs: ["complex-care"] }]],
  ]),
};

const patient = (over: Partial<PatientContext> = {}): PatientContext => ({
  patientId: "42",
  attributions: [{ practiceOrgId: "practice", source: "panel", effectiveFrom: "2026-01-01" }],
  enrollments: [],
  optOuts: [],
  ...over,
});

const enrolled = (lead: "practice" | "plan" | "joint", tier: "I" | "II" = "I") =>
  patient({
    enrollments: [
      {
        program: "complex-care",
        listedByOrgId: "plan",
        practiceOrgId: "practice",
        riskTier: tier,
        leadOrganization: lead,
        careManagerRecipientId: "p-cm",
        status: "active",
      },
    ],
  });

describe("routing", () => {
  it("an attributed patient: the practice leads, its PCP is told", () => {
    const { routes } = routeEvent(event(), patient(), directory);
    expect(routes).toEqual([
      expect.objectContaining({
        organizationId: "practice",
        copy: "lead",
        recipients: [{ recipientId: "p-pcp", role: "pcp", copy: "lead" }],
      }),
    ]);
  });

  it("lead organization decides who leads and who gets the monitor copy", () => {
    const copies = (lead: "practice" | "plan" | "joint") =>
      Object.fromEntries(
        routeEvent(event(), enrolled(lead), directory).routes.map((r) => [r.organizationId, r.copy]),
      );
    expect(copies("practice")).toEqual({ practice: "lead", plan: "monitor" });
    // Enrolled: the enrollment's lead decides, even for the practice the patient is attributed to.
    expect(copies("plan")).toEqual({ practice: "monitor", plan: "lead" });
    expect(copies("joint")).toEqual({ practice: "lead", plan: "lead" });
    // Attributed only: the practice leads.
    expect(routeEvent(event(), patient(), directory).routes.map((r) => r.copy)).toEqual(["lead"]);
  });

  it("rules pick recipients by event kind, program and tier; the enrollment's care manager is always told", () => {
    const practice = (tier: "I" | "II", kind = "ed-arrival") =>
      routeEvent(event({ kind }), enrolled("practice", tier), directory)
        .routes.find((r) => r.organizationId === "practice")
        ?.recipients.map((r) => r.recipientId);
    expect(practice("I")).toEqual(["p-cm", "p-pcp", "p-sup"]);
    expect(practice("II")).toEqual(["p-cm", "p-pcp"]);
    expect(practice("I", "discharge")).toEqual(["p-cm", "p-pcp"]);
    const plan = routeEvent(event(), enrolled("practice"), directory).routes.find(
      (r) => r.organizationId === "plan",
    );
    expect(plan?.recipients).toEqual([{ recipientId: "h-cm", role: "care-manager", copy: "monitor" }]);
  });

  it("a sensitive facility suppresses everyone, with the reason kept for the audit", () => {
    const routing = routeEvent(event({ sensitive: true }), enrolled("joint"), directory);
    expect(routing.routes).toEqual([]);
    expect(routing.suppressed).toEqual([
      { organizationId: "practice", reason: "sensitive facility (42 CFR Part 2)" },
      { organizationId: "plan", reason: "sensitive facility (42 CFR Part 2)" },
    ]);
  });

  it("an opt-out suppresses only the organization (or program) it names; a global one suppresses all", () => {
    const planOptOut = { ...enrolled("joint"), optOuts: [{ organizationId: "plan" }] };
    const routing = routeEvent(event(), planOptOut, directory);
    expect(routing.routes.map((r) => r.organizationId)).toEqual(["practice"]);
    expect(routing.suppressed).toEqual([{ organizationId: "plan", reason: "patient opted out" }]);
    const everywhere = { ...enrolled("joint"), optOuts: [{}] };
    expect(routeEvent(event(), everywhere, directory).routes).toEqual([]);
  });
});
