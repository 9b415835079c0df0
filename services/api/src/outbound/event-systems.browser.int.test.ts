import { randomBytes } from "node:crypto";
import { inTransaction } from "@homeward/db";
import {
  createEndpoint,
  type EndpointFields,
  insertOutboundDeliveries,
  recordOutboundAttempt,
} from "@homeward/outbound";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiTest, NOW, PASSWORD, startTestApi, USERS } from "../api.test-support.ts";
import {
  collectProblems,
  eventually,
  launchChromium,
  newContext,
  signIn,
  textOf,
} from "../browser.test-support.ts";

// The event page says what went to the organization's own systems: a Da Vinci notification answered
// "200 ok", an HL7 forward still retrying and a FHIR Subscription's event notification, in headless
// Chromium against the real api; another practice's care manager reads none of it, and another
// practice's subscription is not listed. Screenshot: /tmp/homeward-event-systems.png.

let t: ApiTest;
let browser: Browser;
let baseUrl: string;

const endpoint = (over: Partial<EndpointFields>): EndpointFields => ({
  name: "",
  kind: "davinci_fhir",
  url: null,
  host: null,
  port: null,
  authKind: "none",
  eventKinds: [],
  programs: [],
  enabled: true,
  ...over,
});

beforeAll(async () => {
  t = await startTestApi("event-systems");
  const key = randomBytes(32);
  const [fhir, hl7] = await inTransaction(t.pool, async (tx) => {
    const ids: string[] = [];
    for (const f of [
      endpoint({ name: "Springvale EHR", url: "https://ehr.springvale.example/fhir" }),
      endpoint({ name: "EHR interface", kind: "hl7v2_mllp", host: "ehr-if.springvale.example", port: 6661 }),
    ]) {
      const e = await createEndpoint(tx, key, {
        organizationId: t.ids.practiceA,
        fields: f,
        secret: null,
        createdBy: "test",
      });
      if (typeof e === "string") throw new Error(e);
      ids.push(e.id);
    }
    return ids;
  });
  const base = {
    organizationId: t.ids.practiceA,
    purpose: "notification" as const,
    matchId: "match-V-A4",
    eventId: "e-A4",
    payload: {},
    status: "queued" as const,
  };
  await insertOutboundDeliveries(t.pool, [
    { ...base, id: "obd_sys-1", endpointId: fhir ?? "" },
    { ...base, id: "obd_sys-2", endpointId: hl7 ?? "" },
  ]);
  await recordOutboundAttempt(t.pool, "obd_sys-1", 1, { outcome: "sent", responseStatus: "200 ok" });
  await recordOutboundAttempt(t.pool, "obd_sys-2", 1, {
    outcome: "failed",
    responseStatus: "AR",
    code: "AR",
  });
  // A's FHIR Subscription was sent the event (numbered 1, one try); B's subscription row for the
  // same match stands for another organization's delivery, which A's page must not list.
  for (const [id, org] of [
    ["5f1c9e2a-subscription-a", t.ids.practiceA],
    ["9b7d0c44-subscription-b", t.ids.practiceB],
  ] as const) {
    await t.pool.query(
      `INSERT INTO fhir_subscriptions (id, organization_id, topic, status, endpoint, content, resource, created_by)
       VALUES ($1, $2, 'encounter-start', 'active', 'https://care.example/notify', 'id-only', '{"resourceType":"Subscription"}', 'test')`,
      [id, org],
    );
    await t.pool.query(
      `INSERT INTO fhir_subscription_notifications (subscription_id, event_number, match_id, event_id, occurred_at, focus, status)
       VALUES ($1, 1, 'match-V-A4', 'e-A4', now(), '[]', 'sent')`,
      [id],
    );
    await t.pool.query(
      `INSERT INTO outbound_deliveries (id, subscription_id, event_number, organization_id, purpose, match_id, event_id, status)
       VALUES ($1, $2, 1, $3, 'notification', 'match-V-A4', 'e-A4', 'queued')`,
      [`obd_sys-${id}`, id, org],
    );
    await recordOutboundAttempt(t.pool, `obd_sys-${id}`, 1, { outcome: "sent", responseStatus: "200" });
  }
  baseUrl = await t.listen();
  browser = await launchChromium();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

describe("the event page's systems card", () => {
  it("the API answers what went to the organization's systems, and only to its own people", async () => {
    const mine = await t.call("cmA", { url: "/api/events/match-V-A4" });
    expect(mine.json().systems).toEqual([
      expect.objectContaining({
        endpointName: "EHR interface",
        kind: "hl7v2_mllp",
        status: "failed",
        responseStatus: "AR",
      }),
      expect.objectContaining({
        endpointName: "Springvale EHR",
        kind: "davinci_fhir",
        status: "sent",
        responseStatus: "200 ok",
      }),
      expect.objectContaining({
        endpointName: "FHIR Subscription 5f1c9e2a (encounter-start)",
        kind: "fhir_subscription",
        status: "sent",
        responseStatus: "200",
        attempts: 1,
      }),
    ]);
    expect((await t.call("cmB", { url: "/api/events/match-V-A4" })).statusCode).toBe(404);
    // The admin's list of what went where: the subscription's delivery with no endpoint, B's not at all.
    const list = await t.call("adminA", { url: "/api/admin/outbound-deliveries?eventId=e-A4" });
    expect(list.statusCode).toBe(200);
    const items = list.json().items as Record<string, unknown>[];
    expect(items.map((d) => [d.kind, d.endpointId === null, d.subscriptionId])).toEqual([
      ["davinci_fhir", false, null],
      ["hl7v2_mllp", false, null],
      ["fhir_subscription", true, "5f1c9e2a-subscription-a"],
    ]);
  });

  it("a care manager sees it on the event page", async () => {
    const context = await newContext(browser, baseUrl, { at: NOW });
    const page = await context.newPage();
    const problems = collectProblems(page);
    await page.goto("/events/match-V-A4");
    await signIn(page, USERS.cmA.email, PASSWORD);
    const systems = page.getByRole("region", { name: "Sent to your systems" });
    await eventually(() => textOf(systems)).toContain("Notification by FHIR to Springvale EHR");
    const text = await textOf(systems);
    expect(text).toContain("Sent answered 200 ok");
    expect(text).toContain("Notification by HL7 v2 to EHR interface");
    expect(text).toContain("Failed, retrying answered AR");
    expect(text).toContain("Notification to FHIR Subscription 5f1c9e2a (encounter-start)");
    expect(text).not.toContain("9b7d0c44");
    await page.screenshot({ path: "/tmp/homeward-event-systems.png", fullPage: true });
    expect(problems).toEqual([]);
    await context.close();
  });
});
