import { EnrollmentStatus, LeadOrganization } from "@homeward/rosters";
import { z } from "zod";
import { DbId, IsoDateTimeString, OrganizationRef, RiskTier } from "../schemas.ts";

/** One open enrollment row: what one side's list (plan or practice) says about the patient. */
export const Enrollment = z
  .object({
    id: DbId,
    patientId: DbId,
    program: z.string(),
    /** Whose list: the plan's or the practice's. */
    side: z.enum(["plan", "practice"]),
    listedBy: OrganizationRef,
    practiceOrganizationId: DbId.nullable(),
    riskTier: RiskTier.nullable(),
    careManager: z.object({ id: DbId, displayName: z.string() }).nullable(),
    leadOrganization: LeadOrganization.nullable(),
    status: EnrollmentStatus,
    /** The patient-centered goal, and whether it is met. */
    goal: z.string().nullable(),
    goalMet: z.boolean().nullable(),
    planRiskScore: z.number().nullable(),
    practiceFlag: z.boolean().nullable(),
    effectiveFrom: z.string(),
  })
  .meta({ id: "Enrollment" });
export type Enrollment = z.infer<typeof Enrollment>;

/** One version of an enrollment's patient-centered goal: the rows of its chain where goal or met changed. */
export const GoalVersion = z.object({
  goal: z.string().nullable(),
  goalMet: z.boolean().nullable(),
  /** `YYYY-MM-DD`: the first day this version was in force. */
  from: z.string(),
  /** `YYYY-MM-DD`: the day a later version replaced it; null for the one in force. */
  to: z.string().nullable(),
});
export type GoalVersion = z.infer<typeof GoalVersion>;

/** An enrollment on the list, with what the list's screen needs beside it. */
export const ListedEnrollment = Enrollment.extend({
  /** The caller may PATCH it (either side of the enrollment may). */
  editable: z.boolean(),
  /** The goal's versions, newest first (the current one first). */
  goalHistory: z.array(GoalVersion),
});
export type ListedEnrollment = z.infer<typeof ListedEnrollment>;

/**
 * ED visits and admissions over the last six months, from the encounters the caller may see: only
 * encounters with an announcement (matched_events) routed to one of the caller's organizations on
 * this list, so a visit announced only to another organization neither counts nor shows.
 */
export const Utilization = z.object({
  lastEdVisitAt: IsoDateTimeString.nullable(),
  /** The facility's zone (the event's), to show the date as people there read it. */
  lastEdVisitTimeZone: z.string().nullable(),
  edVisits6mo: z.number().int(),
  lastAdmissionAt: IsoDateTimeString.nullable(),
  lastAdmissionTimeZone: z.string().nullable(),
  admissions6mo: z.number().int(),
});
export type Utilization = z.infer<typeof Utilization>;

export const HighRiskEntry = z.object({
  /**
   * 1 = discuss first: patients on both lists, then the plan's list by risk score, then the
   * practice's by tier (see `orderCombined`). 0 for the tracking list, which is not ranked.
   */
  rank: z.number().int(),
  patient: z.object({ id: DbId, displayName: z.string(), birthDate: z.string().nullable() }),
  listedBy: z.enum(["both", "plan", "practice", "tracking"]),
  onPlanList: z.boolean(),
  onPracticeList: z.boolean(),
  /** Place on each side's own ranked list (1 = that side's highest risk); null when not on it. */
  planRank: z.number().int().nullable(),
  practiceRank: z.number().int().nullable(),
  planRiskScore: z.number().nullable(),
  practiceFlag: z.boolean(),
  planRiskTier: z.string().nullable(),
  practiceRiskTier: z.string().nullable(),
  planLead: LeadOrganization.nullable(),
  practiceLead: LeadOrganization.nullable(),
  leadAgreed: z.boolean(),
  planStatus: EnrollmentStatus.nullable(),
  practiceStatus: EnrollmentStatus.nullable(),
  /**
   * High-risk by the protocols file's one definition (per program: tiers, plan risk score threshold,
   * practice flag, list membership), the same the quality reports count: any open row meets it.
   */
  highRisk: z.boolean(),
  utilization: Utilization,
  /** The open enrollments behind the row, both sides: PATCH them by id. */
  enrollments: z.array(ListedEnrollment),
});
export type HighRiskEntry = z.infer<typeof HighRiskEntry>;

export const CareManagerOption = z.object({
  id: DbId,
  displayName: z.string(),
  organization: OrganizationRef,
});

export const HighRiskList = z
  .object({
    practice: OrganizationRef.extend({ timeZone: z.string() }),
    /** The plan whose list is combined with the practice's (null: the practice has none). */
    plan: OrganizationRef.nullable(),
    /** Plans that list patients of this practice: pass one as planOrganizationId to switch. */
    plans: z.array(OrganizationRef.extend({ patients: z.number().int() })),
    /** `plan`: the caller reads the plan only, so only the plan's patients are shown. */
    view: z.enum(["full", "plan"]),
    /** How many of each side's list are shown (the guideline's "top 30" by default). */
    perSide: z.number().int(),
    /** How many patients each side lists in all (active or monitor), of which `perSide` are shown. */
    planListed: z.number().int(),
    practiceListed: z.number().int(),
    /** The combined list in discussion order: both lists first. */
    entries: z.array(HighRiskEntry),
    /** Patients not yet engaged (status tracking_list on every side that lists them): reviewed every six months. */
    trackingList: z.array(HighRiskEntry),
    /** Who may be named care manager on these enrollments: care managers of the practice and the plan. */
    careManagers: z.array(CareManagerOption),
  })
  .meta({ id: "HighRiskList" });
export type HighRiskList = z.infer<typeof HighRiskList>;

export const HighRiskListQuery = z.object({
  organizationId: DbId,
  planOrganizationId: DbId.optional(),
  /** How many of each side's list to show; the guideline works with each side's top 30. */
  perSide: z.coerce.number().int().min(1).max(200).default(30),
});

export const PartnerPracticesQuery = z.object({ planOrganizationId: DbId });
export const PartnerPractices = z.object({
  items: z.array(OrganizationRef.extend({ patients: z.number().int() })),
});

export const EnrollmentPatch = z
  .object({
    leadOrganization: LeadOrganization.optional(),
    status: EnrollmentStatus.optional(),
    riskTier: RiskTier.nullable().optional(),
    goal: z.string().trim().min(1).max(2000).nullable().optional(),
    goalMet: z.boolean().nullable().optional(),
    /** A care manager (recipient, role care_manager, active) of the patient's practice or the listing organization. */
    careManagerRecipientId: DbId.nullable().optional(),
  })
  .refine((p) => Object.values(p).some((v) => v !== undefined), { message: "change at least one field" });
export type EnrollmentPatch = z.infer<typeof EnrollmentPatch>;

export const AgendaQuery = z.object({
  organizationId: DbId,
  planOrganizationId: DbId.optional(),
  limit: z.coerce.number().int().min(1).max(30).default(10),
  format: z
    .enum(["json", "csv"])
    .optional()
    .describe("csv (or Accept: text/csv): a download of the same rows"),
});

export const AgendaEvent = z.object({
  matchId: z.string(),
  kind: z.string(),
  occurredAt: IsoDateTimeString,
  facility: z.object({ code: z.string(), name: z.string(), timeZone: z.string() }),
});
export type AgendaEvent = z.infer<typeof AgendaEvent>;

export const AgendaTask = z.object({
  id: z.string(),
  title: z.string(),
  status: z.string(),
  dueAt: IsoDateTimeString,
  /** The task's organization's zone, for "due Tue Dec 8 (end of day)". */
  timeZone: z.string(),
  assignee: z.string().nullable(),
});
export type AgendaTask = z.infer<typeof AgendaTask>;

export const AgendaReason = z.enum(["both-lists-recent-event", "open-tasks", "recent-event", "goal-not-met"]);
export type AgendaReason = z.infer<typeof AgendaReason>;

export const AgendaItem = z.object({
  /** 1 = discuss first on the call. */
  order: z.number().int(),
  reason: AgendaReason,
  entry: HighRiskEntry,
  /** Events of the last 30 days announced to the caller's organizations, newest first. */
  recentEvents: z.array(AgendaEvent),
  openTasks: z.array(AgendaTask),
});
export type AgendaItem = z.infer<typeof AgendaItem>;

export const Agenda = z
  .object({
    practice: OrganizationRef.extend({ timeZone: z.string() }),
    plan: OrganizationRef.nullable(),
    view: z.enum(["full", "plan"]),
    /** `YYYY-MM-DD` in the practice's zone. */
    date: z.string(),
    /** Recent events are those since this moment (30 days back). */
    eventsSince: IsoDateTimeString,
    items: z.array(AgendaItem),
  })
  .meta({ id: "HighRiskAgenda" });
export type Agenda = z.infer<typeof Agenda>;
