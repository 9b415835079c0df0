import { AlertContent } from "@homeward/contracts";

/**
 * A full alert, validated against the contract so the fixtures cannot drift from it: an ED arrival at
 * 19:32Z (14:32 in New York) on Tue 24 Nov 2026, Priority I, one follow-up call due Wed 25 Nov 17:00 ET.
 */
export function alertContent(over: Partial<AlertContent> = {}): AlertContent {
  return AlertContent.parse({
    purpose: "alert",
    eventKind: "ed-arrival",
    occurredAt: "2026-11-24T19:32:00Z",
    facility: { code: "MGH", name: "Mercy General" },
    practice: { code: "LFM", name: "Lakeside Family Medicine" },
    copy: "lead",
    program: "Complex Care",
    riskTier: "I",
    flags: ["frequent-ed"],
    patient: { displayName: "Jane Q Doe", birthDate: "1950-03-04", practiceIdentifier: "LFM-88812" },
    tasks: [
      {
        taskId: "t1",
        title: "Follow-up call",
        dueAt: "2026-11-25T22:00:00Z",
        url: "https://homeward.example/tasks/t1",
      },
    ],
    url: "https://homeward.example/events/e1",
    ...over,
  });
}

/** The strings that must never appear where PHI is not allowed. */
export const PATIENT_SECRETS = ["Jane", "Doe", "1950", "03-04", "Mar 4", "LFM-88812", "88812"];
