import { z } from "zod";

/** The contact-times report's HTTP contract (GET /api/reports/contact-times); also `?format=csv`. */

const Day = z.iso.date().describe("YYYY-MM-DD");
const OrganizationId = z.string().regex(/^[1-9][0-9]{0,17}$/, "an organization id");
const MAX_PERIOD_DAYS = 731;
const daysBetween = (from: string, to: string) =>
  (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000;

/**
 * The follow-up report's parameters without x, unit and count: the times are per task, and not
 * judged against a window. The same tasks as the follow-up report's (population, exclusions).
 */
export const ContactTimesQuery = z
  .object({
    measure: z
      .enum(["ed-follow-up", "discharge-contact", "discharge-visit", "medication-reconciliation"])
      .default("ed-follow-up")
      .describe("whose tasks: the follow-up measure's protocol steps"),
    from: Day.describe("first day of the period, by event (trigger) date in the practice's zone"),
    to: Day.describe("last day of the period (inclusive)"),
    organizationId: OrganizationId.optional().describe("one organization within the caller's scope"),
    groupBy: z.enum(["practice", "care_manager", "program", "tier", "month"]).default("practice"),
    program: z.string().min(1).max(200).optional(),
    tier: z.enum(["I", "II", "III"]).optional(),
    population: z
      .enum(["high-risk", "all"])
      .optional()
      .describe(
        "high-risk: patients high-risk on the event day by the protocols' definition (default for ed-follow-up); all: every task (default for the discharge measures)",
      ),
    format: z.enum(["json", "csv"]).default("json").describe("csv: a text/csv download of the same rows"),
  })
  .refine(
    (q) => {
      const days = daysBetween(q.from, q.to);
      return days >= 0 && days <= MAX_PERIOD_DAYS;
    },
    { message: `to must be on or after from, at most ${MAX_PERIOD_DAYS} days later`, path: ["to"] },
  );
export type ContactTimesQuery = z.infer<typeof ContactTimesQuery>;

const Hours = z.number().nullable();

const ContactTimesNumbers = z.object({
  tasks: z.int(),
  timedFromTaskOpening: z.int(),
  attempted: z.int(),
  medianHoursToFirstAttempt: Hours,
  p90HoursToFirstAttempt: Hours,
  contacted: z.int(),
  medianHoursToContact: Hours,
  p90HoursToContact: Hours,
});

export const ContactTimesReport = z.object({
  measure: z.string(),
  population: z.string(),
  from: z.string(),
  to: z.string(),
  groupBy: z.string(),
  rows: z.array(ContactTimesNumbers.extend({ groupKey: z.string().nullable(), group: z.string() })),
  total: ContactTimesNumbers,
});
export type ContactTimesReport = z.infer<typeof ContactTimesReport>;
