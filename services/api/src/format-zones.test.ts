import { describe, expect, it } from "vitest";
// @ts-expect-error The dashboard is plain JavaScript without type declarations.
import { formatDayIn, formatDueIn, formatInZone } from "../public/format.js";

const now = new Date("2026-12-06T12:00:00Z");

describe("dashboard times, as people read them", () => {
  it("shows a protocol's end-of-day deadline as the practice's day, never a clock time", () => {
    // 23:59:59.999 on Tuesday Dec 8 in Chicago is already Wednesday in UTC.
    expect(formatDueIn("2026-12-09T05:59:59.999Z", "America/Chicago", now)).toBe(
      "due Tue Dec 8 (end of day)",
    );
    expect(formatDueIn("2026-12-09T05:59:59.999Z", "America/New_York", now)).toBe(
      "due Wed Dec 9, 12:59 AM EST",
    );
  });

  it("names the zone of every clock time, in the zone given", () => {
    expect(formatInZone("2026-12-06T01:30:00Z", "America/Chicago", now)).toBe("Sat Dec 5, 7:30 PM CST");
    expect(formatInZone("2026-07-06T01:30:00Z", "America/Los_Angeles", now)).toBe("Sun Jul 5, 6:30 PM PDT");
  });

  it("adds the year only when it is not this year", () => {
    expect(formatDayIn("2025-01-06T01:30:00Z", "America/Chicago", now)).toBe("Sun Jan 5, 2025");
    expect(formatDayIn("2026-01-06T15:00:00Z", "America/Chicago", now)).toBe("Tue Jan 6");
  });

  it("shows a dash for a missing time", () => {
    expect(formatDueIn(null, "America/Chicago", now)).toBe("—");
  });
});
