import type { AdtEvent } from "@homeward/contracts";
import { describe, expect, it } from "vitest";
import { type Directory, type NotificationRule, type PatientContext, routeEvent } from "./routing.ts";

const event = (
  overrides: Partial<{ kind: string; sensitive: boolean; facility: string; occurredAt: string }> = {},
) =>
  ({
    kind: overrides.kind ?? "ed-arrival",
    occurredAt: overrides.occurredAt ?? "2026-06-15T10:00:00-04:00",
    facility: { sendingFacility: overrides.facility ?? "MERCYGEN" },
    flags: { sensitiveFacility: overrides.sensitive ?? false, isEdVisit: true },
  }) as unknown as AdtEvent;

const OSLER = "1234567893";
const APGAR = "1987654325";

/** A practice with two care managers, two PCPs (clinicians by NPI) and a supervisor; a plan with one. */
const directoryWith = (practiceRules: NotificationRule[]): Directory => ({
  organizations: new Map([
    ["practice", { id: "practice", kind: "practice" }],
    ["plan", { id: "plan", kind: "health_plan" }],
  ]),
  recipients: new Map([
    [
      "practice",
      [
        { id: "p-cm1", role: "care_manager" },
        { id: "p-cm2", role: "care_manager" },
        { id: "p-osler", role: "pcp", npi: OSLER },
        { id: "p-apgar", role: "pcp", npi: APGAR },
        { id: "p-sup", role: "supervisor" },
      ],
    ],
    ["plan", [{ id: "h-cm", role: "care_manager" }]],
  ]),
  rules: new Map([
    ["practice", practiceRules],
    ["plan", [{ recipientRole: "care_manager", programs: ["complex-care"] }]],
  ]),
});
const directory = directoryWith([
  { recipientRole: "pcp" },
  { recipientId: "p-sup", riskTiers: ["I"], eventKinds: ["ed-arrival", "inpatient-admit"] },
]);

const patient = (over: Partial<PatientContext> = {}): PatientContext => ({
  patientId: "42",
  attributions: [{ practiceOrgId: "practice", source: "panel", effectiveFrom: "2026-01-01", pcpNpi: APGAR }],
  enrollments: [],
  optOuts: [],
  ...over,
});

const enrolled = (lead: "practice" | "plan" | "joint", tier: "I" | "II" = "I", cm = "p-cm2") =>
  patient({
    enrollments: [
      {
        program: "complex-care",
        listedByOrgId: "plan",
        practiceOrgId: "practice",
        riskTier: tier,
        leadOrganization: lead,
        careManagerRecipientId: cm,
        status: "active",
        effectiveFrom: "2026-01-01",
      },
    ],
  });

const recipientsOf = (routing: ReturnType<typeof routeEvent>, org = "practice") =>
  routing.routes.find((r) => r.organizationId === org)?.recipients;

describe("routing", () => {
  it("an attributed patient: the practice leads, and a pcp rule tells the PCP of record only", () => {
    const { routes } = routeEvent(event(), patient(), directory);
    expect(routes).toEqual([
      expect.objectContaining({
        organizationId: "practice",
        copy: "lead",
        recipients: [{ recipientId: "p-apgar", role: "pcp", copy: "lead", basis: "pcp-of-record" }],
      }),
    ]);
    // Another PCP of record, another person; no PCP of record, nobody (the rule is no broadcast).
    const osler = patient({
      attributions: [
        { practiceOrgId: "practice", source: "panel", effectiveFrom: "2026-01-01", pcpNpi: OSLER },
      ],
    });
    expect(recipientsOf(routeEvent(event(), osler, directory))?.map((r) => r.recipientId)).toEqual([
      "p-osler",
    ]);
    const noPcp = patient({
      attributions: [{ practiceOrgId: "practice", source: "panel", effectiveFrom: "2026-01-01" }],
    });
    expect(recipientsOf(routeEvent(event(), noPcp, directory))).toEqual([]);
  });

  it("a care_manager role rule means the patient's own care manager, not every care manager", () => {
    const rules = directoryWith([{ recipientRole: "care_manager" }]);
    expect(recipientsOf(routeEvent(event(), enrolled("practice", "I", "p-cm1"), rules))).toEqual([
      { recipientId: "p-cm1", role: "care-manager", copy: "lead", basis: "care-manager-of-record" },
    ]);
    expect(recipientsOf(routeEvent(event(), enrolled("practice", "I", "p-cm2"), rules))).toEqual([
      { recipientId: "p-cm2", role: "care-manager", copy: "lead", basis: "care-manager-of-record" },
    ]);
    // Not enrolled: no care manager of record, so the rule tells no one.
    expect(recipientsOf(routeEvent(event(), patient(), rules))).toEqual([]);
  });

  it("everyone with a role is its own explicit audience (a triage inbox)", () => {
    const rules = directoryWith([{ recipientRole: "care_manager", audience: "everyone_in_role" }]);
    expect(recipientsOf(routeEvent(event(), patient(), rules))).toEqual([
      { recipientId: "p-cm1", role: "care-manager", copy: "lead", basis: "role-in-organization" },
      { recipientId: "p-cm2", role: "care-manager", copy: "lead", basis: "role-in-organization" },
    ]);
    // The patient's own care manager keeps the care-team basis (the task goes to them).
    expect(recipientsOf(routeEvent(event(), enrolled("practice", "I", "p-cm2"), rules))).toEqual([
      { recipientId: "p-cm1", role: "care-manager", copy: "lead", basis: "role-in-organization" },
      { recipientId: "p-cm2", role: "care-manager", copy: "lead", basis: "care-manager-of-record" },
    ]);
  });

  it("a care manager named on the list who is not one of the organization's recipients is not told", () => {
    const routing = routeEvent(event(), enrolled("joint", "I", "h-cm"), directoryWith([]));
    expect(recipientsOf(routing, "practice")).toEqual([]);
    expect(recipientsOf(routing, "plan")).toEqual([
      { recipientId: "h-cm", role: "care-manager", copy: "lead", basis: "care-manager-of-record" },
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

  it("a patient on both lists: each side routes by its own list's row, in either order", () => {
    const practiceRow = {
      program: "complex-care",
      listedByOrgId: "practice",
      practiceOrgId: "practice",
      riskTier: "I" as const,
      leadOrganization: "practice" as const,
      careManagerRecipientId: "p-cm1",
      status: "active" as const,
      effectiveFrom: "2026-01-01",
    };
    const planRow = {
      ...practiceRow,
      listedByOrgId: "plan",
      riskTier: "II" as const,
      careManagerRecipientId: "h-cm",
      status: "monitor" as const,
    };
    for (const enrollments of [
      [practiceRow, planRow],
      [planRow, practiceRow],
    ]) {
      const routing = routeEvent(event(), patient({ enrollments }), directory);
      const practice = routing.routes.find((r) => r.organizationId === "practice");
      expect(practice?.enrollment).toMatchObject({
        listedByOrgId: "practice",
        careManagerRecipientId: "p-cm1",
      });
      expect(practice?.recipients.map((r) => [r.recipientId, r.basis])).toContainEqual([
        "p-cm1",
        "care-manager-of-record",
      ]);
      const plan = routing.routes.find((r) => r.organizationId === "plan");
      expect(plan?.enrollment).toMatchObject({ listedByOrgId: "plan", status: "monitor" });
    }
  });

  it("rules pick recipients by event kind, program and tier; the enrollment's care manager is always told", () => {
    const practice = (tier: "I" | "II", kind = "ed-arrival") =>
      recipientsOf(routeEvent(event({ kind }), enrolled("practice", tier), directory))?.map(
        (r) => r.recipientId,
      );
    expect(practice("I")).toEqual(["p-apgar", "p-cm2", "p-sup"]);
    expect(practice("II")).toEqual(["p-apgar", "p-cm2"]);
    expect(practice("I", "discharge")).toEqual(["p-apgar", "p-cm2"]);
    // The plan's care_manager rule: the plan's side has no care manager of record on this list.
    expect(recipientsOf(routeEvent(event(), enrolled("practice"), directory), "plan")).toEqual([]);
  });

  it("routes by the rosters, lists, consents and rules in force on the event's day", () => {
    const history = patient({
      attributions: [
        {
          practiceOrgId: "practice",
          source: "panel",
          effectiveFrom: "2026-01-01",
          effectiveTo: "2026-06-01",
          pcpNpi: OSLER,
        },
        { practiceOrgId: "practice", source: "panel", effectiveFrom: "2026-06-01", pcpNpi: APGAR },
      ],
      enrollments: [
        {
          program: "complex-care",
          listedByOrgId: "practice",
          practiceOrgId: "practice",
          careManagerRecipientId: "p-cm1",
          status: "active",
          effectiveFrom: "2026-03-01",
          effectiveTo: "2026-05-01",
        },
      ],
      optOuts: [{ effectiveFrom: "2026-07-01" }],
    });
    const rules = directoryWith([
      { recipientRole: "pcp" },
      {
        recipientId: "p-sup",
        activeFrom: Date.parse("2026-04-01T00:00:00Z"),
        activeTo: Date.parse("2026-06-10T00:00:00Z"),
      },
    ]);
    const on = (day: string) =>
      recipientsOf(routeEvent(event({ occurredAt: `${day}T10:00:00-04:00` }), history, rules))?.map(
        (r) => r.recipientId,
      );
    expect(on("2026-03-15")).toEqual(["p-cm1", "p-osler"]);
    expect(on("2026-04-15")).toEqual(["p-cm1", "p-osler", "p-sup"]);
    expect(on("2026-05-15")).toEqual(["p-osler", "p-sup"]);
    expect(on("2026-06-05")).toEqual(["p-apgar", "p-sup"]);
    expect(on("2026-06-20")).toEqual(["p-apgar"]);
    // Opted out from July 1st: suppressed then, not before.
    expect(routeEvent(event({ occurredAt: "2026-07-02T10:00:00-04:00" }), history, rules).suppressed).toEqual(
      [{ organizationId: "practice", reason: "patient opted out" }],
    );
    // Before any roster named the patient: nobody.
    expect(routeEvent(event({ occurredAt: "2025-12-31T23:00:00-05:00" }), history, rules)).toEqual({
      routes: [],
      suppressed: [],
    });
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
    const planOptOut = {
      ...enrolled("joint"),
      optOuts: [{ organizationId: "plan", effectiveFrom: "2026-01-01" }],
    };
    const routing = routeEvent(event(), planOptOut, directory);
    expect(routing.routes.map((r) => r.organizationId)).toEqual(["practice"]);
    expect(routing.suppressed).toEqual([{ organizationId: "plan", reason: "patient opted out" }]);
    const everywhere = { ...enrolled("joint"), optOuts: [{ effectiveFrom: "2026-01-01" }] };
    expect(routeEvent(event(), everywhere, directory).routes).toEqual([]);
  });
});
