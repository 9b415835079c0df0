import { z } from "zod";

/**
 * The program reports' HTTP contract (GET /api/reports/program and /program/*): querystrings with
 * their defaults and the JSON bodies. Every report also answers `?format=csv` with the same rows.
 * Definitions of every number: docs/program-reports.md.
 */

const Day = z.iso.date().describe("YYYY-MM-DD");
const OrganizationId = z.string().regex(/^[1-9][0-9]{0,17}$/, "an organization id");
const MAX_PERIOD_DAYS = 731;

const daysBetween = (from: string, to: string) =>
  (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000;
const periodIsValid = (q: { from: string; to: string }) => {
  const days = daysBetween(q.from, q.to);
  return days >= 0 && days <= MAX_PERIOD_DAYS;
};
const periodMessage = {
  message: `to must be on or after from, at most ${MAX_PERIOD_DAYS} days later`,
  path: ["to"],
};

const ProgramPeriod = z.object({
  from: Day.describe("first day of the period, in each organization's zone"),
  to: Day.describe("last day of the period (inclusive); days after today are not counted"),
  organizationId: OrganizationId.optional().describe("one organization within the caller's scope"),
  program: z
    .string()
    .min(1)
    .max(200)
    .optional()
    .describe("only patients enrolled in this care-management program"),
  format: z.enum(["json", "csv"]).default("json").describe("csv: a text/csv download of the same rows"),
});

export const ProgramQuery = ProgramPeriod.refine(periodIsValid, periodMessage);
export type ProgramQuery = z.infer<typeof ProgramQuery>;

export const FrequentEdQuery = ProgramPeriod.extend({
  minEdVisits: z.coerce
    .number()
    .int()
    .min(2)
    .max(50)
    .default(4)
    .describe("ED visits in the 12 months ending on `to` that make a frequent ED patient"),
}).refine(periodIsValid, periodMessage);
export type FrequentEdQuery = z.infer<typeof FrequentEdQuery>;

export const FacilityTimelinessQuery = ProgramPeriod.extend({
  withinMinutes: z.coerce.number().positive().max(1440).default(15),
}).refine(periodIsValid, periodMessage);
export type FacilityTimelinessQuery = z.infer<typeof FacilityTimelinessQuery>;

const Rate = z.number().min(0).max(1).nullable();

/** One organization's month (`level: month`) or its whole period (`level: period`). */
export const UtilizationRow = z.object({
  level: z.enum(["month", "period"]),
  organizationId: z.string(),
  organizationName: z.string(),
  /** `YYYY-MM`; null on the period line. */
  month: z.string().nullable(),
  /** The days of the month inside the period and not after today. */
  firstDay: z.string(),
  lastDay: z.string(),
  daysCovered: z.int(),
  /** Patient-days enrolled (active or monitor) ÷ days covered. */
  enrolledAverage: z.number(),
  /** Patients enrolled on the last day covered. */
  enrolledAtEnd: z.int(),
  /** Patient-days enrolled ÷ days in the calendar month: the denominator of the rates. */
  memberMonths: z.number(),
  edVisits: z.int(),
  edVisitsPer1000: z.number().nullable(),
  admissions: z.int(),
  admissionsPer1000: z.number().nullable(),
  /** Inpatient discharges whose 30-day window has ended (deaths and acute transfers left out). */
  indexDischarges: z.int(),
  readmissions: z.int(),
  readmissionRate: Rate,
  /** Discharges whose 30-day window is still running: outside the rate until it ends. */
  pendingDischarges: z.int(),
});
export type UtilizationRow = z.infer<typeof UtilizationRow>;

export const ProgramReport = z.object({
  from: z.string(),
  to: z.string(),
  program: z.string().nullable(),
  /** Programs with enrollments for the organizations in scope (what `program` may be). */
  programs: z.array(z.string()),
  rows: z.array(UtilizationRow),
});
export type ProgramReport = z.infer<typeof ProgramReport>;

export const FrequentEdPatient = z.object({
  organizationId: z.string(),
  organizationName: z.string(),
  patientId: z.string(),
  patientName: z.string().nullable(),
  edVisits: z.int(),
  /** Distinct facilities (MSH-4) of those visits. */
  facilities: z.int(),
  lastEdVisitAt: z.string(),
  lastFacility: z.string(),
  /** The facility's IANA zone (the time is read there); null when the mapping has none. */
  lastFacilityTimeZone: z.string().nullable(),
  /** The matcher flagged one of these visits as a frequent ED user (its own threshold). */
  flaggedByMatcher: z.boolean(),
  /** Program and tier of the enrollment in force on the window's last day; null when not enrolled then. */
  program: z.string().nullable(),
  tier: z.enum(["I", "II", "III"]).nullable(),
});
export type FrequentEdPatient = z.infer<typeof FrequentEdPatient>;

export const FrequentEdReport = z.object({
  minEdVisits: z.int(),
  /** The 12-month window the visits are counted in (inclusive days). */
  windowFrom: z.string(),
  windowTo: z.string(),
  program: z.string().nullable(),
  count: z.int(),
  patients: z.array(FrequentEdPatient),
});
export type FrequentEdReport = z.infer<typeof FrequentEdReport>;

export const ActivityRow = z.object({
  organizationId: z.string(),
  organizationName: z.string(),
  /** Monday of the week (`YYYY-MM-DD`), in the organization's zone. */
  weekStart: z.string(),
  /** `recipient:<id>` for a care manager linked to a user, else the task history's actor. */
  careManagerKey: z.string(),
  careManager: z.string(),
  attempts: z.int(),
  contacts: z.int(),
  completedTasks: z.int(),
});
export type ActivityRow = z.infer<typeof ActivityRow>;

export const ActivityReport = z.object({
  from: z.string(),
  to: z.string(),
  program: z.string().nullable(),
  rows: z.array(ActivityRow),
});
export type ActivityReport = z.infer<typeof ActivityReport>;

export const FacilityTimelinessRow = z.object({
  organizationId: z.string(),
  organizationName: z.string(),
  facility: z.string(),
  facilityName: z.string(),
  /** Events with at least one alert planned for the organization. */
  events: z.int(),
  /** Of those, events with an alert delivered (sent). */
  alerted: z.int(),
  medianMinutes: z.number().nullable(),
  p90Minutes: z.number().nullable(),
  withinTarget: z.int(),
  /** withinTarget / alerted. */
  withinTargetRate: Rate,
});
export type FacilityTimelinessRow = z.infer<typeof FacilityTimelinessRow>;

export const FacilityTimelinessReport = z.object({
  from: z.string(),
  to: z.string(),
  program: z.string().nullable(),
  withinMinutes: z.number(),
  rows: z.array(FacilityTimelinessRow),
});
export type FacilityTimelinessReport = z.infer<typeof FacilityTimelinessReport>;
