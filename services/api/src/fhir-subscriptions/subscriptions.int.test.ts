import { randomBytes, randomUUID } from "node:crypto";
import {
  planAndSendOnce,
  retryNotification,
  type SubscriptionReceiver,
  startSubscriptionReceiver,
  statusViolations,
  subscriptionViolations,
} from "@homeward/outbound/subscription-test-support";
import { type RestHookOptions, sendHeartbeats } from "@homeward/outbound/subscriptions";
import { dischargeEvent, edArrivalEvent, fhirErrors, matchedOf } from "@homeward/outbound/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiTest, startTestApi } from "../api.test-support.ts";

// FHIR Subscriptions (R4 backport) end to end on the real api and PostgreSQL: an organization's admin
// subscribes; the handshake, heartbeats and numbered event notifications reach real rest-hook
// receivers (each Bundle validated against FHIR R4 and the backport's rules there); another
// organization's subscription hears nothing; after an outage $events hands back what was missed.

const BEARER_A = "Bearer client-a-token-0123456789";
const BEARER_B = "Bearer client-b-token-9876543210";
const START = "http://homeward.example/fhir/SubscriptionTopic/encounter-start";
const END = "http://homeward.example/fhir/SubscriptionTopic/encounter-end";
const BACKPORT = "http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition";

let t: ApiTest;
let receiverA: SubscriptionReceiver;
let receiverB: SubscriptionReceiver;
let receiverFull: SubscriptionReceiver;
const key = randomBytes(32);
beforeAll(async () => {
  t = await startTestApi("fhir-subscriptions", { OUTBOUND_SECRET_KEY: key.toString("hex") });
  receiverA = await startSubscriptionReceiver(BEARER_A, "id-only");
  receiverB = await startSubscriptionReceiver(BEARER_B, "id-only");
  receiverFull = await startSubscriptionReceiver(BEARER_A, "full-resource");
});
afterAll(async () => {
  await Promise.all([receiverA?.close(), receiverB?.close(), receiverFull?.close()]);
  await t?.close();
});

const subscription = (criteria: string, endpoint: string, header: string, content: string) => ({
  resourceType: "Subscription",
  meta: { profile: [`${BACKPORT}/backport-subscription`] },
  status: "requested",
  reason: "Care management follow-up",
  criteria,
  channel: {
    type: "rest-hook",
    endpoint,
    payload: "application/fhir+json",
    header: [`Authorization: ${header}`],
    extension: [{ url: `${BACKPORT}/backport-heartbeat-period`, valueUnsignedInt: 60 }],
    _payload: { extension: [{ url: `${BACKPORT}/backport-payload-content`, valueCode: content }] },
  },
});

/** The notifier's side, as its subscription-setup wires it. */
const notifier = (now = () => new Date()): RestHookOptions => ({
  pool: t.pool,
  secretKey: key,
  base: "https://homeward.test/api/fhir",
  timeoutMs: 5000,
  now,
});
const arrival = (
  n: string,
  organizationId: string,
  kind: "ed-arrival" | "inpatient-admit" = "ed-arrival",
) => {
  const event = { ...edArrivalEvent(), eventId: `evt-sub-${runId}-${n}`, kind };
  return matchedOf(event, {
    matchId: `m-sub-${runId}-${n}`,
    practice: { organizationId, code: "X", name: "Practice", timeZone: "America/New_York" },
  });
};
const runId = randomUUID().slice(0, 8);

describe("FHIR Subscriptions (R4 backport)", () => {
  let subA = "";
  let subB = "";

  it("an admin subscribes: the handshake reaches the endpoint with the header and the subscription turns active", async () => {
    const res = await t.call("adminA", {
      method: "POST",
      url: "/api/fhir/Subscription",
      payload: subscription(START, receiverA.url, BEARER_A, "id-only"),
    });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    subA = body.id;
    expect(body).toMatchObject({ resourceType: "Subscription", status: "active", criteria: START });
    expect(res.body).not.toContain("client-a-token");
    expect(receiverA.problems).toEqual([]);
    expect(receiverA.received.map((r) => r.type)).toEqual(["handshake"]);
    const b = await t.call("adminB", {
      method: "POST",
      url: "/api/fhir/Subscription",
      payload: subscription(START, receiverB.url, BEARER_B, "id-only"),
    });
    expect(b.statusCode).toBe(201);
    subB = b.json().id;
    expect(receiverB.received.map((r) => r.type)).toEqual(["handshake"]);
    const stored = await t.pool.query<{ header_sealed: string }>(
      "SELECT header_sealed FROM fhir_subscriptions WHERE id = $1",
      [subA],
    );
    expect(stored.rows[0]?.header_sealed).toMatch(/^v1\./);
  });

  it("a subscription whose endpoint does not answer 2xx is in error; an unknown topic is refused", async () => {
    const bad = await t.call("adminA", {
      method: "POST",
      url: "/api/fhir/Subscription",
      payload: subscription(START, receiverA.url, "Bearer wrong", "id-only"),
    });
    expect(bad.statusCode).toBe(201);
    expect(bad.json().status).toBe("error");
    const unknown = await t.call("adminA", {
      method: "POST",
      url: "/api/fhir/Subscription",
      payload: subscription("http://example.org/SubscriptionTopic/other", receiverA.url, BEARER_A, "id-only"),
    });
    expect(unknown.statusCode).toBe(400);
  });

  it("the organization's events reach its subscription as events 1 and 2, in order, once; the other organization's hears nothing", async () => {
    const [a1, a2] = [arrival("1", t.ids.practiceA), arrival("2", t.ids.practiceA, "inpatient-admit")];
    await planAndSendOnce(notifier(), a1);
    await planAndSendOnce(notifier(), a1); // a redelivered Kafka record
    await planAndSendOnce(notifier(), a2);
    await planAndSendOnce(notifier(), { ...arrival("d", t.ids.practiceA), event: dischargeEvent() });
    const events = receiverA.received.filter((r) => r.type === "event-notification");
    expect(events.map((r) => r.eventNumbers)).toEqual([[1], [2]]);
    expect(receiverA.problems).toEqual([]);
    expect(receiverB.received.map((r) => r.type)).toEqual(["handshake"]);
    const status = await t.call("adminA", { url: `/api/fhir/Subscription/${subA}/$status` });
    expect(status.statusCode).toBe(200);
    const bundle = status.json();
    expect(fhirErrors(bundle)).toEqual([]);
    expect(statusViolations(bundle.entry[0].resource)).toEqual([]);
    expect(
      bundle.entry[0].resource.parameter.find(
        (p: { name: string }) => p.name === "events-since-subscription-start",
      ),
    ).toEqual({ name: "events-since-subscription-start", valueString: "2" });
  });

  it("after the receiver was down, $events hands back the missed events; the queue's retries send them after the receiver is back", async () => {
    receiverA.down = true;
    await planAndSendOnce(notifier(), arrival("3", t.ids.practiceA));
    await planAndSendOnce(notifier(), arrival("4", t.ids.practiceA));
    const one = await t.call("adminA", { url: `/api/fhir/Subscription/${subA}` });
    expect(one.json().status).toBe("error");
    const missed = await t.call("adminA", {
      url: `/api/fhir/Subscription/${subA}/$events?eventsSinceNumber=3&eventsUntilNumber=4`,
    });
    expect(missed.statusCode).toBe(200);
    const bundle = missed.json();
    expect(fhirErrors(bundle)).toEqual([]);
    expect(subscriptionViolations(bundle, "id-only")).toEqual([]);
    const numbers = bundle.entry[0].resource.parameter
      .filter((p: { name: string }) => p.name === "notification-event")
      .map(
        (p: { part: { name: string; valueString?: string }[] }) =>
          p.part.find((x) => x.name === "event-number")?.valueString,
      );
    expect(numbers).toEqual(["3", "4"]);
    receiverA.down = false;
    await planAndSendOnce(notifier(), arrival("5", t.ids.practiceA));
    // The queue retries 3 and 4 with backoff, so they may arrive after 5: the backport IG allows
    // it, and the client orders by event number.
    expect(await retryNotification(notifier(), subA, 3)).toBe(true);
    expect(await retryNotification(notifier(), subA, 4)).toBe(true);
    const events = receiverA.received.filter((r) => r.type === "event-notification");
    expect(events.map((r) => r.eventNumbers)).toEqual([[1], [2], [5], [3], [4]]);
    expect(receiverA.problems).toEqual([]);
    expect((await t.call("adminA", { url: `/api/fhir/Subscription/${subA}` })).json().status).toBe("active");
  });

  it("full-resource: a discharge reaches an encounter-end subscription with the Encounter and the Patient", async () => {
    const res = await t.call("adminA", {
      method: "POST",
      url: "/api/fhir/Subscription",
      payload: subscription(END, receiverFull.url, BEARER_A, "full-resource"),
    });
    expect(res.json().status).toBe("active");
    await planAndSendOnce(notifier(), {
      ...arrival("6", t.ids.practiceA),
      event: dischargeEvent({ eventId: `evt-sub-${runId}-6` }),
    });
    expect(receiverFull.problems).toEqual([]);
    const [event] = receiverFull.received.filter((r) => r.type === "event-notification");
    expect(event?.eventNumbers).toEqual([1]);
    expect(event?.bundle.entry?.slice(1, 3).map((e) => e.resource?.resourceType)).toEqual([
      "Encounter",
      "Patient",
    ]);
  });

  it("heartbeats go to active subscriptions whose period passed without a send", async () => {
    const later = new Date(Date.now() + 61_000);
    const before = receiverB.received.length;
    expect(await sendHeartbeats(notifier(() => later))).toBeGreaterThanOrEqual(1);
    expect(receiverB.received.slice(before).map((r) => r.type)).toEqual(["heartbeat"]);
    expect(receiverB.problems).toEqual([]);
  });

  it("a subscription turned off (DELETE) hears nothing more; $events still answers", async () => {
    const before = receiverB.received.length;
    const off = await t.call("adminB", { method: "DELETE", url: `/api/fhir/Subscription/${subB}` });
    expect(off.statusCode).toBe(200);
    expect(off.json().status).toBe("off");
    await planAndSendOnce(notifier(), arrival("8", t.ids.practiceB));
    expect(await sendHeartbeats(notifier(() => new Date(Date.now() + 3_600_000)))).toBeGreaterThanOrEqual(0);
    expect(receiverB.received.length).toBe(before);
    expect((await t.call("adminB", { url: `/api/fhir/Subscription/${subB}/$events` })).statusCode).toBe(200);
  });

  it("another organization's admin finds none of A's subscriptions", async () => {
    for (const url of [
      `/api/fhir/Subscription/${subA}`,
      `/api/fhir/Subscription/${subA}/$status`,
      `/api/fhir/Subscription/${subA}/$events`,
    ]) {
      expect((await t.call("adminB", { url })).statusCode).toBe(404);
    }
    expect(
      (await t.call("adminB", { method: "DELETE", url: `/api/fhir/Subscription/${subA}` })).statusCode,
    ).toBe(404);
    expect((await t.call("adminB", { url: `/api/fhir/Subscription/${subB}` })).statusCode).toBe(200);
  });
});
