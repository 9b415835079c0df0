import type { AdtEvent, MatchedRecipient } from "@homeward/contracts";

/**
 * A half-open period of calendar days `[effectiveFrom, effectiveTo)`, as the reference tables keep
 * them: `effectiveTo` is the first day the row no longer applies, absent while it is open.
 */
export interface EffectivePeriod {
  effectiveFrom: string;
  effectiveTo?: string;
}

export interface Attribution extends EffectivePeriod {
  practiceOrgId: string;
  source: string;
  pcpNpi?: string;
}

/**
 * What the reference data says about one matched patient: every row whose period overlaps the
 * matcher's history window, ended ones included, so an event is routed by what was in force on its
 * own day (a replay or a late message routes as it would have then).
 */
export interface PatientContext {
  patientId: string;
  attributions: readonly Attribution[];
  enrollments: readonly Enrollment[];
  /** Opt-outs: for one organization (and program), or for everyone when neither is set. */
  optOuts: readonly OptOut[];
}

export interface OptOut extends EffectivePeriod {
  organizationId?: string;
  program?: string;
}

export interface Enrollment extends EffectivePeriod {
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
  /**
   * For a role rule: `care_team` (the default) is this patient's own care-team member with the
   * role; `everyone_in_role` is every active recipient with it, an admin's explicit choice.
   */
  audience?: "care_team" | "everyone_in_role";
  eventKinds?: readonly string[];
  programs?: readonly string[];
  riskTiers?: readonly string[];
  facilities?: readonly string[];
  /** Epoch ms the rule came into force; absent: always. */
  activeFrom?: number;
  /** Epoch ms the rule was deactivated; absent while it is active. */
  activeTo?: number;
}

export interface DirectoryPerson {
  id: string;
  role: RecipientRole;
  /** The clinician's NPI, for a recipient who is a clinician: how the PCP of record is found. */
  npi?: string;
}

export interface Directory {
  organizations: ReadonlyMap<string, { id: string; kind: "practice" | "health_plan" | "aco" }>;
  recipients: ReadonlyMap<string, readonly DirectoryPerson[]>;
  rules: ReadonlyMap<string, readonly NotificationRule[]>;
}

/** One organization to tell about the event, and whom in it. */
export interface Route {
  organizationId: string;
  copy: "lead" | "monitor";
  enrollment?: Enrollment;
  attribution?: Attribution;
  recipients: MatchedRecipient[];
}

export interface Routing {
  routes: Route[];
  /** Organizations that would have been told but must not be, and why (for the audit log; no PHI). */
  suppressed: { organizationId: string; reason: string }[];
}

/**
 * What routing reads of an event: its kind, when it happened, the sending facility (rules may name
 * facilities) and whether the place is sensitive. A whole `AdtEvent` is one; so is a preview's
 * "what if" event (the admin screen's "who would be alerted").
 */
export interface RoutableEvent {
  kind: AdtEvent["kind"];
  occurredAt: AdtEvent["occurredAt"];
  facility: Pick<AdtEvent["facility"], "sendingFacility">;
  flags: Pick<AdtEvent["flags"], "sensitiveFacility">;
}

/** The calendar day an event happened on, as the hospital's clock read (occurredAt keeps its offset). */
export function eventDay(event: Pick<AdtEvent, "occurredAt">): string {
  return event.occurredAt.slice(0, 10);
}

/** Whether a row is in force on `day` (`YYYY-MM-DD`). */
export function inForceOn(row: EffectivePeriod, day: string): boolean {
  return row.effectiveFrom <= day && (row.effectiveTo === undefined || row.effectiveTo > day);
}

/** The patient's rows in force on `day`: what routing looks at. */
export function contextOn(patient: PatientContext, day: string): PatientContext {
  return {
    patientId: patient.patientId,
    attributions: patient.attributions.filter((a) => inForceOn(a, day)),
    enrollments: patient.enrollments.filter((e) => inForceOn(e, day)),
    optOuts: patient.optOuts.filter((o) => inForceOn(o, day)),
  };
}

const ROLE: Record<RecipientRole, MatchedRecipient["role"]> = {
  care_manager: "care-manager",
  pcp: "pcp",
  supervisor: "supervisor",
};

/**
 * Decides which organizations hear of an event about a matched patient, as lead or monitor, and
 * which of their people: the patient's care team (care manager and PCP of record) and whom the
 * rules add. Everything is taken as it was in force on the event's day. Pure: the caller loads
 * the context. The lead organization of an enrollment gets the alert and the task; the other side
 * a monitor copy ("joint": both lead). A sensitive facility (42 CFR Part 2) or an opt-out suppresses.
 */
export function routeEvent(event: RoutableEvent, context: PatientContext, directory: Directory): Routing {
  const patient = contextOn(context, eventDay(event));
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
    // A patient on both lists: each side works from its own list's row (its care manager, tier,
    // status), never from the other side's row about it, whichever row comes first.
    const keepOwnRow =
      existing?.enrollment?.listedByOrgId === orgId && extra.enrollment?.listedByOrgId !== orgId;
    involved.set(orgId, {
      ...existing,
      ...extra,
      ...(keepOwnRow ? { enrollment: existing?.enrollment } : {}),
      organizationId: orgId,
      copy: merged,
    });
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
  event: RoutableEvent,
  route: Omit<Route, "recipients">,
  directory: Directory,
): MatchedRecipient[] {
  const people = directory.recipients.get(route.organizationId) ?? [];
  const at = Date.parse(event.occurredAt);
  const matches = (list: readonly string[] | undefined, value: string | undefined) =>
    list === undefined || (value !== undefined && list.includes(value));
  const named: DirectoryPerson[] = [];
  const everyone: DirectoryPerson[] = [];
  const careTeamRoles = new Set<RecipientRole>();
  for (const rule of directory.rules.get(route.organizationId) ?? []) {
    if (rule.activeFrom !== undefined && at < rule.activeFrom) continue;
    if (rule.activeTo !== undefined && at >= rule.activeTo) continue;
    if (!matches(rule.eventKinds, event.kind)) continue;
    if (!matches(rule.programs, route.enrollment?.program)) continue;
    if (!matches(rule.riskTiers, route.enrollment?.riskTier)) continue;
    if (!matches(rule.facilities, event.facility.sendingFacility)) continue;
    if (rule.recipientId !== undefined) named.push(...people.filter((p) => p.id === rule.recipientId));
    else if (rule.recipientRole === undefined) continue;
    else if (rule.audience === "everyone_in_role")
      everyone.push(...people.filter((p) => p.role === rule.recipientRole));
    else careTeamRoles.add(rule.recipientRole);
  }
  // The enrollment's care manager is always told (they work the task); the PCP of record when a
  // `pcp` rule asks for it. The care team is chosen first, so someone a rule also names keeps the
  // care-team basis the task assignment looks for.
  const chosen = new Map<string, MatchedRecipient>();
  const choose = (person: DirectoryPerson, basis: NonNullable<MatchedRecipient["basis"]>) => {
    if (!chosen.has(person.id))
      chosen.set(person.id, { recipientId: person.id, role: ROLE[person.role], copy: route.copy, basis });
  };
  for (const member of careTeamOf(route, people))
    if (member.basis === "care-manager-of-record" || careTeamRoles.has(member.person.role))
      choose(member.person, member.basis);
  for (const person of named) choose(person, "named-by-rule");
  for (const person of everyone) choose(person, "role-in-organization");
  return [...chosen.values()].sort((a, b) => a.recipientId.localeCompare(b.recipientId));
}

/**
 * The patient's care team in this organization: the enrollment's named care manager and the PCP
 * of record (the attribution's PCP NPI, as a recipient of the organization who is that clinician).
 * Only active recipients of the organization count: a care manager named on another organization's
 * list is not this one's to alert.
 */
function careTeamOf(
  route: Omit<Route, "recipients">,
  people: readonly DirectoryPerson[],
): { person: DirectoryPerson; basis: "care-manager-of-record" | "pcp-of-record" }[] {
  const team: { person: DirectoryPerson; basis: "care-manager-of-record" | "pcp-of-record" }[] = [];
  const cm = route.enrollment?.careManagerRecipientId;
  const cmPerson = cm === undefined ? undefined : people.find((p) => p.id === cm);
  if (cmPerson !== undefined) team.push({ person: cmPerson, basis: "care-manager-of-record" });
  const npi = route.attribution?.pcpNpi;
  if (npi !== undefined)
    for (const person of people)
      if (person.npi === npi && person.role === "pcp") team.push({ person, basis: "pcp-of-record" });
  return team;
}
