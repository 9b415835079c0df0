import { ADT_EVENT_KINDS, type AlertContent, DeliveryPurpose } from "@homeward/contracts";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { alertContent, PATIENT_SECRETS } from "./alert-content.test-support.ts";
import { renderPagerText } from "./pager-text.ts";

const NY = { timeZone: "America/New_York" };

describe("renderPagerText", () => {
  it("says event, facility, time, tier, the first task and the link", () => {
    expect(renderPagerText(alertContent(), NY)).toBe(
      "ED ARRIVAL Mercy General Tue 14:32 Tier I. Follow-up call due Wed 11/25. homeward.example/events/e1",
    );
  });

  it("leaves the patient out by default, even when the content has a name", () => {
    const text = renderPagerText(alertContent(), NY);
    for (const secret of PATIENT_SECRETS) expect(text).not.toContain(secret);
  });

  it("includes the display name only when asked, and never the birth date or identifier", () => {
    const text = renderPagerText(alertContent(), { ...NY, includeName: true });
    expect(text).toBe(
      "ED ARRIVAL Jane Q Doe Mercy General Tue 14:32 Tier I. Follow-up call due Wed 11/25. homeward.example/events/e1",
    );
    for (const secret of ["1950", "LFM-88812"]) expect(text).not.toContain(secret);
    const { patient: _, ...nameless } = alertContent();
    expect(renderPagerText(nameless, { ...NY, includeName: true })).toBe(renderPagerText(nameless, NY));
  });

  it("words each purpose", () => {
    const render = (over: Partial<AlertContent>) => renderPagerText(alertContent(over), NY);
    expect(render({ copy: "monitor" })).toBe(
      "FYI ED ARRIVAL Mercy General Tue 14:32 Tier I. Lead org following up. Follow-up call due Wed 11/25. homeward.example/events/e1",
    );
    expect(render({ purpose: "retraction" })).toBe(
      "CORRECTION: ED ARRIVAL CANCELLED Mercy General Tue 14:32 Tier I. homeward.example/events/e1",
    );
    expect(render({ purpose: "retraction", eventKind: "cancel-admit" })).toMatch(
      /^CORRECTION: ADMIT\/VISIT CANCELLED Mercy/,
    );
    expect(render({ purpose: "reminder" })).toMatch(
      /^REMINDER ED ARRIVAL .* Follow-up call due Wed 11\/25\./,
    );
    expect(render({ purpose: "escalation" })).toMatch(
      /^OVERDUE ED ARRIVAL .* Follow-up call was due Wed 11\/25\./,
    );
    expect(render({ purpose: "digest", items: [] })).toBe("DIGEST 0 events. homeward.example/events/e1");
  });

  it("names the task due first and counts the others", () => {
    const task = (taskId: string, title: string, dueAt: string) => ({
      taskId,
      title,
      dueAt,
      url: `https://homeward.example/tasks/${taskId}`,
    });
    const text = renderPagerText(
      alertContent({
        eventKind: "discharge",
        tasks: [
          task("a", "Med reconciliation", "2026-12-24T22:00:00Z"),
          task("b", "TCM contact", "2026-11-26T22:00:00Z"),
        ],
      }),
      NY,
    );
    expect(text).toContain("TCM contact due Thu 11/26 +1 more.");
  });

  it("keeps to 160 characters by default, giving up the least useful parts first", () => {
    const long = alertContent({
      facility: {
        code: "X",
        name: "St. Bartholomew's Regional Medical Center of the Greater Metropolitan Area",
      },
      tasks: [
        {
          taskId: "a",
          title: "Interactive contact within two business days of discharge",
          dueAt: "2026-11-25T22:00:00Z",
          url: "https://homeward.example/t/a",
        },
        {
          taskId: "b",
          title: "Face-to-face visit",
          dueAt: "2026-12-01T22:00:00Z",
          url: "https://homeward.example/t/b",
        },
      ],
      url: `https://homeward.example/events/${"e".repeat(80)}`,
    });
    const text = renderPagerText(long, NY);
    expect(text.length).toBeLessThanOrEqual(160);
    expect(text).toMatch(/^ED ARRIVAL St\. Bartholomew's Reg\.\.\. Tue 14:32 Tier I\. homeward/);
    expect(text).not.toContain("+1 more");
    expect(text.endsWith(`homeward.example/events/${"e".repeat(80)}`)).toBe(true);
  });

  it("shortens the facility before giving it up, and cuts hard only when nothing else is left", () => {
    const text = renderPagerText(alertContent(), { ...NY, maxLength: 50 });
    expect(text).toBe("ED ARRIVAL Mercy Gen... homeward.example/events/e1");
    expect(renderPagerText(alertContent(), { ...NY, maxLength: 20 })).toHaveLength(20);
  });

  it("writes ASCII only", () => {
    const text = renderPagerText(
      alertContent({
        facility: { code: "X", name: "Hôpital Saint‑Émile — Urgences" },
        patient: { displayName: "Zoë Ñúñez" },
      }),
      { ...NY, includeName: true },
    );
    expect(text).toMatch(/^[\x20-\x7e]+$/);
    expect(text).toContain("Zoe Nunez Hopital Saint");
  });

  it("never exceeds maxLength, whatever the content", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 240 }),
        fc.constantFrom(...ADT_EVENT_KINDS),
        fc.constantFrom(...DeliveryPurpose.options),
        fc.string({ unit: "grapheme", minLength: 1, maxLength: 120 }),
        fc.string({ unit: "grapheme", minLength: 1, maxLength: 80 }),
        fc.boolean(),
        (maxLength, eventKind, purpose, facilityName, title, includeName) => {
          const content = alertContent({
            eventKind,
            purpose,
            facility: { code: "F", name: facilityName },
            tasks: [
              { taskId: "t", title, dueAt: "2026-11-25T22:00:00Z", url: "https://homeward.example/t/t" },
            ],
          });
          const text = renderPagerText(content, { ...NY, maxLength, includeName });
          expect(text.length).toBeLessThanOrEqual(maxLength);
          expect(text).toMatch(/^[\x20-\x7e]*$/);
          for (const secret of ["1950", "LFM-88812"]) expect(text).not.toContain(secret);
        },
      ),
    );
  });
});
