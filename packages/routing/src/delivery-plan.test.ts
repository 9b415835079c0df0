import { describe, expect, it } from "vitest";
import { inQuietHours, nextLocalTime, planSends, type RecipientProfile } from "./delivery-plan.ts";

const base: RecipientProfile = {
  recipientId: "7",
  organizationId: "1",
  role: "care_manager",
  email: "cm@practice.example",
  pagerId: "5550001",
  timeZone: "America/New_York",
  active: true,
  channelRules: [],
  emailMode: "realtime",
  digestHour: 7,
  pagePriorityOneInQuietHours: true,
};
// 2026-11-23 15:00 in New York (EST, UTC-5).
const afternoon = new Date("2026-11-23T20:00:00Z");
// 2026-11-23 23:30 in New York.
const night = new Date("2026-11-24T04:30:00Z");

describe("planSends", () => {
  it("by default emails every alert and pages only Priority I", () => {
    expect(planSends(base, { eventKind: "ed-arrival", riskTier: "II", copy: "lead" }, afternoon)).toEqual([
      { recipientId: "7", channel: "email", status: "queued" },
    ]);
    expect(
      planSends(base, { eventKind: "ed-arrival", riskTier: "I", copy: "lead" }, afternoon).map(
        (s) => s.channel,
      ),
    ).toEqual(["email", "pager"]);
  });

  it("follows the first matching channel rule", () => {
    const r = {
      ...base,
      channelRules: [
        { eventKinds: ["discharge" as const], channels: ["pager" as const] },
        { channels: ["email" as const] },
      ],
    };
    expect(planSends(r, { eventKind: "discharge", copy: "lead" }, afternoon).map((s) => s.channel)).toEqual([
      "pager",
    ]);
    expect(planSends(r, { eventKind: "ed-arrival", copy: "lead" }, afternoon).map((s) => s.channel)).toEqual([
      "email",
    ]);
  });

  it("skips channels the person cannot be reached on, inactive people, and pages for monitor copies", () => {
    const { pagerId: _p, ...noPager } = base;
    expect(
      planSends(noPager, { eventKind: "ed-arrival", riskTier: "I", copy: "lead" }, afternoon),
    ).toHaveLength(1);
    expect(
      planSends({ ...base, active: false }, { eventKind: "ed-arrival", copy: "lead" }, afternoon),
    ).toEqual([]);
    expect(
      planSends(base, { eventKind: "ed-arrival", riskTier: "I", copy: "monitor" }, afternoon).map(
        (s) => s.channel,
      ),
    ).toEqual(["email"]);
  });

  it("holds pages through quiet hours, except Priority I when allowed", () => {
    const quiet = {
      ...base,
      quietHours: { start: "22:00", end: "07:00" },
      channelRules: [{ channels: ["pager" as const] }],
    };
    const held = planSends(quiet, { eventKind: "ed-arrival", riskTier: "II", copy: "lead" }, night);
    expect(held).toEqual([
      {
        recipientId: "7",
        channel: "pager",
        status: "scheduled",
        sendAfter: new Date("2026-11-24T12:00:00Z"),
      },
    ]);
    expect(planSends(quiet, { eventKind: "ed-arrival", riskTier: "I", copy: "lead" }, night)[0]?.status).toBe(
      "queued",
    );
    const strict = { ...quiet, pagePriorityOneInQuietHours: false };
    expect(
      planSends(strict, { eventKind: "ed-arrival", riskTier: "I", copy: "lead" }, night)[0]?.status,
    ).toBe("scheduled");
    expect(
      planSends(quiet, { eventKind: "ed-arrival", riskTier: "II", copy: "lead" }, afternoon)[0]?.status,
    ).toBe("queued");
  });

  it("holds emails for the digest unless Priority I", () => {
    const digest = { ...base, emailMode: "digest" as const };
    expect(planSends(digest, { eventKind: "discharge", riskTier: "III", copy: "lead" }, afternoon)).toEqual([
      { recipientId: "7", channel: "email", status: "held", sendAfter: new Date("2026-11-24T12:00:00Z") },
    ]);
    expect(
      planSends(digest, { eventKind: "discharge", riskTier: "I", copy: "lead" }, afternoon).find(
        (s) => s.channel === "email",
      )?.status,
    ).toBe("queued");
  });
});

describe("quiet hours and local times", () => {
  it("handles windows that wrap midnight and ones that do not", () => {
    const overnight = { start: "22:00", end: "07:00" };
    expect(inQuietHours(night, "America/New_York", overnight)).toBe(true);
    expect(inQuietHours(afternoon, "America/New_York", overnight)).toBe(false);
    expect(inQuietHours(afternoon, "America/New_York", { start: "12:00", end: "16:00" })).toBe(true);
    expect(inQuietHours(afternoon, "America/Los_Angeles", { start: "12:00", end: "16:00" })).toBe(true);
    expect(inQuietHours(afternoon, "Asia/Tokyo", { start: "12:00", end: "16:00" })).toBe(false);
  });

  it("finds the next local time across a DST change", () => {
    // 2026-03-08 is the spring-forward day in New York: 07:00 that morning is EDT (UTC-4).
    expect(nextLocalTime(new Date("2026-03-08T05:00:00Z"), "America/New_York", "07:00")).toEqual(
      new Date("2026-03-08T11:00:00Z"),
    );
    // 2026-11-01 fall back: 07:00 is EST (UTC-5).
    expect(nextLocalTime(new Date("2026-11-01T05:00:00Z"), "America/New_York", "07:00")).toEqual(
      new Date("2026-11-01T12:00:00Z"),
    );
    // Already past today's 07:00: tomorrow's.
    expect(nextLocalTime(afternoon, "America/New_York", "07:00")).toEqual(new Date("2026-11-24T12:00:00Z"));
  });
});
