import { ADT_EVENT_KINDS, type DeliveryPurpose, EVENT_KIND_LABELS } from "@homeward/contracts";
import { NO_TASK_REASON_TEXT } from "@homeward/protocols";
import { describe, expect, it } from "vitest";
import { alertContent, PATIENT_SECRETS } from "./alert-content.test-support.ts";
import { renderAlertEmail } from "./alert-email.ts";

const NY = { timeZone: "America/New_York" };
const PURPOSES: DeliveryPurpose[] = ["alert", "retraction", "reminder", "escalation", "digest"];

describe("renderAlertEmail subject", () => {
  it("says purpose, event and facility, e.g. for the lead copy of an alert", () => {
    expect(renderAlertEmail(alertContent(), NY).subject).toBe(
      "[Homeward] ED arrival — Mercy General — follow-up needed",
    );
    expect(renderAlertEmail(alertContent({ tasks: [] }), { ...NY, productName: "Acme ENS" }).subject).toBe(
      "[Acme ENS] ED arrival — Mercy General",
    );
  });

  it.each(PURPOSES)("never holds the name, birth date, identifiers or any date (%s)", (purpose) => {
    const content = alertContent({
      purpose,
      items: [
        {
          eventKind: "discharge",
          occurredAt: "2026-11-23T10:00:00Z",
          facility: "Mercy General",
          url: "https://homeward.example/events/e2",
        },
      ],
      ...(purpose === "retraction" ? { correction: { reason: "registered in error" } } : {}),
    });
    const { subject } = renderAlertEmail(content, NY);
    for (const secret of [...PATIENT_SECRETS, "Nov", "24", "25", "14:32", "2:32", "2026"]) {
      expect(subject).not.toContain(secret);
    }
  });

  it("words each purpose differently", () => {
    const subjects = PURPOSES.map(
      (purpose) => renderAlertEmail(alertContent({ purpose, items: [] }), NY).subject,
    );
    expect(subjects).toEqual([
      "[Homeward] ED arrival — Mercy General — follow-up needed",
      "[Homeward] Correction: ED arrival cancelled — Mercy General",
      "[Homeward] Reminder: follow-up due — ED arrival — Mercy General",
      "[Homeward] Overdue: follow-up — ED arrival — Mercy General",
      "[Homeward] Daily digest — 0 events — Lakeside Family Medicine",
    ]);
  });
});

describe("renderAlertEmail body", () => {
  it("gives the lead the event, when in its zone, program, tier, tasks with due dates and links", () => {
    const { text, html } = renderAlertEmail(alertContent(), NY);
    expect(text).toContain(
      "ED arrival at Mercy General, Tue Nov 24, 2:32 PM EST, for a patient of Lakeside Family Medicine.",
    );
    expect(text).toContain("Your organization leads follow-up for this patient. The tasks below are open.");
    expect(text).toMatch(/Program: +Complex Care/);
    expect(text).toMatch(/Risk tier: +Priority I\n/);
    expect(text).toMatch(/Flags: +Frequent ED use/);
    expect(text).toContain(
      "Your follow-up tasks:\n- Follow-up call, due Wed Nov 25, 5:00 PM EST\n  https://homeward.example/tasks/t1",
    );
    expect(text).toContain("Open the event in Homeward: https://homeward.example/events/e1");
    expect(html).toContain(
      '<a href="https://homeward.example/tasks/t1" style="color:#0b5cad">Follow-up call</a>, due Wed Nov 25, 5:00 PM EST',
    );
    expect(html).toContain('<a href="https://homeward.example/events/e1"');
  });

  it("shows times in the zone it is given", () => {
    const { text } = renderAlertEmail(alertContent(), { timeZone: "America/Los_Angeles" });
    expect(text).toContain("Tue Nov 24, 11:32 AM PST");
    expect(text).toContain("due Wed Nov 25, 2:00 PM PST");
  });

  it("shows the patient block only as far as the content carries it", () => {
    const full = renderAlertEmail(alertContent(), NY).text;
    expect(full).toMatch(/Patient: +Jane Q Doe/);
    expect(full).toMatch(/Birth date: +Mar 4, 1950/);
    expect(full).toMatch(/Practice patient ID: +LFM-88812/);
    const { patient: _, ...rest } = alertContent();
    const minimal = renderAlertEmail(rest, NY);
    for (const secret of PATIENT_SECRETS) {
      expect(minimal.text).not.toContain(secret);
      expect(minimal.html).not.toContain(secret);
    }
    const limited = renderAlertEmail(alertContent({ patient: { displayName: "JD" } }), NY).text;
    expect(limited).toMatch(/Patient: +JD/);
    expect(limited).not.toContain("Birth date");
  });

  it("says why no follow-up task was opened, in the event page's words", () => {
    const reason = NO_TASK_REASON_TEXT["no-protocol-for-event"];
    const content = alertContent({ eventKind: "inpatient-admit", tasks: [], noTaskReason: reason });
    const { subject, text, html } = renderAlertEmail(content, NY);
    expect(subject).toBe("[Homeward] Inpatient admission — Mercy General");
    expect(text).toContain(
      "No follow-up task was opened because no protocol opens a task for this kind of event.",
    );
    expect(text).toContain("You can open a follow-up task on the event page.");
    expect(html).toContain(
      "No follow-up task was opened because no protocol opens a task for this kind of event.",
    );
    expect(text).toContain("Open the event in Homeward: https://homeward.example/events/e1");
    expect(text).toContain(
      "Sign in to see the details: who, where and why, the care team and the follow-up.",
    );
    // The reason is about routing, not the patient: the subject stays without it.
    expect(subject).not.toContain("protocol");
  });

  it("says nothing about a missing task when tasks were opened, or to a monitor copy", () => {
    const opened = renderAlertEmail(alertContent({ noTaskReason: "ignored" }), NY).text;
    expect(opened).not.toContain("No follow-up task was opened");
    const monitor = renderAlertEmail(
      alertContent({ copy: "monitor", tasks: [], noTaskReason: NO_TASK_REASON_TEXT["monitor-copy"] }),
      NY,
    ).text;
    expect(monitor).not.toContain("No follow-up task was opened");
    expect(monitor).toContain("For your information: the lead organization is following up.");
  });

  it("tells a monitor copy that the lead organization is following up", () => {
    const { subject, text } = renderAlertEmail(alertContent({ copy: "monitor" }), NY);
    expect(subject).toBe("[Homeward] For information: ED arrival — Mercy General");
    expect(text).toContain(
      "For your information: the lead organization is following up. No action is needed from you.",
    );
    expect(text).toContain("Follow-up by the lead organization:");
    expect(text).not.toContain("Your follow-up tasks");
  });

  it("words a retraction as a correction, with the reason", () => {
    const { text } = renderAlertEmail(
      alertContent({ purpose: "retraction", correction: { reason: "Registered in error" } }),
      NY,
    );
    expect(text).toContain(
      "Correction: the ED arrival at Mercy General reported for Tue Nov 24, 2:32 PM EST was cancelled by the hospital.",
    );
    expect(text).toContain("Reason given: Registered in error");
    expect(text).toContain("Cancelled tasks:");
  });

  it("names what a cancel event takes back", () => {
    const { subject, text } = renderAlertEmail(
      alertContent({ purpose: "retraction", eventKind: "cancel-discharge" }),
      NY,
    );
    expect(subject).toBe("[Homeward] Correction: discharge cancelled — Mercy General");
    expect(text).toContain("Correction: the discharge at Mercy General reported for");
  });

  it("words reminders and escalations", () => {
    expect(renderAlertEmail(alertContent({ purpose: "reminder" }), NY).text).toContain(
      "Reminder: the follow-up for this ED arrival (Tue Nov 24, 2:32 PM EST) is due soon and is not yet completed.",
    );
    const escalation = renderAlertEmail(alertContent({ purpose: "escalation" }), NY).text;
    expect(escalation).toContain(
      "Escalation: the follow-up for this ED arrival (Tue Nov 24, 2:32 PM EST) is past due",
    );
    expect(escalation).toContain("Please make sure it is done today, or reassign it.");
  });

  it("lists a digest's items with their times and links", () => {
    const items = [
      {
        eventKind: "ed-arrival" as const,
        occurredAt: "2026-11-24T19:32:00Z",
        facility: "Mercy General",
        url: "https://homeward.example/events/e1",
      },
      {
        eventKind: "discharge" as const,
        occurredAt: "2026-11-24T15:05:00Z",
        facility: "St. Luke's",
        url: "https://homeward.example/events/e2",
      },
    ];
    const { subject, text, html } = renderAlertEmail(alertContent({ purpose: "digest", items }), NY);
    expect(subject).toBe("[Homeward] Daily digest — 2 events — Lakeside Family Medicine");
    expect(text).toContain("2 events since the last digest:");
    expect(text).toContain(
      "- ED arrival — Mercy General, Tue Nov 24, 2:32 PM EST\n  https://homeward.example/events/e1",
    );
    expect(text).toContain(
      "- Inpatient discharge — St. Luke's, Tue Nov 24, 10:05 AM EST\n  https://homeward.example/events/e2",
    );
    expect(html).toContain("St. Luke&#39;s");
    expect(text).not.toContain("Risk tier");
  });

  it("escapes HTML from the feed and never links a non-http URL", () => {
    const content = alertContent({
      facility: { code: "X", name: `<script>alert("x")</script> & Co` },
      tasks: [
        { taskId: "t", title: "<b>call</b>", dueAt: "2026-11-25T22:00:00Z", url: "javascript:alert(1)" },
      ],
    });
    const { html, text } = renderAlertEmail(content, NY);
    expect(html).not.toContain("<script>");
    expect(html).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co");
    expect(html).toContain("&lt;b&gt;call&lt;/b&gt;");
    expect(html).not.toContain('href="javascript:');
    expect(text).toContain(`<script>alert("x")</script> & Co`);
  });

  it("refuses an unknown time zone instead of printing wrong times", () => {
    expect(() => renderAlertEmail(alertContent(), { timeZone: "Mars/Olympus" })).toThrow(RangeError);
  });
});

describe("event labels", () => {
  it("renders every event kind with its own words", () => {
    const headlines = ADT_EVENT_KINDS.map(
      (eventKind) => renderAlertEmail(alertContent({ eventKind }), NY).text.split("\n")[0],
    );
    expect(new Set(headlines).size).toBe(ADT_EVENT_KINDS.length);
    for (const h of headlines) expect(h).toMatch(/^[A-Z][A-Za-z ,/-]+ — Mercy General$/);
  });

  it("names each kind with the contracts' table, which the dashboard's event page shows too", () => {
    for (const eventKind of ADT_EVENT_KINDS) {
      const { text } = renderAlertEmail(alertContent({ eventKind }), NY);
      expect(text.split("\n")[0]).toBe(`${EVENT_KIND_LABELS[eventKind]} — Mercy General`);
    }
  });
});
