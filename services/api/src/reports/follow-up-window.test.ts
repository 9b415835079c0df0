import type { BusinessCalendar } from "@homeward/protocols";
import { describe, expect, it } from "vitest";
import { contactTimeOf, evaluateTask, followUpWindowEnd } from "./follow-up-window.ts";

const newYork: BusinessCalendar = { timeZone: "America/New_York", holidays: { country: "US" }, closures: [] };
const twoBusinessDays = { x: 2, unit: "business-days" } as const;

describe("followUpWindowEnd", () => {
  it("skips a Monday federal holiday: Friday + 2 business days ends Wednesday night, local time", () => {
    // Friday 2024-08-30 14:00 EDT; Monday 2024-09-02 is Labor Day.
    const friday = new Date("2024-08-30T18:00:00Z");
    expect(followUpWindowEnd(friday, twoBusinessDays, newYork).toISOString()).toBe(
      "2024-09-05T03:59:59.999Z",
    );
  });

  it("ends Tuesday night for the same Friday without holidays", () => {
    const noHolidays: BusinessCalendar = { timeZone: "America/New_York", closures: [] };
    const friday = new Date("2024-08-30T18:00:00Z");
    expect(followUpWindowEnd(friday, twoBusinessDays, noHolidays).toISOString()).toBe(
      "2024-09-04T03:59:59.999Z",
    );
  });

  it("skips the practice's own closures", () => {
    const closedTuesday: BusinessCalendar = { ...newYork, closures: ["2024-09-03"] };
    const friday = new Date("2024-08-30T18:00:00Z");
    // Mon holiday, Tue closed: Wed is day 1, Thu day 2.
    expect(followUpWindowEnd(friday, twoBusinessDays, closedTuesday).toISOString()).toBe(
      "2024-09-06T03:59:59.999Z",
    );
  });

  it("counts from the practice's local day, not the UTC day", () => {
    // 22:30 in Chicago on Monday 2024-03-04 is already Tuesday in UTC.
    const chicago: BusinessCalendar = {
      timeZone: "America/Chicago",
      holidays: { country: "US" },
      closures: [],
    };
    const lateMonday = new Date("2024-03-05T04:30:00Z");
    // Day 1 Tuesday, day 2 Wednesday 2024-03-06, end 23:59:59.999 CST = 05:59:59.999Z next day.
    expect(followUpWindowEnd(lateMonday, twoBusinessDays, chicago).toISOString()).toBe(
      "2024-03-07T05:59:59.999Z",
    );
  });

  it("counts calendar days through weekends and holidays, and x = 0 is the event's own day", () => {
    const friday = new Date("2024-08-30T18:00:00Z");
    expect(followUpWindowEnd(friday, { x: 7, unit: "calendar-days" }, newYork).toISOString()).toBe(
      "2024-09-07T03:59:59.999Z",
    );
    expect(followUpWindowEnd(friday, { x: 0, unit: "calendar-days" }, newYork).toISOString()).toBe(
      "2024-08-31T03:59:59.999Z",
    );
  });
});

describe("evaluateTask", () => {
  const friday = new Date("2024-08-30T18:00:00Z");

  it("counts a Wednesday contact after a Friday discharge before a Monday holiday as within 2 business days", () => {
    const wednesday = new Date("2024-09-04T20:00:00Z");
    const result = evaluateTask(
      { triggeredAt: friday, completedAt: wednesday, outcome: "reached_patient" },
      twoBusinessDays,
      newYork,
    );
    expect(result.met).toBe(true);
    expect(result.hoursToContact).toBe(122);
  });

  it("counts a late contact in the time to contact but not in the numerator", () => {
    const thursday = new Date("2024-09-05T13:00:00Z");
    const result = evaluateTask(
      { triggeredAt: friday, completedAt: thursday, outcome: "reached_patient" },
      twoBusinessDays,
      newYork,
    );
    expect(result.met).toBe(false);
    expect(result.hoursToContact).toBe(139);
  });

  it("does not count a voicemail or a closed task without contact", () => {
    const saturday = new Date("2024-08-31T15:00:00Z");
    for (const outcome of ["left_message", "unable_to_reach", "declined", "not_needed", null] as const) {
      const result = evaluateTask(
        { triggeredAt: friday, completedAt: saturday, outcome },
        twoBusinessDays,
        newYork,
      );
      expect(result).toMatchObject({ met: false, hoursToContact: null });
    }
  });

  it("does not count an open task", () => {
    const result = evaluateTask(
      { triggeredAt: friday, completedAt: null, outcome: null },
      twoBusinessDays,
      newYork,
    );
    expect(result.met).toBe(false);
    expect(result.windowEndsAt.toISOString()).toBe("2024-09-05T03:59:59.999Z");
  });

  it("counts the contact time, not the click: reached Tuesday, completed Thursday, is within 2 business days", () => {
    const tuesday = new Date("2024-09-03T14:00:00Z");
    const thursday = new Date("2024-09-05T20:00:00Z");
    const task = { triggeredAt: friday, completedAt: thursday, outcome: "reached_patient" as const };
    expect(evaluateTask(task, twoBusinessDays, newYork).met).toBe(false);
    const result = evaluateTask({ ...task, contactedAt: tuesday }, twoBusinessDays, newYork);
    expect(result.met).toBe(true);
    // Friday 18:00Z → Tuesday 14:00Z = 3 days + 20 hours.
    expect(result.hoursToContact).toBe(92);
  });

  it("counts an attempt that reached the patient even when the task is still open", () => {
    const saturday = new Date("2024-08-31T15:00:00Z");
    expect(
      evaluateTask(
        { triggeredAt: friday, completedAt: null, outcome: null, contactedAt: saturday },
        twoBusinessDays,
        newYork,
      ),
    ).toMatchObject({ met: true, hoursToContact: 21 });
  });
});

describe("contactTimeOf", () => {
  const friday = new Date("2024-08-30T18:00:00Z");
  const monday = new Date("2024-09-02T18:00:00Z");
  const sunday = new Date("2024-09-01T18:00:00Z");

  it("prefers the entered contact time, falls back to completion only for reached_patient", () => {
    expect(
      contactTimeOf({
        triggeredAt: friday,
        completedAt: monday,
        outcome: "reached_patient",
        contactedAt: sunday,
      }),
    ).toBe(sunday);
    expect(
      contactTimeOf({
        triggeredAt: friday,
        completedAt: monday,
        outcome: "reached_patient",
        contactedAt: null,
      }),
    ).toBe(monday);
    expect(contactTimeOf({ triggeredAt: friday, completedAt: monday, outcome: "left_message" })).toBeNull();
  });
});
