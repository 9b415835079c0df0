import { describe, expect, it } from "vitest";
import { checkContactTime } from "./contact-time.ts";
import { TaskChangeRefused } from "./task-change-refused.ts";

const now = new Date("2025-03-10T15:00:00Z");
const limits = { triggeredAt: new Date("2025-03-01T08:00:00Z"), now, maxAgeDays: 45 };

/** The refusal checkContactTime throws for `at`, or undefined when it accepts it. */
function refusal(at: Date, given = limits): TaskChangeRefused | undefined {
  try {
    checkContactTime("contactedAt", at, given);
    return undefined;
  } catch (err) {
    if (err instanceof TaskChangeRefused) return err;
    throw err;
  }
}

describe("checkContactTime", () => {
  it("accepts a time between the event and now, the bounds included", () => {
    expect(refusal(new Date("2025-03-02T10:00:00Z"))).toBeUndefined();
    expect(refusal(limits.triggeredAt)).toBeUndefined();
    expect(refusal(now)).toBeUndefined();
  });

  it("refuses a time ahead of now, before the event or older than the limit, as invalid_contact_time with the bounds", () => {
    const future = refusal(new Date("2025-03-10T15:00:01Z"));
    expect(future).toMatchObject({ reason: "invalid", code: "invalid_contact_time" });
    expect(future?.message).toContain("in the future");
    expect(future?.details).toEqual({
      notBefore: limits.triggeredAt.toISOString(),
      notAfter: now.toISOString(),
    });

    expect(refusal(new Date("2025-03-01T07:59:59Z"))?.message).toContain("before the event");

    const oldEvent = { ...limits, triggeredAt: new Date("2024-12-01T00:00:00Z") };
    const tooOld = refusal(new Date("2025-01-01T00:00:00Z"), oldEvent);
    expect(tooOld?.message).toContain("more than 45 days ago");
    expect(tooOld?.details).toEqual({
      notBefore: new Date(now.getTime() - 45 * 86_400_000).toISOString(),
      notAfter: now.toISOString(),
    });
  });
});
