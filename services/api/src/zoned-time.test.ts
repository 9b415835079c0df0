import { describe, expect, it } from "vitest";
// @ts-expect-error The dashboard is plain JavaScript without type declarations.
import { fromLocalInput, toLocalInput } from "../public/zoned-time.js";

const iso = (d: Date | null) => d?.toISOString() ?? null;

describe("datetime-local values in the practice's zone, whatever the browser's", () => {
  it("reads the practice's wall clock on either side of a DST change", () => {
    // New York moved to EDT on Sunday 2026-03-08 at 2:00 AM.
    expect(iso(fromLocalInput("2026-03-07T09:00", "America/New_York"))).toBe("2026-03-07T14:00:00.000Z");
    expect(iso(fromLocalInput("2026-03-08T15:00", "America/New_York"))).toBe("2026-03-08T19:00:00.000Z");
    expect(iso(fromLocalInput("2026-03-08T15:00", "America/Los_Angeles"))).toBe("2026-03-08T22:00:00.000Z");
    expect(iso(fromLocalInput("2026-07-01T00:30", "Asia/Kolkata"))).toBe("2026-06-30T19:00:00.000Z");
  });

  it("refuses a time the clocks skipped, and reads a repeated one as the first", () => {
    expect(fromLocalInput("2026-03-08T02:30", "America/New_York")).toBeNull();
    // 1:30 AM on 2026-11-01 happens in EDT (05:30Z) and again in EST (06:30Z).
    expect(iso(fromLocalInput("2026-11-01T01:30", "America/New_York"))).toBe("2026-11-01T05:30:00.000Z");
    expect(fromLocalInput("", "America/New_York")).toBeNull();
    expect(fromLocalInput("2026-03-08", "America/New_York")).toBeNull();
  });

  it("writes an instant as the practice's wall clock", () => {
    expect(toLocalInput("2026-03-10T15:00:00Z", "America/New_York")).toBe("2026-03-10T11:00");
    expect(toLocalInput("2026-03-10T15:00:00Z", "America/Chicago")).toBe("2026-03-10T10:00");
    expect(toLocalInput(new Date("2026-01-01T04:59:00Z"), "America/New_York")).toBe("2025-12-31T23:59");
  });
});
