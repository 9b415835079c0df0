import { describe, expect, it } from "vitest";
import { type ContactTimesTaskRow, timeTask } from "./contact-times.ts";

const at = (iso: string) => new Date(iso);
const task = (over: Partial<ContactTimesTaskRow>): ContactTimesTaskRow =>
  ({
    triggeredAt: at("2026-06-01T10:00:00Z"),
    openedAt: at("2026-06-01T10:00:30Z"),
    alertSentAt: null,
    firstAttemptAt: null,
    contactedAt: at("2026-06-01T16:00:00Z"),
    completedAt: at("2026-06-01T16:05:00Z"),
    outcome: "reached_patient",
    ...over,
  }) as ContactTimesTaskRow;

describe("timeTask: where the clock starts", () => {
  it("at the first alert sent, when one went out", () => {
    expect(timeTask(task({ alertSentAt: at("2026-06-01T11:00:00Z") })).hoursToContact).toBe(5);
  });

  it("at the task's opening when no alert went out (held for a digest)", () => {
    expect(timeTask(task({ openedAt: at("2026-06-01T12:00:00Z") })).hoursToContact).toBe(4);
  });

  it("at the event for a task opened from a backfill, months after its event", () => {
    const timed = timeTask(task({ openedAt: at("2026-12-01T10:00:00Z") }));
    expect(timed.hoursToContact).toBe(6);
    expect(timed.fromAlert).toBe(false);
  });
});
