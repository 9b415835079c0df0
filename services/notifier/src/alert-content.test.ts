import { AlertContent, type MatchedEvent } from "@homeward/contracts";
import { ADT_A04_ED, fixtureEvent } from "@homeward/hl7/fixtures";
import { describe, expect, it } from "vitest";
import { buildAlertContent } from "./alert-content.ts";

const event = fixtureEvent(ADT_A04_ED, "2024-03-05T14:30:15-05:00");

const matched: MatchedEvent = {
  schemaVersion: 1,
  matchId: "m-1",
  kind: "announcement",
  event,
  patientId: "42",
  practice: {
    organizationId: "1",
    code: "SFM",
    name: "Springvale Family Medicine",
    timeZone: "America/New_York",
  },
  enrollment: {
    program: "complex-care",
    riskTier: "II",
    status: "active",
    leadOrganization: "practice",
    copy: "lead",
  },
  recipients: [{ recipientId: "7", role: "care-manager", copy: "lead" }],
  flags: { frequentEd: { visits: 3, windowDays: 60 } },
  encounter: { facility: "MERCYGEN", visitNumber: "V1", setting: "ed", status: "active" },
  match: { method: "identifier", fields: [] },
  matchedAt: "2024-03-05T14:31:00-05:00",
};
const task = { taskId: "tsk_1", title: "Follow-up call", dueAt: new Date("2024-03-07T23:59:59.999-05:00") };
const build = (detailLevel: "minimal" | "limited" | "full") =>
  buildAlertContent({
    matched,
    purpose: "alert",
    copy: "lead",
    tasks: [task],
    detailLevel,
    baseUrl: "https://hw.test",
  });

describe("buildAlertContent", () => {
  it("carries no patient data at the minimal level, and is a valid AlertContent", () => {
    const content = build("minimal");
    expect(AlertContent.parse(content)).toEqual(content);
    expect(content.patient).toBeUndefined();
    const text = JSON.stringify(content);
    for (const phi of ["QUILLFEATHER", "MARISOL", "1958", "40012345"]) expect(text).not.toContain(phi);
    expect(content.flags).toEqual(["frequent-ed"]);
    expect(content.tasks[0]?.url).toBe("https://hw.test/tasks/tsk_1");
    expect(content.url).toBe("https://hw.test/events/m-1");
  });

  it("carries why no task was opened, when the caller says so, and nothing otherwise", () => {
    const reason = "no protocol opens a task for this kind of event";
    const content = buildAlertContent({
      matched,
      purpose: "alert",
      copy: "lead",
      tasks: [],
      detailLevel: "minimal",
      baseUrl: "https://hw.test",
      noTaskReason: reason,
    });
    expect(AlertContent.parse(content).noTaskReason).toBe(reason);
    expect(build("minimal")).not.toHaveProperty("noTaskReason");
  });

  it("gives initials at the limited level and the name and birth date at the full level", () => {
    expect(build("limited").patient).toEqual({ displayName: "MQ" });
    expect(build("full").patient).toEqual({ displayName: "MARISOL QUILLFEATHER", birthDate: "1958-04-12" });
  });
});
