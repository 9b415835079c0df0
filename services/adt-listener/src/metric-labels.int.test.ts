import { SUPPORTED_TRIGGERS } from "@homeward/hl7";
import { ADT_A01_ADMIT } from "@homeward/hl7/fixtures";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { msaOf, startTestListener, type TestListener } from "./harness.test-support.ts";
import { controlIds, metricValue, sendOne, withMshField } from "./raw-mllp-client.test-support.ts";

let t: TestListener;
const nextId = controlIds("LBL");
const CONFIGURED = new Set(["MERCYGEN", "STLUKES", "VALLEYGEN", "RECOVERY"]);

beforeAll(async () => {
  t = await startTestListener("metric-labels");
});
afterAll(async () => {
  await t?.stop();
});

/** Every `homeward_adt_messages_total` sample on /metrics, as its labels. */
async function messageSamples(): Promise<{ labels: Record<string, string>; value: number }[]> {
  const text = await (await fetch(`http://127.0.0.1:${t.listener.opsPort}/metrics`)).text();
  return text
    .split("\n")
    .filter((l) => l.startsWith("homeward_adt_messages_total{"))
    .map((l) => {
      const labels = Object.fromEntries(
        [...l.matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1] ?? "", m[2] ?? ""]),
      );
      return { labels, value: Number(l.slice(l.lastIndexOf(" ") + 1)) };
    });
}

describe("metric labels from unauthenticated input", () => {
  it("labels messages only with configured facilities and known triggers; anything else is `unknown`", async () => {
    const junkFacility = `EVIL-${Date.now()}{"x"}<b>`;
    const junkTrigger = "Z9Q";
    const sent = [
      withMshField(withMshField(ADT_A01_ADMIT, 10, nextId()), 4, junkFacility),
      withMshField(withMshField(ADT_A01_ADMIT, 10, nextId()), 9, `ADT^${junkTrigger}^ADT_A01`),
      withMshField(withMshField(ADT_A01_ADMIT, 10, nextId()), 9, "ADT^<script>^ADT_A01"),
      withMshField(ADT_A01_ADMIT, 10, nextId()),
    ];
    const answers = [];
    for (const message of sent) answers.push(msaOf(await sendOne(t.listener.mllpPort, message)).code);
    expect(answers).toEqual(["AR", "AR", "AR", "AA"]);

    const sample = (facility: string, trigger: string, outcome: string) =>
      `homeward_adt_messages_total{facility="${facility}",trigger="${trigger}",outcome="${outcome}"}`;
    await vi.waitFor(async () => {
      expect(await metricValue(t.listener.opsPort, sample("MERCYGEN", "A01", "accepted"))).toBe(1);
      expect(await metricValue(t.listener.opsPort, sample("unknown", "A01", "rejected"))).toBe(1);
      expect(await metricValue(t.listener.opsPort, sample("MERCYGEN", "unknown", "rejected"))).toBe(2);
    });

    const text = await (await fetch(`http://127.0.0.1:${t.listener.opsPort}/metrics`)).text();
    for (const junk of ["EVIL-", junkTrigger, "<script>"])
      expect(text.split("\n").filter((l) => l.includes(junk))).toEqual([]);
    for (const { labels } of await messageSamples()) {
      expect(CONFIGURED.has(labels.facility ?? "") || labels.facility === "unknown").toBe(true);
      expect(labels.trigger === "unknown" || (labels.trigger ?? "") in SUPPORTED_TRIGGERS).toBe(true);
    }
  });
});
