import fc from "fast-check";
import { DateTime } from "luxon";
import { describe, expect, it } from "vitest";
import { parseHl7Date, parseHl7Time } from "./hl7-time.ts";

const NY = "America/New_York";

function iso(value: string, zone = NY): string {
  const r = parseHl7Time(value, zone);
  if (!r.ok) throw new Error(`${value}: ${r.reason}`);
  return r.iso;
}

describe("parseHl7Time", () => {
  it("applies the facility zone to a time without offset, by the date's own DST rule", () => {
    expect(iso("20240115083000")).toBe("2024-01-15T08:30:00-05:00");
    expect(iso("20240715083000")).toBe("2024-07-15T08:30:00-04:00");
    expect(iso("20240715083000", "America/Phoenix")).toBe("2024-07-15T08:30:00-07:00");
    expect(iso("20240715083000", "Pacific/Honolulu")).toBe("2024-07-15T08:30:00-10:00");
  });

  it("keeps the sender's offset when one is given, ignoring the zone", () => {
    expect(iso("20240715083000-0500")).toBe("2024-07-15T08:30:00-05:00");
    expect(iso("20240715083000+0530")).toBe("2024-07-15T08:30:00+05:30");
    expect(iso("202407150830+0000")).toBe("2024-07-15T08:30:00+00:00");
    expect(iso("20240115083000", "Europe/London")).toBe("2024-01-15T08:30:00+00:00");
    expect(parseHl7Time("20240715083000-0500", NY)).toMatchObject({ hadOffset: true });
  });

  it("fills missing parts with the start of the period and reports the precision", () => {
    expect(parseHl7Time("2024", NY)).toMatchObject({ iso: "2024-01-01T00:00:00-05:00", precision: "year" });
    expect(parseHl7Time("202407", NY)).toMatchObject({
      iso: "2024-07-01T00:00:00-04:00",
      precision: "month",
    });
    expect(parseHl7Time("20240715", NY)).toMatchObject({ precision: "day" });
    expect(parseHl7Time("2024071508", NY)).toMatchObject({
      iso: "2024-07-15T08:00:00-04:00",
      precision: "hour",
    });
    expect(parseHl7Time("202407150830", NY)).toMatchObject({ precision: "minute" });
    expect(parseHl7Time("20240715083015", NY)).toMatchObject({ precision: "second" });
    expect(parseHl7Time("20240715083015.1", NY)).toMatchObject({
      iso: "2024-07-15T08:30:15.100-04:00",
      precision: "fraction",
    });
    expect(iso("20240715083015.1234-0400")).toBe("2024-07-15T08:30:15.123-04:00");
    expect(iso("20240715083015.123456789")).toBe("2024-07-15T08:30:15.123-04:00");
  });

  it("moves a wall-clock time in the spring-forward gap forward by the gap", () => {
    expect(parseHl7Time("202403100230", NY)).toMatchObject({
      ok: true,
      iso: "2024-03-10T03:30:00-04:00",
      adjustment: "dst-gap",
    });
    expect(iso("202403310130", "Europe/London")).toBe("2024-03-31T02:30:00+01:00");
    // Lord Howe Island moves its clocks by 30 minutes.
    expect(iso("202410060215", "Australia/Lord_Howe")).toBe("2024-10-06T02:45:00+11:00");
    // The minute before and the first minute after the gap are untouched.
    expect(parseHl7Time("202403100159", NY)).toMatchObject({ iso: "2024-03-10T01:59:00-05:00" });
    expect(parseHl7Time("202403100300", NY)).not.toHaveProperty("adjustment");
  });

  it("takes the earlier instant for a wall-clock time that happened twice", () => {
    expect(parseHl7Time("202411030130", NY)).toMatchObject({
      ok: true,
      iso: "2024-11-03T01:30:00-04:00",
      adjustment: "dst-overlap",
    });
    expect(iso("202410270130", "Europe/London")).toBe("2024-10-27T01:30:00+01:00");
    expect(iso("202404070245", "Australia/Sydney")).toBe("2024-04-07T02:45:00+11:00");
    expect(iso("202404070145", "Australia/Lord_Howe")).toBe("2024-04-07T01:45:00+11:00");
    // An explicit offset chooses the second occurrence, as the sender meant.
    expect(iso("202411030130-0500")).toBe("2024-11-03T01:30:00-05:00");
    expect(parseHl7Time("202411030200", NY)).toMatchObject({ iso: "2024-11-03T02:00:00-05:00" });
  });

  it.each([
    ["", "empty"],
    ["2024-07-15", "ISO instead of HL7"],
    ["20240230", "February 30"],
    ["20230229", "not a leap year"],
    ["202407152400", "hour 24"],
    ["202407151260", "minute 60"],
    ["20240715083060", "second 60"],
    ["2024071", "odd digit count"],
    ["20240715-05", "short offset"],
    ["20240715+1500", "offset beyond +14"],
    ["20240715-0560", "offset minutes 60"],
    ["0000", "year 0"],
    [" 20240715", "leading space"],
  ])("refuses %j (%s)", (value) => {
    expect(parseHl7Time(value, NY).ok).toBe(false);
  });

  it("accepts February 29 in a leap year", () => {
    expect(iso("20240229")).toBe("2024-02-29T00:00:00-05:00");
  });

  it("says so when the zone is unknown", () => {
    expect(parseHl7Time("20240715", "Mars/Olympus")).toEqual({
      ok: false,
      reason: 'unknown time zone "Mars/Olympus"',
    });
  });
});

describe("parseHl7Time properties", () => {
  const zones = fc.constantFrom(
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Phoenix",
    "America/Los_Angeles",
    "America/Anchorage",
    "Pacific/Honolulu",
    "America/Puerto_Rico",
    "Europe/London",
    "Australia/Lord_Howe",
    "UTC",
  );
  const instants = fc
    .date({
      min: new Date("1970-01-01T00:00:00Z"),
      max: new Date("2099-12-31T23:59:59Z"),
      noInvalidDate: true,
    })
    .map((d) => DateTime.fromJSDate(d));
  const pad = (n: number, width = 2) => String(n).padStart(width, "0");
  const wall = (dt: DateTime) =>
    `${pad(dt.year, 4)}${pad(dt.month)}${pad(dt.day)}${pad(dt.hour)}${pad(dt.minute)}${pad(dt.second)}`;

  it("writes every part of a stamp with its own offset back digit for digit, years below 1000 too", () => {
    // formatIso builds four-digit years from char codes and falls back to padding for the rest.
    const stamps = fc.record({
      year: fc.oneof(fc.integer({ min: 1, max: 999 }), fc.integer({ min: 1000, max: 9999 })),
      month: fc.integer({ min: 1, max: 12 }),
      day: fc.integer({ min: 1, max: 28 }),
      hour: fc.integer({ min: 0, max: 23 }),
      minute: fc.integer({ min: 0, max: 59 }),
      second: fc.integer({ min: 0, max: 59 }),
      millis: fc.option(fc.integer({ min: 0, max: 999 })),
      sign: fc.constantFrom("+", "-"),
      offsetHours: fc.integer({ min: 0, max: 14 }),
      offsetMinutes: fc.integer({ min: 0, max: 59 }),
    });
    fc.assert(
      fc.property(stamps, (t) => {
        const date = `${pad(t.year, 4)}${pad(t.month)}${pad(t.day)}${pad(t.hour)}${pad(t.minute)}${pad(t.second)}`;
        const fraction = t.millis === null ? "" : `.${pad(t.millis, 3)}`;
        const offset = `${t.sign}${pad(t.offsetHours)}${pad(t.offsetMinutes)}`;
        // -0000 is written as +00:00, as luxon and the offset arithmetic have always done.
        const shownSign = t.offsetHours === 0 && t.offsetMinutes === 0 ? "+" : t.sign;
        expect(iso(`${date}${fraction}${offset}`)).toBe(
          `${pad(t.year, 4)}-${pad(t.month)}-${pad(t.day)}T${pad(t.hour)}:${pad(t.minute)}:${pad(t.second)}` +
            `${fraction}${shownSign}${pad(t.offsetHours)}:${pad(t.offsetMinutes)}`,
        );
      }),
      { numRuns: 2000 },
    );
  });

  it("never throws, whatever the input", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), zones, (value, zone) => {
        const r = parseHl7Time(value, zone);
        expect(typeof r.ok).toBe("boolean");
      }),
      { numRuns: 2000 },
    );
  });

  it("round-trips an instant written with an offset, keeping that offset", () => {
    const offsets = fc.integer({ min: -12 * 60, max: 14 * 60 });
    fc.assert(
      fc.property(instants, offsets, (instant, offset) => {
        const local = instant.setZone(
          `UTC${offset < 0 ? "-" : "+"}${Math.floor(Math.abs(offset) / 60)}:${pad(Math.abs(offset) % 60)}`,
        );
        const sign = offset < 0 ? "-" : "+";
        const value = `${wall(local)}${sign}${pad(Math.floor(Math.abs(offset) / 60))}${pad(Math.abs(offset) % 60)}`;
        const r = parseHl7Time(value, "America/Chicago");
        if (!r.ok) throw new Error(r.reason);
        const back = DateTime.fromISO(r.iso, { setZone: true });
        expect(back.toMillis()).toBe(instant.startOf("second").toMillis());
        expect(back.offset).toBe(offset);
      }),
      { numRuns: 1000 },
    );
  });

  it("maps a zone's wall-clock reading back to that instant, or to the earlier one when the hour repeats", () => {
    fc.assert(
      fc.property(instants, zones, (instant, zone) => {
        const local = instant.setZone(zone).startOf("second");
        const r = parseHl7Time(wall(local), zone);
        if (!r.ok) throw new Error(r.reason);
        const back = DateTime.fromISO(r.iso, { setZone: true });
        expect(back.setZone(zone).toFormat("yyyyMMddHHmmss")).toBe(wall(local));
        if (r.adjustment === "dst-overlap") expect(back.toMillis()).toBeLessThanOrEqual(local.toMillis());
        else expect(back.toMillis()).toBe(local.toMillis());
        expect(r.adjustment).not.toBe("dst-gap");
      }),
      { numRuns: 2000 },
    );
  });

  it("answers the same from its per-hour cache as on first sight, and as luxon alone", () => {
    fc.assert(
      fc.property(instants, zones, fc.integer({ min: 0, max: 999 }), (instant, zone, ms) => {
        const local = instant.setZone(zone).set({ millisecond: ms });
        const value = `${wall(local)}.${pad(ms, 3)}`;
        const first = parseHl7Time(value, zone);
        expect(parseHl7Time(value, zone)).toEqual(first);
        if (!first.ok) throw new Error(first.reason);
        const reference = DateTime.fromObject(
          {
            year: local.year,
            month: local.month,
            day: local.day,
            hour: local.hour,
            minute: local.minute,
            second: local.second,
            millisecond: ms,
          },
          { zone },
        )
          .getPossibleOffsets()
          .reduce((a, b) => (b.toMillis() < a.toMillis() ? b : a));
        expect(DateTime.fromISO(first.iso).toMillis()).toBe(reference.toMillis());
      }),
      { numRuns: 2000 },
    );
  });

  it("never goes backwards in time for later wall-clock readings outside a DST gap", () => {
    const walls = fc.record({
      year: fc.integer({ min: 1990, max: 2040 }),
      month: fc.integer({ min: 1, max: 12 }),
      day: fc.integer({ min: 1, max: 28 }),
      minuteOfDay: fc.integer({ min: 0, max: 1439 }),
    });
    fc.assert(
      fc.property(walls, fc.integer({ min: 1, max: 300 }), zones, (w, step, zone) => {
        const a = DateTime.fromObject(
          {
            year: w.year,
            month: w.month,
            day: w.day,
            hour: Math.floor(w.minuteOfDay / 60),
            minute: w.minuteOfDay % 60,
          },
          { zone: "UTC" },
        );
        const b = a.plus({ minutes: step });
        const ra = parseHl7Time(wall(a), zone);
        const rb = parseHl7Time(wall(b), zone);
        if (!ra.ok || !rb.ok) throw new Error("unparsed");
        if (ra.adjustment === "dst-gap" || rb.adjustment === "dst-gap") return;
        expect(DateTime.fromISO(rb.iso).toMillis()).toBeGreaterThan(DateTime.fromISO(ra.iso).toMillis());
      }),
      { numRuns: 2000 },
    );
  });

  it("moves every minute of the US spring-forward gap forward by exactly one hour", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 59 }), fc.integer({ min: 2007, max: 2060 }), (minute, year) => {
        // Second Sunday of March, 02:mm, US rule since 2007.
        const march1 = DateTime.fromObject({ year, month: 3, day: 1 }, { zone: "UTC" });
        const day = 1 + ((7 - march1.weekday) % 7) + 7;
        const value = `${year}03${pad(day)}02${pad(minute)}`;
        const r = parseHl7Time(value, NY);
        expect(r).toMatchObject({
          ok: true,
          adjustment: "dst-gap",
          iso: `${year}-03-${pad(day)}T03:${pad(minute)}:00-04:00`,
        });
      }),
    );
  });
});

describe("parseHl7Date", () => {
  it("reads the calendar date as written, with no zone shift", () => {
    expect(parseHl7Date("19800229")).toBe("1980-02-29");
    expect(parseHl7Date("198002291230")).toBe("1980-02-29");
    expect(parseHl7Date("198002292330-1000")).toBe("1980-02-29");
  });

  it.each(["1980", "198002", "19810229", "1980-02-29", ""])("gives nothing for %j", (value) => {
    expect(parseHl7Date(value)).toBeUndefined();
  });

  it("agrees with parseHl7Time's date part in the same zone for any day-precision value", () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date("1900-01-01"), max: new Date("2099-12-31"), noInvalidDate: true }),
        (d) => {
          const value = DateTime.fromJSDate(d, { zone: "UTC" }).toFormat("yyyyMMdd");
          const t = parseHl7Time(value, "UTC");
          expect(t.ok && t.iso.slice(0, 10)).toBe(parseHl7Date(value));
        },
      ),
    );
  });
});
