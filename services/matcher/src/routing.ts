import type { AdtEvent, MatchedRecipient } from "@homeward/contracts";

/** What the reference data says about one matched patient (open rows only, as of the event). */
export interface PatientContext {
  patientId: string;
  attributions: readonly { practiceOrgId: string; source: string; pcpNpi?: string; effectiveFrom: string }[];
  enrollments: readonly Enrollment[];
  /** Opt-outs in force: for one organization (and program), or for everyone when neither is set. */
  optOuts: readonly { organizationId?: string; program?: string }[];
}

export interface Enrollment {
  program: string;
  listedByOrgId: string;
  practiceOrgId?: string;
  riskTier?: "I" | "II" | "III";
  careManagerRecipientId?: string;
  leadOrganization?: "practice" | "plan" | "joint";
  status: "active" | "monitor" | "tracking_list";
}

export type RecipientRole = "care_manager" | "pcp" | "supervisor";

/** A notification rule: null lists mean "any". */
export interface NotificationRule {
  recipientId?: string;
  recipientRole?: RecipientRole;
  eventKinds?: readonly string[];
  programs?: readonly string[];
  riskTiers?: readonly string[];
  facilities?: readonly string[];
}

export interface Directory {
  organizations: ReadonlyMap<string, { id: string; kind: "practice" | "health_plan" | "aco" }>;
  recipients: ReadonlyMap<string, readonly { id: string; role: RecipientRole }[]>;
  rules: ReadonlyMap<string, readonly NotificationRule[]>;
}

/** One organization to tell about the event, and whom in it. */
export interface Route {
  organizationId: string;
  copy: "lead" | "monitor";
  enrollment?: Enrollment;
  attribution?: PatientContext["attributions"][number];
  recipients: MatchedRecipient[];
}

export interface Routing {
  routes: Route[];
  /** Organizations that would have been told but must not be, and why (for the audit log; no PHI). */
  suppressed: { organizationId: string; reason: string }[];
}

const ROLE: Record<RecipientRole, MatchedRecipient["role"]> = {
  care_manager: "care-manager",
  pcp: "pcp",
  supervisor: "supervisor",
};

/**
 * Decides which organizations hear of an event about a matched patient, as lead or monitor, and
 * which of their people by the notification rules. Pure: the caller loads the context.
 * The lead organization of an enrollment gets the alert and the task; the other side a monitor
 * copy ("joint": both lead). A sensitive facility (42 CFR Part 2) or an opt-out suppresses.
 */
export function routeEvent(event: AdtEvent, patient: PatientContext, directory: Directory): Routing {
  const involved = new Map<string, Omit<Route, "recipients">>();
  const byEnrollment = new Set<string>();
  const involve = (
    orgId: string,
    copy: "lead" | "monitor",
    extra: Partial<Route>,
    fromEnrollment: boolean,
  ) => {
    const existing = involved.get(orgId);
    // For an enrolled patient the enrollment's lead decides, over a plain attribution; between two
    // enrollments (or two attributions), lead wins.
    const overrides = fromEnrollment && !byEnrollment.has(orgId);
    const merged = existing === undefined || overrides ? copy : existing.copy === "lead" ? "lead" : copy;
    if (fromEnrollment) byEnrollment.add(orgId);
    involved.set(orgId, { ...existing, ...extra, organizationId: orgId, copy: merged });
  };
  for (const a of patient.attributions) involve(a.practiceOrgId, "lead", { attribution: a }, false);
  for (const e of patient.enrollments) {
    const practice = e.practiceOrgId;
    const planSide = e.listedByOrgId !== practice ? e.listedByOrgId : undefined;
    const who = e.leadOrganization ?? "practice";
    if (practice !== undefined)
      involve(practice, who === "plan" ? "monitor" : "lead", { enrollment: e }, true);
    if (planSide !== undefined)
      involve(planSide, who === "practice" ? "monitor" : "lead", { enrollment: e }, true);
  }

  const routes: Route[] = [];
  const suppressed: Routing["suppressed"] = [];
  for (const route of involved.values()) {
    if (event.flags.sensitiveFacility) {
      suppressed.push({ organizationId: route.organizationId, reason: "sensitive facility (42 CFR Part 2)" });
      continue;
    }
    const optedOut = patient.optOuts.some(
      (o) =>
        (o.organizationId === undefined || o.organizationId === route.organizationId) &&
        (o.program === undefined || o.program === route.enrollment?.program),
    );
    if (optedOut) {
      suppressed.push({ organizationId: route.organizationId, reason: "patient opted out" });
      continue;
    }
    routes.push({ ...route, recipients: recipientsFor(event, route, directory) });
  }
  return { routes, suppressed };
}

function recipientsFor(
  event: AdtEvent,
  route: Omit<Route, "recipients">,
  directory: Directory,
): MatchedRecipient[] {
  const people = directory.recipients.get(route.organizationId) ?? [];
  const matches = (list: readonly string[] | undefined, value: string | undefined) =>
    list === undefined || (value !== undefined && list.includes(value));
  const chosen = new Map<string, MatchedRecipient>();
  for (const rule of directory.rules.get(route.organizationId) ?? []) {
    if (!matches(rule.eventKinds, event.kind)) continue;
    if (!matches(rule.programs, route.enrollment?.program)) continue;
    if (!matches(rule.riskTiers, route.enrollment?.riskTier)) continue;
    if (!matches(rule.facilities, event.facility.sendingFacility)) continue;
    for (const person of people) {
      if (
        rule.recipientId !== undefined ? person.id === rule.recipientId : person.role === rule.recipientRole
      ) {
        chosen.set(person.id, { recipientId: person.id, role: ROLE[person.role], copy: route.copy });
      }
    }
  }
  const cm = route.enrollment?.careManagerRecipientId;
  const cmPerson = people.find((p) => p.id === cm);
  if (cmPerson !== undefined)
    chosen.set(cmPerson.id, { recipientId: cmPerson.id, role: ROLE[cmPerson.role], copy: route.copy });
  return [...chosen.values()].sort((a, b) => a.recipientId.localeCompare(b.recipientId));
}
