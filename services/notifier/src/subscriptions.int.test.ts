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
import {
  type SubscriptionReceiver,
  startSubscriptionReceiver,
} from "@homeward/outbound/subscription-test-support";
import { createSubscription, type StoredSubscription, sendHandshake } from "@homeward/outbound/subscriptions";
import { edArrivalEvent, matchedOf } from "@homeward/outbound/test-support";
import { type Isolation, isolation, type SmtpSink, serviceEnv, startSmtpSink } from "@homeward/testing";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type RunningNotifier, startNotifier } from "./app.ts";
import { loadNotifierEnv } from "./env.ts";

// FHIR Subscriptions through the running notifier: adt.matched.v1 records on Kafka for practice
// SFM reach SFM's rest-hook subscription as events 1 and 2, in order; RVP's subscription to the same
// topic gets only its handshake.

const AUTH = "Bearer notifier-subscription-test";
const key = randomBytes(32);
let iso: Isolation;
let pool: Pool;
let notifier: RunningNotifier;
let eventLog: EventLog;
let smtp: SmtpSink;
let sfmReceiver: SubscriptionReceiver;
let rvpReceiver: SubscriptionReceiver;
const ids: Record<string, string> = {};

const subscribe = async (organizationId: string, endpoint: string): Promise<StoredSubscription> => {
  const s = await createSubscription(pool, key, {
    id: randomUUID(),
    organizationId,
    topic: "encounter-start",
    endpoint,
    content: "id-only",
    heartbeatPeriod: null,
    resource: {
      resourceType: "Subscription",
      status: "requested",
      reason: "test",
      criteria: "x",
      channel: { type: "rest-hook" },
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
  ids.sfm = await one(
    "INSERT INTO organizations (kind, code, name, time_zone) VALUES ('practice', 'SFM', 'Springvale Family Medicine', 'America/New_York') RETURNING id",
  );
  ids.rvp = await one(
    "INSERT INTO organizations (kind, code, name, time_zone) VALUES ('practice', 'RVP', 'Riverside', 'America/New_York') RETURNING id",
  );
  ids.patient = await one(
    "INSERT INTO patients (family_name, given_name, birth_date, sex) VALUES ('QUILLFEATHER', 'MARISOL', '1958-04-12', 'F') RETURNING id",
  );
  sfmReceiver = await startSubscriptionReceiver(AUTH, "id-only");
  rvpReceiver = await startSubscriptionReceiver(AUTH, "id-only");
  await subscribe(ids.sfm, sfmReceiver.url);
  await subscribe(ids.rvp, rvpReceiver.url);
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
    }),
    logger,
  );
  const kafka = createKafka({ brokers: iso.settings.kafka.brokers, clientId: iso.id }, logger);
  await ensureTopics(kafka, HOMEWARD_TOPICS, { prefix: iso.topicPrefix });
  eventLog = await createEventLog(kafka);
});

afterAll(async () => {
  await notifier?.stop();
  await eventLog?.close();
  await smtp?.close();
  await Promise.all([sfmReceiver?.close(), rvpReceiver?.close()]);
  await pool?.end();
});

const arrival = (n: string): MatchedEvent => {
  const event = { ...edArrivalEvent(), eventId: adtEventId("EPICADT", "NORTHGEN", `CTRL-NS-${iso.id}-${n}`) };
  return matchedOf(event, {
    matchId: `m-ns-${iso.id}-${n}`,
    patientId: ids.patient as string,
    recipients: [],
    practice: {
      organizationId: ids.sfm as string,
      code: "SFM",
      name: "Springvale",
      timeZone: "America/New_York",
    },
  });
};

describe("FHIR Subscriptions in the notifier", () => {
  it("the organization's matched records arrive as events 1 and 2 in order; the other organization's subscription hears nothing", async () => {
    expect(sfmReceiver.received.map((r) => r.type)).toEqual(["handshake"]);
    for (const m of [arrival("1"), arrival("2")])
      await eventLog.publish([
        {
          topic: topicName(iso.topicPrefix, "adt.matched.v1"),
          key: `${m.event.facility.sendingFacility}|${m.patientId}`,
          value: JSON.stringify(m),
        },
      ]);
    await vi.waitFor(
      () => expect(sfmReceiver.received.filter((r) => r.type === "event-notification")).toHaveLength(2),
      { timeout: 50_000, interval: 200 },
    );
    expect(
      sfmReceiver.received.filter((r) => r.type === "event-notification").map((r) => r.eventNumbers),
    ).toEqual([[1], [2]]);
    expect(sfmReceiver.problems).toEqual([]);
    expect(rvpReceiver.received.map((r) => r.type)).toEqual(["handshake"]);
  }, 60_000);
});
