import { randomBytes, randomUUID } from "node:crypto";
import { adtEventId, type MatchedEvent } from "@homeward/contracts";
import { createPool, migrate, type Pool } from "@homeward/db";
import {
  createEventLog,
  createKafka,
  type EventLog,
  ensureTopics,
  HOMEWARD_TOPICS,
  topicName,
} from "@homeward/kafka";
import { createLogger } from "@homeward/logger";
import { OUTBOUND_QUEUE, pendingOutbound } from "@homeward/outbound";
import {
  type SubscriptionReceiver,
  startSubscriptionReceiver,
} from "@homeward/outbound/subscription-test-support";
import {
  createSubscription,
  type StoredSubscription,
  type SubscriptionTopicName,
  sendHandshake,
  storedNotifications,
} from "@homeward/outbound/subscriptions";
import { dischargeEvent, edArrivalEvent, matchedOf } from "@homeward/outbound/test-support";
import { createSqsClient, ensureQueue, openWorkQueue, type WorkQueue } from "@homeward/sqs";
import { type Isolation, isolation, type SmtpSink, serviceEnv, startSmtpSink } from "@homeward/testing";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type RunningNotifier, startNotifier } from "./app.ts";
import { loadNotifierEnv } from "./env.ts";
import { handleMatchedOutbound } from "./outbound-handle.ts";

// FHIR Subscriptions through the running notifier: adt.matched.v1 records on Kafka become numbered
// notifications and outbound deliveries, sent from the homeward-outbound queue (ElasticMQ) by the
// outbound worker with its retries, backoff (1 s here) and dead-letter queue (after 3 tries here), to
// real rest-hook receivers that validate every Bundle. Each organization below has its own receiver.

const AUTH = "Bearer notifier-subscription-test";
const MAX_ATTEMPTS = 3;
const key = randomBytes(32);
let iso: Isolation;
let pool: Pool;
let notifier: RunningNotifier;
let eventLog: EventLog;
let smtp: SmtpSink;
let dlq: WorkQueue;
/** SFM: the one that works; ENDED: SFM's subscription whose end has passed; RVP: another organization's. */
const receivers: Record<"sfm" | "ended" | "rvp" | "flaky" | "dead", SubscriptionReceiver> = {} as never;
const subs: Record<string, StoredSubscription> = {};
const ids: Record<string, string> = {};

const subscribe = async (
  organizationId: string,
  endpoint: string,
  over: { topic?: SubscriptionTopicName; end?: string } = {},
): Promise<StoredSubscription> => {
  const s = await createSubscription(pool, key, {
    id: randomUUID(),
    organizationId,
    topic: over.topic ?? "encounter-start",
    endpoint,
    content: "id-only",
    heartbeatPeriod: null,
    resource: {
      resourceType: "Subscription",
      status: "requested",
      reason: "test",
      criteria: "x",
      channel: { type: "rest-hook" },
      ...(over.end === undefined ? {} : { end: over.end }),
    },
    header: `Authorization: ${AUTH}`,
    createdBy: "test",
  });
  await sendHandshake(
    { pool, secretKey: key, base: "https://homeward.test/api/fhir", timeoutMs: 5000, now: () => new Date() },
    s,
  );
  return s;
};

beforeAll(async () => {
  iso = isolation("notifier-subs");
  await migrate(iso.settings.postgres);
  pool = createPool(iso.settings.postgres);
  const one = async (sql: string, params: unknown[] = []) =>
    String((await pool.query(sql, params)).rows[0]?.id);
  const org = (code: string) =>
    one(
      "INSERT INTO organizations (kind, code, name, time_zone) VALUES ('practice', $1, $1, 'America/New_York') RETURNING id",
      [code],
    );
  ids.sfm = await org("SFM");
  ids.rvp = await org("RVP");
  ids.flk = await org("FLK");
  ids.ded = await org("DED");
  ids.patient = await one(
    "INSERT INTO patients (family_name, given_name, birth_date, sex) VALUES ('QUILLFEATHER', 'MARISOL', '1958-04-12', 'F') RETURNING id",
  );
  for (const name of ["sfm", "ended", "rvp", "flaky", "dead"] as const)
    receivers[name] = await startSubscriptionReceiver(AUTH, "id-only");
  subs.sfm = await subscribe(ids.sfm, receivers.sfm.url);
  subs.ended = await subscribe(ids.sfm, receivers.ended.url, { end: "2026-01-01T00:00:00Z" });
  subs.rvp = await subscribe(ids.rvp, receivers.rvp.url);
  subs.flaky = await subscribe(ids.flk, receivers.flaky.url);
  subs.dead = await subscribe(ids.ded, receivers.dead.url);
  smtp = await startSmtpSink();
  const logger = createLogger({ service: "notifier-subs-test", level: process.env.LOG_LEVEL ?? "warn" });
  notifier = await startNotifier(
    loadNotifierEnv({
      ...serviceEnv(iso),
      SMTP_URL: smtp.url,
      NOTIFIER_GROUP_ID: iso.groupId("notifier"),
      SWEEP_INTERVAL_SECONDS: "3600",
      PUBLIC_BASE_URL: "https://homeward.test",
      OUTBOUND_SECRET_KEY: key.toString("hex"),
      OUTBOUND_MAX_ATTEMPTS: String(MAX_ATTEMPTS),
      OUTBOUND_TIMEOUT_SECONDS: "5",
      DELIVERY_BACKOFF_BASE_SECONDS: "1",
      DELIVERY_BACKOFF_MAX_SECONDS: "1",
      DELIVERY_POLL_SECONDS: "1",
    }),
    logger,
  );
  const sqs = createSqsClient(iso.settings.sqs);
  // The queue the notifier made (same name and settings): its dead-letter queue, to look into.
  const urls = await ensureQueue(sqs, { ...OUTBOUND_QUEUE, maxReceiveCount: MAX_ATTEMPTS }, iso.queuePrefix);
  dlq = openWorkQueue(sqs, urls.dlqUrl);
  const kafka = createKafka({ brokers: iso.settings.kafka.brokers, clientId: iso.id }, logger);
  await ensureTopics(kafka, HOMEWARD_TOPICS, { prefix: iso.topicPrefix });
  eventLog = await createEventLog(kafka);
});

afterAll(async () => {
  await notifier?.stop();
  await eventLog?.close();
  await smtp?.close();
  await Promise.all(Object.values(receivers).map((r) => r?.close()));
  await pool?.end();
});

const arrival = (n: string, organizationId = ids.sfm as string, code = "SFM"): MatchedEvent => {
  const event = { ...edArrivalEvent(), eventId: adtEventId("EPICADT", "NORTHGEN", `CTRL-NS-${iso.id}-${n}`) };
  return matchedOf(event, {
    matchId: `m-ns-${iso.id}-${n}`,
    patientId: ids.patient as string,
    recipients: [],
    practice: { organizationId, code, name: code, timeZone: "America/New_York" },
  });
};

const publish = (m: MatchedEvent) =>
  eventLog.publish([
    {
      topic: topicName(iso.topicPrefix, "adt.matched.v1"),
      key: `${m.event.facility.sendingFacility}|${m.patientId}`,
      value: JSON.stringify(m),
    },
  ]);

const notificationsTo = (r: SubscriptionReceiver) =>
  r.received.filter((x) => x.type === "event-notification").flatMap((x) => x.eventNumbers);

const deliveryOf = async (matchId: string, subscriptionId: string) =>
  (
    await pool.query<{ id: string; status: string; attempts: number; event_number: number }>(
      "SELECT id, status, attempts, event_number::int FROM outbound_deliveries WHERE match_id = $1 AND subscription_id = $2",
      [matchId, subscriptionId],
    )
  ).rows[0];

const attemptsOf = async (deliveryId: string) =>
  (
    await pool.query<{
      outcome: string;
      error_code: string | null;
      response_status: string | null;
      at: Date;
    }>(
      "SELECT outcome, error_code, response_status, at FROM outbound_delivery_attempts WHERE delivery_id = $1 ORDER BY id",
      [deliveryId],
    )
  ).rows;

const subscriptionState = async (id: string) =>
  (
    await pool.query<{ status: string; last_error: string | null }>(
      "SELECT status, last_error FROM fhir_subscriptions WHERE id = $1",
      [id],
    )
  ).rows[0];

const notificationState = async (subscriptionId: string, eventNumber: number) =>
  (
    await pool.query<{ status: string; response_status: string | null }>(
      "SELECT status, response_status FROM fhir_subscription_notifications WHERE subscription_id = $1 AND event_number = $2",
      [subscriptionId, eventNumber],
    )
  ).rows[0];

const WAIT = { timeout: 30_000, interval: 100 };

describe("FHIR Subscription notifications through outbox -> SQS -> worker", () => {
  it("each matched record reaches the organization's subscription once, as a sent delivery with one attempt; a subscription past its end and another organization's get nothing", async () => {
    for (const r of Object.values(receivers)) expect(r.received.map((x) => x.type)).toEqual(["handshake"]);
    const [m1, m2] = [arrival("1"), arrival("2")];
    await publish(m1);
    await publish(m1); // a redelivered record: numbered and sent once
    await publish(m2);
    await vi.waitFor(async () => {
      expect((await deliveryOf(m1.matchId, subs.sfm?.id ?? ""))?.status).toBe("sent");
      expect((await deliveryOf(m2.matchId, subs.sfm?.id ?? ""))?.status).toBe("sent");
    }, WAIT);
    // The queue does not promise order between jobs: the client orders by event number (backport IG).
    expect(notificationsTo(receivers.sfm).sort()).toEqual([1, 2]);
    expect(receivers.sfm.problems).toEqual([]);
    for (const m of [m1, m2]) {
      const d = await deliveryOf(m.matchId, subs.sfm?.id ?? "");
      expect(d).toMatchObject({ status: "sent", attempts: 1 });
      expect((await attemptsOf(d?.id ?? "")).map((a) => [a.outcome, a.response_status])).toEqual([
        ["sent", "200"],
      ]);
      expect(await notificationState(subs.sfm?.id ?? "", d?.event_number ?? 0)).toEqual({
        status: "sent",
        response_status: "200",
      });
    }
    expect(await subscriptionState(subs.sfm?.id ?? "")).toEqual({ status: "active", last_error: null });
    // Ended (its end, 2026-01-01, has passed): turned off when the first record came, nothing numbered.
    expect(receivers.ended.received.map((x) => x.type)).toEqual(["handshake"]);
    expect((await subscriptionState(subs.ended?.id ?? ""))?.status).toBe("off");
    // The other organizations' subscriptions: no delivery, no request.
    const others = await pool.query(
      "SELECT count(*)::int AS n FROM outbound_deliveries WHERE subscription_id = ANY($1)",
      [[subs.ended?.id, subs.rvp?.id, subs.flaky?.id, subs.dead?.id]],
    );
    expect(others.rows[0]?.n).toBe(0);
    expect(receivers.rvp.received.map((x) => x.type)).toEqual(["handshake"]);
  }, 60_000);

  it("a receiver that fails is tried again after the backoff and gets the notification when it answers", async () => {
    receivers.flaky.down = true;
    const m = arrival("flaky", ids.flk, "FLK");
    await publish(m);
    let deliveryId = "";
    await vi.waitFor(async () => {
      deliveryId = (await deliveryOf(m.matchId, subs.flaky?.id ?? ""))?.id ?? "";
      expect(
        (await attemptsOf(deliveryId)).filter((a) => a.outcome === "failed").length,
      ).toBeGreaterThanOrEqual(2);
    }, WAIT);
    expect((await subscriptionState(subs.flaky?.id ?? ""))?.status).toBe("error");
    receivers.flaky.down = false;
    await vi.waitFor(
      async () => expect((await deliveryOf(m.matchId, subs.flaky?.id ?? ""))?.status).toBe("sent"),
      WAIT,
    );
    const attempts = await attemptsOf(deliveryId);
    expect(attempts.at(-1)).toMatchObject({ outcome: "sent", response_status: "200" });
    expect(attempts.slice(0, -1).map((a) => [a.outcome, a.error_code])).toEqual(
      attempts.slice(0, -1).map(() => ["failed", "http-503"]),
    );
    // Backoff: 1 s between tries here (DELIVERY_BACKOFF_*), not a tight loop.
    for (let i = 1; i < attempts.length; i++)
      expect((attempts[i]?.at.getTime() ?? 0) - (attempts[i - 1]?.at.getTime() ?? 0)).toBeGreaterThanOrEqual(
        900,
      );
    expect(notificationsTo(receivers.flaky)).toEqual([1]);
    expect(await subscriptionState(subs.flaky?.id ?? "")).toEqual({ status: "active", last_error: null });
    expect(await notificationState(subs.flaky?.id ?? "", 1)).toEqual({
      status: "sent",
      response_status: "200",
    });
  }, 60_000);

  it("a receiver that always fails: every try recorded, the delivery dead, its job on the DLQ, the subscription error", async () => {
    receivers.dead.down = true;
    const m = arrival("dead", ids.ded, "DED");
    await publish(m);
    await vi.waitFor(
      async () => expect((await deliveryOf(m.matchId, subs.dead?.id ?? ""))?.status).toBe("dead"),
      WAIT,
    );
    const d = await deliveryOf(m.matchId, subs.dead?.id ?? "");
    expect(d?.attempts).toBe(MAX_ATTEMPTS);
    expect((await attemptsOf(d?.id ?? "")).map((a) => [a.outcome, a.error_code, a.response_status])).toEqual([
      ["failed", "http-503", "503"],
      ["failed", "http-503", "503"],
      ["dead", "http-503", "503"],
    ]);
    // SQS moves the job to the DLQ on the receive after the last try.
    const dead: string[] = [];
    await vi.waitFor(async () => {
      for (const msg of await dlq.receive({ max: 10, waitSeconds: 1, visibilityTimeoutSeconds: 30 }))
        dead.push(JSON.parse(msg.body).deliveryId);
      expect(dead).toContain(d?.id);
    }, WAIT);
    expect(await subscriptionState(subs.dead?.id ?? "")).toEqual({ status: "error", last_error: "503" });
    expect(await notificationState(subs.dead?.id ?? "", 1)).toEqual({
      status: "failed",
      response_status: "503",
    });
    expect(notificationsTo(receivers.dead)).toEqual([]);
  }, 60_000);

  it("a retraction skips a notification still queued (the delivery and the numbered notification); no cancel is planned", async () => {
    const m = arrival("retracted");
    // Numbered and planned, but held off SQS (as if the process died before enqueueing).
    const deps = {
      pool,
      queue: {
        send: async () => {
          throw new Error("down");
        },
      } as unknown as WorkQueue,
      sourceEndpoint: "https://homeward.test",
      maxEventAgeHours: 24 * 365 * 10,
      now: () => new Date(),
      logger: createLogger({ service: "notifier-subs-test", level: "fatal" }),
    };
    expect(await handleMatchedOutbound(m, deps)).toBe(0);
    const planned = await deliveryOf(m.matchId, subs.sfm?.id ?? "");
    expect(planned?.status).toBe("queued");
    const retraction = matchedOf(
      {
        ...dischargeEvent(),
        eventId: `evt-ns-${iso.id}-a11`,
        kind: "cancel-admit",
        trigger: "A11",
      } as MatchedEvent["event"],
      {
        matchId: `${m.matchId}-cancel`,
        kind: "retraction",
        retracts: { eventId: m.event.eventId, matchId: m.matchId },
        practice: m.practice,
      },
    );
    expect(await handleMatchedOutbound(retraction, deps)).toBe(0);
    expect(await deliveryOf(m.matchId, subs.sfm?.id ?? "")).toMatchObject({ status: "skipped", attempts: 0 });
    expect((await notificationState(subs.sfm?.id ?? "", planned?.event_number ?? 0))?.status).toBe("skipped");
    // $events still answers its number, without the withdrawn encounter.
    const number = Number(planned?.event_number ?? 0);
    const [kept] = await storedNotifications(pool, subs.sfm?.id ?? "", { from: number, until: number });
    expect(kept).toMatchObject({ eventNumber: number, resources: [] });
    // The outbox pass finds nothing of it to send.
    const pending = await pendingOutbound(pool, { graceSeconds: 0, limit: 500 });
    expect(pending.map((p) => p.id)).not.toContain(planned?.id);
  }, 30_000);
});
