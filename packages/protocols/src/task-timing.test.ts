import { DateTime } from "luxon";
import { describe, expect, it } from "vitest";
import type { BusinessCalendar } from "./business-calendar.ts";
import type { ProtocolStep } from "./protocol-step.ts";
import { escalationAt, reminderTimes } from "./task-timing.ts";

const NEW_YORK: BusinessCalendar = {
  timeZone: "America/New_York",
  holidays: { country: "US" },
  closures: [],
};
const local = (d: Date | undefined) =>
  d === undefined ? undefined : DateTime.fromJSDate(d, { zone: NEW_YORK.timeZone }).toISO();
const at = (iso: string) => DateTime.fromISO(iso, { zone: NEW_YORK.timeZone }).toJSDate();

describe("reminderTimes", () => {
  it("reminds at 9 am on the due day and on business days before it, earliest first", () => {
    const step: Pick<ProtocolStep, "reminders"> = {
      reminders: [
        { type: "business-day-at", at: "09:00", businessDaysBeforeDue: 0 },
        { type: "business-day-at", at: "09:00", businessDaysBeforeDue: 2 },
      ],
    };
    // Due Tuesday September 8 2026: two business days before is Thursday September 3 (Labor Day Monday).
    const times = reminderTimes(step, at("2026-09-08T23:59:59.999"), NEW_YORK);
    expect(times.map(local)).toEqual(["2026-09-03T09:00:00.000-04:00", "2026-09-08T09:00:00.000-04:00"]);
  });

  it("moves a reminder for a weekend or holiday deadline to the last business day before it", () => {
    const step: Pick<ProtocolStep, "reminders"> = {
      reminders: [{ type: "business-day-at", at: "09:00", businessDaysBeforeDue: 0 }],
    };
    // Due Saturday July 4 2026; Friday July 3 is the observed holiday.
    expect(reminderTimes(step, at("2026-07-04T23:59:59.999"), NEW_YORK).map(local)).toEqual([
      "2026-07-02T09:00:00.000-04:00",
    ]);
  });

  it("keeps 9 am local across the spring-forward weekend", () => {
    const step: Pick<ProtocolStep, "reminders"> = {
      reminders: [{ type: "business-day-at", at: "09:00", businessDaysBeforeDue: 1 }],
    };
    expect(reminderTimes(step, at("2026-03-09T23:59:59.999"), NEW_YORK).map(local)).toEqual([
      "2026-03-06T09:00:00.000-05:00",
    ]);
  });

  it("counts hours back from the deadline and drops reminders already past or not before due", () => {
    const step: Pick<ProtocolStep, "reminders"> = {
      reminders: [
        { type: "hours-before-due", hours: 4 },
        { type: "hours-before-due", hours: 48 },
        { type: "business-day-at", at: "09:00", businessDaysBeforeDue: 0 },
      ],
    };
    const dueAt = at("2026-03-04T08:00:00"); // an hours rule: due before 9 am
    const opened = at("2026-03-03T00:00:00");
    expect(reminderTimes(step, dueAt, NEW_YORK, opened).map(local)).toEqual([
      "2026-03-04T04:00:00.000-05:00",
    ]);
    expect(reminderTimes(step, dueAt, NEW_YORK).map(local)).toEqual([
      "2026-03-02T08:00:00.000-05:00",
      "2026-03-04T04:00:00.000-05:00",
    ]);
  });
});

describe("escalationAt", () => {
  it("waits for 9 am on the next business day after the due day", () => {
    const step: Pick<ProtocolStep, "escalation"> = {
      escalation: {
        after: { type: "business-day-at", at: "09:00", businessDaysAfterDue: 1 },
        role: "supervisor",
        channel: "email",
      },
    };
    // Due Thursday July 2 2026: Friday July 3 is the observed holiday, so Monday July 6.
    expect(local(escalationAt(step, at("2026-07-02T23:59:59.999"), NEW_YORK))).toBe(
      "2026-07-06T09:00:00.000-04:00",
    );
  });

  it("adds hours to the deadline, or says there is no escalation", () => {
    const step: Pick<ProtocolStep, "escalation"> = {
      escalation: { after: { type: "hours-after-due", hours: 2 }, role: "care_manager", channel: "pager" },
    };
    expect(local(escalationAt(step, at("2026-03-07T23:59:59.999"), NEW_YORK))).toBe(
      "2026-03-08T01:59:59.999-05:00",
    );
    expect(escalationAt({}, at("2026-03-07T23:59:59.999"), NEW_YORK)).toBeUndefined();
  });
});
