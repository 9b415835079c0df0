import { z } from "zod";

/**
 * When a task is due, counted from the event that opened it. Day-based rules end at the end of the
 * due day (23:59:59.999) in the practice's time zone; business days skip weekends, holidays and the
 * practice's closures. "indexDayCounts: false" makes the day after the event day 1, which is how CMS
 * counts TCM ("within 2 business days following discharge") and HEDIS counts its windows.
 */
export const DueRule = z.discriminatedUnion("type", [
  z.strictObject({
    type: z.literal("business-days"),
    /** How many business days; day n's end is the deadline. */
    days: z.int().min(1).max(60),
    /** Whether the event day is day 1 when it is itself a business day. */
    indexDayCounts: z.boolean(),
  }),
  z.strictObject({
    type: z.literal("calendar-days"),
    /** How many calendar days; the deadline may fall on a weekend or holiday, as measures count it. */
    days: z.int().min(1).max(366),
    /** Whether the event day is day 1. */
    indexDayCounts: z.boolean(),
  }),
  z.strictObject({
    /**
     * The same day of the month, `months` later (the month's last day when it is shorter: Aug 31 + 6
     * months is Feb 28), for periodic work such as the six-month tracking-list review.
     */
    type: z.literal("calendar-months"),
    months: z.int().min(1).max(24),
  }),
  z.strictObject({
    /** The end of the first business day after the event day (same as 1 business day, index day not counted). */
    type: z.literal("next-business-day"),
  }),
  z.strictObject({
    type: z.literal("hours"),
    /** Plain elapsed time from the event, for work that cannot wait for the next business day. */
    hours: z.number().positive().max(720),
  }),
]);
export type DueRule = z.infer<typeof DueRule>;
