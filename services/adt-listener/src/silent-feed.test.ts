import { describe, expect, it } from "vitest";
import { expectedWindowStart, type SilenceFacts, silenceDecision } from "./silent-feed.ts";

const at = (iso: string) => new Date(iso);
/** A clinic feed expected on weekdays 07:00–19:00 in Chicago, silent after 30 minutes. */
const clinic: Omit<SilenceFacts, "now" | "lastMessageAt"> = {
  createdAt: at("2026-01-01T00:00:00Z"),
  silenceMinutes: 30,
  expectedHours: { days: [1, 2, 3, 4, 5], start: "07:00", end: "19:00" },
  timeZone: "America/Chicago",
  openAlarm: null,
};

describe("expected hours", () => {
  it("are the hospital's wall-clock hours, across a DST change", () => {
    // Tuesday 2026-03-10, 07:30 CDT (UTC-5, after the 8 March change) = 12:30Z.
    expect(expectedWindowStart(at("2026-03-10T12:30:00Z"), clinic.expectedHours, clinic.timeZone)).toEqual(
      at("2026-03-10T12:00:00Z"),
    );
    // Tuesday 2026-03-03, 07:30 CST (UTC-6) = 13:30Z; the window opened at 13:00Z.
    expect(expectedWindowStart(at("2026-03-03T13:30:00Z"), clinic.expectedHours, clinic.timeZone)).toEqual(
      at("2026-03-03T13:00:00Z"),
    );
    // 06:59 local, Saturday noon: outside.
    expect(
      expectedWindowStart(at("2026-03-10T11:59:00Z"), clinic.expectedHours, clinic.timeZone),
    ).toBeUndefined();
    expect(
      expectedWindowStart(at("2026-03-14T17:00:00Z"), clinic.expectedHours, clinic.timeZone),
    ).toBeUndefined();
    expect(expectedWindowStart(at("2026-03-14T17:00:00Z"), null, clinic.timeZone)).toBeNull();
  });
});

describe("the silent-feed rule", () => {
  it("opens after the threshold within the hours, counting from the window's start, not from last night", () => {
    // Last message 18:50 local Monday; Tuesday 07:29 local is 29 minutes into the window: not yet.
    const lastMessageAt = at("2026-03-09T23:50:00Z");
    expect(silenceDecision({ ...clinic, now: at("2026-03-10T12:29:00Z"), lastMessageAt })).toBe("none");
    expect(silenceDecision({ ...clinic, now: at("2026-03-10T12:30:00Z"), lastMessageAt })).toBe("open");
    // Outside the hours nothing opens, however long the silence.
    expect(silenceDecision({ ...clinic, now: at("2026-03-10T04:00:00Z"), lastMessageAt })).toBe("none");
  });

  it("at all hours: silent once the threshold passes since the last message, or since creation", () => {
    const always = { ...clinic, expectedHours: null };
    const lastMessageAt = at("2026-03-10T14:00:00Z");
    expect(silenceDecision({ ...always, now: at("2026-03-10T14:29:59Z"), lastMessageAt })).toBe("none");
    expect(silenceDecision({ ...always, now: at("2026-03-10T14:30:00Z"), lastMessageAt })).toBe("open");
    const created = { ...always, createdAt: at("2026-03-10T14:10:00Z") };
    expect(silenceDecision({ ...created, now: at("2026-03-10T14:39:00Z"), lastMessageAt: null })).toBe(
      "none",
    );
    expect(silenceDecision({ ...created, now: at("2026-03-10T14:40:00Z"), lastMessageAt: null })).toBe(
      "open",
    );
  });

  it("clears an open alarm when a message came after the one it was opened on, at any hour", () => {
    const openAlarm = { lastMessageAt: at("2026-03-10T14:00:00Z") };
    const base = { ...clinic, openAlarm, now: at("2026-03-10T03:00:00Z") };
    expect(silenceDecision({ ...base, lastMessageAt: at("2026-03-10T14:00:00Z") })).toBe("none");
    expect(silenceDecision({ ...base, lastMessageAt: at("2026-03-10T14:00:01Z") })).toBe("clear");
    expect(silenceDecision({ ...base, openAlarm: { lastMessageAt: null }, lastMessageAt: null })).toBe(
      "none",
    );
  });
});
