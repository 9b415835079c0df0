import { z } from "zod";

/**
 * The reports' HTTP contract: querystrings (validated, with defaults) and JSON bodies (for the
 * OpenAPI document and response serialization). Each report also answers `?format=csv`.
 */

const Day = z.iso.date().describe("YYYY-MM-DD");
const OrganizationId = z.string().regex(/^[1-9][0-9]{0,17}$/, "an organization id");
const Tier = z.enum(["I", "II", "III"]);
const Format = z.enum(["json", "csv"]).default("json").describe("csv: a text/csv download of the same rows");
const MAX_PERIOD_DAYS = 731;
const Counting = z.enum(["visit", "patient"]);
const Population = z.enum(["high-risk", "all"]);
const Measure = z.enum(["ed-follow-up", "discharge-contact", "discharge-visit", "medication-reconciliation"]);
const Unit = z.enum(["business-days", "calendar-days"]);

const daysBetween = (from: string, to: string) =>
  (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000;

/** A period of event days, at most two years: a wider one is a mistake, not a report. */
const Period = z.object({
  from: Day.describe("first day of the period, by event (trigger) date in the practice's zone"),
  to: Day.describe("last day of the period (inclusive)"),
  organizationId: OrganizationId.optional().describe("one organization within the caller's scope"),
  format: Format,
});
const periodIsValid = (q: { from: string; to: string }) => {
  const days = daysBetween(q.from, q.to);
  return days >= 0 && days <= MAX_PERIOD_DAYS;
};
const periodMessage = {
  message: `to must be on or after from, at most ${MAX_PERIOD_DAYS} days later`,
  path: ["to"],
};

export const FollowUpQuery = Period.extend({
  measure: Measure,
  x: z.coerce
    .number()
    .int()
    .min(0)
    .max(366)
    .describe("within x days after the event day (the event day is day 0)"),
  unit: Unit.default("business-days"),
  groupBy: z.enum(["practice", "care_manager", "program", "tier", "month"]).default("practice"),
  program: z.string().min(1).max(200).optional(),
  tier: Tier.optional(),
  count: Counting.default("visit").describe(
    "visit: each event is a line (HEDIS); patient: each patient once per period, by their first eligible visit",
  ),
  population: Population.optional().describe(
    "high-risk: patients high-risk on the event day by the protocols' definition (default for ed-follow-up); all: every task (default for the discharge measures)",
  ),
}).refine(periodIsValid, periodMessage);
export type FollowUpQuery = z.infer<typeof FollowUpQuery>;

export const FollowUpDefaults = z.object({
  measures: z.array(
    z.object({
      measure: Measure,
      /** The window the protocols in force give the measure's task: what the quality page opens at. */
      x: z.int(),
      unit: Unit,
      population: Population,
      /** The protocol step the window comes from; null when none of the measure's steps is enabled. */
      step: z.object({ protocolId: z.string(), stepId: z.string(), title: z.string() }).nullable(),
    }),
  ),
  counting: Counting,
  /** Who is high-risk: the protocols' definition in words, and each program's own. */
  highRisk: z.object({
    text: z.string(),
    programs: z.array(z.object({ program: z.string(), text: z.string() })),
  }),
});
export type FollowUpDefaults = z.infer<typeof FollowUpDefaults>;

export const AlertTimelinessQuery = Period.extend({
  groupBy: z.enum(["practice", "month"]).default("practice"),
  withinMinutes: z.coerce.number().positive().max(1440).default(15),
  channel: z.enum(["email", "pager"]).optional(),
}).refine(periodIsValid, periodMessage);
export type AlertTimelinessQuery = z.infer<typeof AlertTimelinessQuery>;

export const CareManagementQuery = z.object({
  asOf: Day.optional().describe("snapshot day; absent = today in each practice's zone"),
  riskScoreThreshold: z.coerce
    .number()
    .min(0)
    .optional()
    .describe("plan risk score at or above which a patient is high-risk"),
  program: z.string().min(1).max(200).optional(),
  organizationId: OrganizationId.optional(),
  format: Format,
});
export type CareManagementQuery = z.infer<typeof CareManagementQuery>;

const Rate = z.number().min(0).max(1).nullable();
const Hours = z.number().nullable();

const FollowUpNumbers = z.object({
  denominator: z.int().describe("lines met or missed; pending and excluded lines are not in it"),
  numerator: z.int(),
  rate: Rate,
  contacted: z.int(),
  medianHoursToContact: Hours,
  p90HoursToContact: Hours,
  pending: z.int().describe("window still running, patient not reached yet: outside the rate"),
  excluded: z.int().describe("out of the measure with a reason (admitted, transferred, died...)"),
});

/** What a report counted: echoed so a saved JSON or CSV says which definition it used. */
const Definition = {
  measure: z.string(),
  x: z.int(),
  unit: z.string(),
  from: z.string(),
  to: z.string(),
  counting: Counting,
  population: Population,
};

export const FollowUpReport = z.object({
  ...Definition,
  groupBy: z.string(),
  rows: z.array(FollowUpNumbers.extend({ groupKey: z.string().nullable(), group: z.string() })),
  total: FollowUpNumbers,
});
export type FollowUpReport = z.infer<typeof FollowUpReport>;

export const FollowUpMiss = z.object({
  /** Which list the line is on: the misses, the pending, or the excluded. */
  section: z.enum(["miss", "pending", "excluded"]),
  taskId: z.string(),
  organizationId: z.string(),
  organizationName: z.string(),
  /** The practice's zone, in which the page shows the times (the CSV's times are UTC ISO 8601). */
  timeZone: z.string(),
  careManagerId: z.string().nullable(),
  careManagerName: z.string().nullable(),
  program: z.string().nullable(),
  tier: Tier.nullable(),
  protocolId: z.string(),
  stepId: z.string(),
  patientId: z.string(),
  patientName: z.string().nullable(),
  facility: z.string(),
  visitNumber: z.string(),
  triggeredAt: z.string(),
  windowEndsAt: z.string(),
  dueAt: z.string(),
  status: z.string(),
  outcome: z.string().nullable(),
  completedAt: z.string().nullable(),
  hoursToContact: Hours,
  contactedAt: z.string().nullable(),
  reason: z.enum(["overdue", "late-contact", "no-contact", "open-in-window", "excluded"]),
  /** For an excluded line: why (tasks.excluded_reason), and the notifier's words. */
  excludedReason: z.string().nullable(),
  exclusionDetail: z.string().nullable(),
  /** Counting patients: how many of the patient's visits in the period this line stands for. */
  visits: z.int(),
});
export type FollowUpMiss = z.infer<typeof FollowUpMiss>;

export const FollowUpMissesReport = z.object({
  ...Definition,
  /** How many misses (lines of the denominator outside the numerator). */
  count: z.int(),
  misses: z.array(FollowUpMiss),
  pendingCount: z.int(),
  pending: z.array(FollowUpMiss),
  excludedCount: z.int(),
  excluded: z.array(FollowUpMiss),
});
export type FollowUpMissesReport = z.infer<typeof FollowUpMissesReport>;

export const AlertTimelinessReport = z.object({
  from: z.string(),
  to: z.string(),
  groupBy: z.string(),
  withinMinutes: z.number(),
  rows: z.array(
    z.object({
      groupKey: z.string(),
      group: z.string(),
      alerts: z.int(),
      medianSeconds: z.number().nullable(),
      p90Seconds: z.number().nullable(),
      withinTarget: z.int(),
      withinTargetRate: Rate,
    }),
  ),
});
export type AlertTimelinessReport = z.infer<typeof AlertTimelinessReport>;

export const CareManagementReport = z.object({
  asOf: z.string().nullable(),
  riskScoreThreshold: z.number().nullable(),
  rows: z.array(
    z.object({
      groupKey: z.string().nullable(),
      group: z.string(),
      asOf: z.string(),
      month: z.string(),
      highRiskPatients: z.int(),
      highRiskActive: z.int(),
      activeRate: Rate,
      activePatients: z.int(),
      activeWithGoal: z.int(),
      goalMet: z.int(),
      goalMetRate: Rate,
    }),
  ),
});
export type CareManagementReport = z.infer<typeof CareManagementReport>;

/** The API's one error shape. */
export const ErrorBody = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
});

/** A 200 that is JSON by default and CSV with `?format=csv`, as OpenAPI content types. */
export const jsonOrCsv = <T extends z.ZodType>(schema: T) => ({
  content: {
    "application/json": { schema },
    "text/csv": { schema: z.string() },
  },
});
