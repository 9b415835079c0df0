import { DateTime } from "luxon";
import { describe, expect, it } from "vitest";
import { DEFAULT_PROTOCOLS } from "./default-protocols.ts";
import { nextReview, planReviewTask, type ReviewCandidate } from "./plan-review.ts";
import type { ReviewProtocol } from "./protocol.ts";
import { CHICAGO_PRACTICE } from "./test-fixtures.ts";

const REVIEW = DEFAULT_PROTOCOLS.reviews[0] as ReviewProtocol;
const chicago = (d: Date | undefined) =>
  d === undefined ? undefined : DateTime.fromJSDate(d, { zone: "America/Chicago" }).toISO();
const at = (iso: string) => new Date(iso);

const candidate = (over: Partial<ReviewCandidate> = {}): ReviewCandidate => ({
  enrollmentId: "e-1",
  organizationId: "o-1",
  patientId: "p-1",
  program: "complex-care",
  status: "tracking_list",
  riskTier: "II",
  onListSince: "2026-03-10",
  reviewOpen: false,
  assigneeRecipientId: "r-cm",
  ...over,
});

describe("nextReview", () => {
  it("is due six months after the day the patient went on the list, and opens two weeks before", () => {
    const next = nextReview(REVIEW, candidate(), CHICAGO_PRACTICE);
    expect(chicago(next.countedFrom)).toBe("2026-03-10T00:00:00.000-05:00");
    expect(chicago(next.dueAt)).toBe("2026-09-10T23:59:59.999-05:00");
    expect(chicago(next.opensAt)).toBe("2026-08-27T00:00:00.000-05:00");
    expect(next.dueDay).toBe("2026-09-10");
  });

  it("counts from the last completed review instead, on the practice's day", () => {
    // 8 pm on September 30 in Chicago is October 1 in UTC: the next review is due March 30.
    const next = nextReview(
      REVIEW,
      candidate({ lastReviewedAt: at("2026-10-01T01:00:00Z") }),
      CHICAGO_PRACTICE,
    );
    expect(chicago(next.dueAt)).toBe("2027-03-30T23:59:59.999-05:00");
    expect(chicago(next.opensAt)).toBe("2027-03-16T00:00:00.000-05:00");
  });
});

describe("planReviewTask", () => {
  it("opens nothing before the opening day, and the review from that day on, assigned and with its tier", () => {
    expect(planReviewTask(REVIEW, candidate(), CHICAGO_PRACTICE, at("2026-08-27T04:59:00Z"))).toBeUndefined();
    const task = planReviewTask(REVIEW, candidate(), CHICAGO_PRACTICE, at("2026-08-27T05:00:00Z"));
    expect(task && { ...task, taskId: "-" }).toEqual({
      taskId: "-",
      protocolId: "tracking-list-review",
      stepId: "six-month-review",
      taskType: "tracking-list-review",
      title: "Tracking-list review: engage or remove",
      organizationId: "o-1",
      patientId: "p-1",
      enrollmentId: "e-1",
      program: "complex-care",
      riskTier: "II",
      countedFrom: new Date("2026-03-10T00:00:00-05:00"),
      dueAt: new Date("2026-09-10T23:59:59.999-05:00"),
      opensAt: new Date("2026-08-27T00:00:00-05:00"),
      assigneeRecipientId: "r-cm",
    });
    // Overdue and still not opened (the sweeper was down): it opens, late, with the same deadline.
    expect(planReviewTask(REVIEW, candidate(), CHICAGO_PRACTICE, at("2026-12-01T00:00:00Z"))?.dueAt).toEqual(
      task?.dueAt,
    );
  });

  it("gives the same id each pass, another for the next period, another for another list", () => {
    const now = at("2026-09-01T12:00:00Z");
    const first = planReviewTask(REVIEW, candidate(), CHICAGO_PRACTICE, now);
    expect(first?.taskId).toMatch(/^task_[0-9a-f]{24}$/);
    // A new enrollment row (tier changed) in the same run: the same review.
    expect(planReviewTask(REVIEW, candidate({ enrollmentId: "e-2" }), CHICAGO_PRACTICE, now)?.taskId).toBe(
      first?.taskId,
    );
    const after = planReviewTask(
      REVIEW,
      candidate({ lastReviewedAt: at("2026-09-05T15:00:00Z") }),
      CHICAGO_PRACTICE,
      at("2027-02-20T12:00:00Z"),
    );
    expect(chicago(after?.dueAt)).toBe("2027-03-05T23:59:59.999-06:00");
    expect(after?.taskId).not.toBe(first?.taskId);
    expect(
      planReviewTask(REVIEW, candidate({ program: "plan-care" }), CHICAGO_PRACTICE, now)?.taskId,
    ).not.toBe(first?.taskId);
  });

  it("opens nothing while a review is open, for another status or program, or when disabled", () => {
    const now = at("2026-09-01T12:00:00Z");
    expect(planReviewTask(REVIEW, candidate({ reviewOpen: true }), CHICAGO_PRACTICE, now)).toBeUndefined();
    expect(planReviewTask(REVIEW, candidate({ status: "active" }), CHICAGO_PRACTICE, now)).toBeUndefined();
    expect(
      planReviewTask({ ...REVIEW, programs: ["diabetes"] }, candidate(), CHICAGO_PRACTICE, now),
    ).toBeUndefined();
    expect(planReviewTask({ ...REVIEW, enabled: false }, candidate(), CHICAGO_PRACTICE, now)).toBeUndefined();
  });

  it("leaves the assignee and tier out when there are none", () => {
    const bare = candidate();
    delete bare.assigneeRecipientId;
    delete bare.riskTier;
    const task = planReviewTask(REVIEW, bare, CHICAGO_PRACTICE, at("2026-09-01T12:00:00Z"));
    expect(task).toBeDefined();
    expect(task).not.toHaveProperty("assigneeRecipientId");
    expect(task).not.toHaveProperty("riskTier");
  });
});
