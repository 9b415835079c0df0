import { randomBytes } from "node:crypto";
import type { MatchedEvent } from "@homeward/contracts";
import { createPool, inTransaction, migrate, type Pool } from "@homeward/db";
import { createLogger } from "@homeward/logger";
import { createEndpoint, type EndpointFields, newWebhookSecret, OUTBOUND_QUEUE } from "@homeward/outbound";
import {
  dischargeEvent,
  type FhirReceiver,
  type MllpReceiver,
  matchedOf,
  startFhirReceiver,
  startMllpReceiver,
  startWebhookReceiver,
  type WebhookReceiver,
} from "@homeward/outbound/test-support";
import { createRedis, type Redis } from "@homeward/redis";
import { createSqsClient, ensureQueue, openWorkQueue, type WorkQueue } from "@homeward/sqs";
import { type Isolation, isolation } from "@homeward/testing";
import type { Bundle, Encounter, MessageHeader } from "@medplum/fhirtypes";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { DaVinciFhirSender } from "./outbound/davinci-fhir.sender.ts";
import { Hl7v2MllpSender } from "./outbound/hl7v2-mllp.sender.ts";
import { WebhookSender } from "./outbound/webhook.sender.ts";
import { handleMatchedOutbound, type OutboundPlanDeps } from "./outbound-handle.ts";
import { startOutboundWorkers } from "./outbound-worker.ts";

// The outbound path on the real engines: matched records planned into outbound_deliveries, jobs on
// an SQS queue (ElasticMQ), workers delivering to a FHIR receiver that validates every Bundle and a
// webhook receiver that verifies every signature; another organization's receivers must stay empty.

const logger = createLogger({ service: "outbound-test", level: process.env.LOG_LEVEL ?? "error" });
const key = randomBytes(32);
const token = "bearer-token-for-tests-0001";
const hookSecret = newWebhookSecret();
let iso: Isolation;
let pool: Pool;
let redis: Redis;
let queue: WorkQueue;
let dlq: WorkQueue;
let fhir: FhirReceiver;
let hook: WebhookReceiver;
let otherFhir: FhirReceiver;
let mllp: MllpReceiver;
let workers: ReturnType<typeof startOutboundWorkers>;
const ids: Record<string, string> = {};

const fields = (over: Partial<EndpointFields>): EndpointFields => ({
  name: "x",
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
  iso = isolation("outbound");
  await migrate(iso.settings.postgres);
  pool = createPool(iso.settings.postgres);
  redis = createRedis(iso.settings.redis);
  const org = async (code: string) =>
    String(
      (
        await pool.query(
          "INSERT INTO organizations (kind, code, name) VALUES ('practice', $1, $1) RETURNING id",
          [code],
        )
      ).rows[0]?.id,
    );
  ids.sfm = await org("SFM");
  ids.rvp = await org("RVP");
  fhir = await startFhirReceiver({ bearerToken: token });
  hook = await startWebhookReceiver(hookSecret);
  otherFhir = await startFhirReceiver();
  mllp = await startMllpReceiver();
  await inTransaction(pool, async (tx) => {
    const add = async (organizationId: string, f: EndpointFields, secret: string | null) => {
      const e = await createEndpoint(tx, key, { organizationId, fields: f, secret, createdBy: "test" });
      if (typeof e === "string") throw new Error(e);
      return e.id;
    };
    ids.fhir = await add(
      ids.sfm as string,
      fields({ name: "EHR", url: fhir.baseUrl, authKind: "bearer" }),
      token,
    );
    ids.hook = await add(
      ids.sfm as string,
      fields({ name: "Hook", kind: "webhook", url: hook.url, authKind: "webhook_secret" }),
      hookSecret,
    );
    ids.mllp = await add(
      ids.sfm as string,
      fields({ name: "HL7 interface", kind: "hl7v2_mllp", host: mllp.host, port: mllp.port }),
      null,
    );
    // Wants only another program, and one switched off: neither gets anything.
    await add(
      ids.sfm as string,
      fields({ name: "Other program", url: otherFhir.baseUrl, programs: ["bh-only"] }),
      null,
    );
    await add(ids.sfm as string, fields({ name: "Off", url: otherFhir.baseUrl, enabled: false }), null);
    // Another organization's endpoint: never sent SFM's patients.
    ids.rvpFhir = await add(ids.rvp as string, fields({ name: "RVP EHR", url: otherFhir.baseUrl }), null);
  });
  const sqs = createSqsClient(iso.settings.sqs);
  const urls = await ensureQueue(sqs, OUTBOUND_QUEUE, iso.queuePrefix);
  queue = openWorkQueue(sqs, urls.url);
  dlq = openWorkQueue(sqs, urls.dlqUrl);
  workers = startOutboundWorkers(
    {
      queue,
      deadLetterQueue: dlq,
      pool,
      redis,
      secretKey: key,
      senders: {
        davinci_fhir: new DaVinciFhirSender({ timeoutMs: 5000 }),
        webhook: new WebhookSender({ timeoutMs: 5000, now: () => new Date() }),
        hl7v2_mllp: new Hl7v2MllpSender({ timeoutMs: 5000 }),
      },
      maxAttempts: 4,
      backoff: { baseSeconds: 1, maxSeconds: 1 },
      visibilityTimeoutSeconds: 10,
      idempotencyTtlMs: 60_000,
      logger,
    },
    { concurrency: 2, pollSeconds: 1, outboxIntervalMs: 60_000, outboxGraceSeconds: 0 },
  );
});

afterAll(async () => {
  await workers?.stop();
  await Promise.all([fhir?.close(), hook?.close(), otherFhir?.close(), mllp?.close()]);
  await redis?.quit();
  await pool?.end();
});

const deps = (): OutboundPlanDeps => ({
  pool,
  queue,
  sourceEndpoint: "https://homeward.test",
  maxEventAgeHours: 24 * 365 * 10,
  now: () => new Date(),
  logger,
});

async function waitFor(what: string, check: () => boolean | Promise<boolean>, ms = 20_000) {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) {
      const rows = await pool.query(
        "SELECT match_id, endpoint_id, status, attempts, last_error, enqueued_at FROM outbound_deliveries",
      );
      throw new Error(
        `timed out waiting for ${what}: ${JSON.stringify(rows.rows)} queue ${JSON.stringify(await queue.depth())} ${queue.url}`,
      );
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

const sfmPractice = () => ({
  organizationId: ids.sfm as string,
  code: "SFM",
  name: "Springvale Family Medicine",
  timeZone: "America/New_York",
});

const statusOf = async (matchId: string) =>
  (
    await pool.query<{ endpoint_id: string; purpose: string; status: string; attempts: number }>(
      "SELECT endpoint_id::text, purpose, status, attempts FROM outbound_deliveries WHERE match_id = $1 ORDER BY endpoint_id, purpose",
      [matchId],
    )
  ).rows;

describe("outbound deliveries through outbox -> SQS -> worker", () => {
  it("delivers one discharge to the organization's FHIR receiver and webhook, exactly once, nowhere else", async () => {
    const matched = matchedOf(dischargeEvent(), { matchId: "m-out-1", practice: sfmPractice() });
    expect(await handleMatchedOutbound(matched, deps())).toBe(3);
    // The same Kafka record again: nothing new is planned or enqueued.
    expect(await handleMatchedOutbound(matched, deps())).toBe(0);
    await waitFor("both sent", async () => (await statusOf("m-out-1")).every((r) => r.status === "sent"));
    expect((await statusOf("m-out-1")).map((r) => [r.endpoint_id, r.status, r.attempts])).toEqual([
      [ids.fhir, "sent", 1],
      [ids.hook, "sent", 1],
      [ids.mllp, "sent", 1],
    ]);
    expect(mllp.accepted).toHaveLength(1);
    expect(mllp.accepted[0]).toContain("417^^^HOMEWARD^PI");
    expect(mllp.accepted[0]?.split("\r")[0]).toMatch(/\|ADT\^A03\^ADT_A03\|obd_/);
    expect(fhir.stored).toHaveLength(1);
    const header = fhir.stored[0]?.entry?.[0]?.resource as MessageHeader;
    expect(header.eventCoding?.code).toBe("notification-discharge");
    expect(hook.received).toHaveLength(1);
    expect(hook.received[0]?.body).toMatchObject({
      type: "encounter.discharge",
      data: { matchId: "m-out-1", organization: { code: "SFM" }, encounter: { visitNumber: "V20260301" } },
    });
    expect(hook.refused).toEqual([]);
    expect(otherFhir.requests()).toBe(0);
    const response = await pool.query<{ response_status: string }>(
      "SELECT response_status FROM outbound_deliveries WHERE match_id = 'm-out-1' AND endpoint_id = $1",
      [ids.fhir],
    );
    expect(response.rows[0]?.response_status).toBe("200 ok");
  });

  it("retries a receiver's outage with backoff and records every attempt", async () => {
    fhir.failNext(2, 503);
    const event = { ...dischargeEvent(), eventId: "evt-outage", controlId: "CTRL-D-2" } as ReturnType<
      typeof dischargeEvent
    >;
    const matched = matchedOf(event, { matchId: "m-out-2", practice: sfmPractice() });
    await handleMatchedOutbound(matched, deps());
    await waitFor("sent after the outage", async () =>
      (await statusOf("m-out-2")).every((r) => r.status === "sent"),
    );
    const attempts = await pool.query<{ outcome: string; error_code: string | null }>(
      `SELECT a.outcome, a.error_code FROM outbound_delivery_attempts a JOIN outbound_deliveries d ON d.id = a.delivery_id
        WHERE d.match_id = 'm-out-2' AND d.endpoint_id = $1 ORDER BY a.id`,
      [ids.fhir],
    );
    expect(attempts.rows).toEqual([
      { outcome: "failed", error_code: "http-503" },
      { outcome: "failed", error_code: "http-503" },
      { outcome: "sent", error_code: null },
    ]);
    expect(fhir.stored).toHaveLength(2);
  });

  it("gives up at once on a refusal that retrying cannot fix, and keeps the job on the DLQ", async () => {
    fhir.failNext(1, 400);
    const event = { ...dischargeEvent(), eventId: "evt-refused", controlId: "CTRL-D-3" } as ReturnType<
      typeof dischargeEvent
    >;
    await handleMatchedOutbound(matchedOf(event, { matchId: "m-out-3", practice: sfmPractice() }), deps());
    await waitFor("dead", async () => (await statusOf("m-out-3")).some((r) => r.status === "dead"));
    const rows = await statusOf("m-out-3");
    expect(rows.find((r) => r.endpoint_id === ids.fhir)).toMatchObject({ status: "dead", attempts: 1 });
    const dead = await dlq.receive({ max: 10, waitSeconds: 1, visibilityTimeoutSeconds: 1 });
    expect(dead.map((m) => JSON.parse(m.body).deliveryId)).toContain(
      (
        await pool.query(
          "SELECT id FROM outbound_deliveries WHERE match_id = 'm-out-3' AND endpoint_id = $1",
          [ids.fhir],
        )
      ).rows[0]?.id,
    );
  });

  it("HL7 forwarding retries an AR, gives up on an AE, and records the ACK codes", async () => {
    mllp.answerNext("AR", "AA");
    const event = { ...dischargeEvent(), eventId: "evt-ar", controlId: "CTRL-D-5" } as ReturnType<
      typeof dischargeEvent
    >;
    await handleMatchedOutbound(matchedOf(event, { matchId: "m-out-5", practice: sfmPractice() }), deps());
    await waitFor("sent after an AR", async () =>
      (await statusOf("m-out-5")).every((r) => r.status === "sent"),
    );
    const codes = async (matchId: string) =>
      (
        await pool.query<{ outcome: string; response_status: string }>(
          `SELECT a.outcome, a.response_status FROM outbound_delivery_attempts a
             JOIN outbound_deliveries d ON d.id = a.delivery_id
            WHERE d.match_id = $1 AND d.endpoint_id = $2 ORDER BY a.id`,
          [matchId, ids.mllp],
        )
      ).rows.map((r) => [r.outcome, r.response_status]);
    expect(await codes("m-out-5")).toEqual([
      ["failed", "AR"],
      ["sent", "AA"],
    ]);
    mllp.answerNext("AE");
    const bad = { ...dischargeEvent(), eventId: "evt-ae", controlId: "CTRL-D-6" } as ReturnType<
      typeof dischargeEvent
    >;
    await handleMatchedOutbound(matchedOf(bad, { matchId: "m-out-6", practice: sfmPractice() }), deps());
    await waitFor("dead after an AE", async () =>
      (await statusOf("m-out-6")).some((r) => r.endpoint_id === ids.mllp && r.status === "dead"),
    );
    expect(await codes("m-out-6")).toEqual([["dead", "AE"]]);
  });

  it("a retraction (A13) sends the FHIR receiver the discharge message again with the encounter back in progress, and the webhook event.retracted", async () => {
    const cancel = {
      ...dischargeEvent(),
      eventId: "evt-a13",
      kind: "cancel-discharge",
      trigger: "A13",
      controlId: "CTRL-A13",
    } as MatchedEvent["event"];
    const retraction = matchedOf(cancel, {
      matchId: "m-out-1-cancel",
      kind: "retraction",
      retracts: { eventId: dischargeEvent().eventId, matchId: "m-out-1" },
      practice: sfmPractice(),
    });
    expect(await handleMatchedOutbound(retraction, deps())).toBe(3);
    expect(await handleMatchedOutbound(retraction, deps())).toBe(0);
    await waitFor("cancels sent", async () => (await statusOf("m-out-1")).every((r) => r.status === "sent"));
    const last = fhir.stored.at(-1) as Bundle;
    const encounter = last.entry?.find((e) => e.resource?.resourceType === "Encounter")
      ?.resource as Encounter;
    // A13 cancels the discharge, not the stay: the patient is in hospital again (davinci-bundle.ts).
    expect(encounter.status).toBe("in-progress");
    expect(encounter.identifier?.[0]?.value).toBe("V20260301");
    const retracted = hook.received.at(-1);
    const original = (await statusOf("m-out-1")).length;
    expect(original).toBe(6);
    await vi.waitFor(() => expect(mllp.accepted.at(-1)).toMatch(/\|ADT\^A13/), { timeout: 10_000 });
    expect(retracted?.body).toMatchObject({
      type: "event.retracted",
      data: { kind: "cancel-discharge", retracts: { matchId: "m-out-1" } },
    });
  });

  it("a retraction before the send skips the notification and sends no cancel", async () => {
    const event = { ...dischargeEvent(), eventId: "evt-early", controlId: "CTRL-D-4" } as ReturnType<
      typeof dischargeEvent
    >;
    const matched = matchedOf(event, { matchId: "m-out-4", practice: sfmPractice() });
    // Planned but held off SQS (as if the process died before enqueueing): the retraction comes first.
    await handleMatchedOutbound(matched, {
      ...deps(),
      queue: {
        ...queue,
        send: async () => {
          throw new Error("down");
        },
      },
    });
    const retraction = matchedOf(
      {
        ...event,
        eventId: "evt-early-a11",
        kind: "cancel-discharge",
        trigger: "A13",
      } as MatchedEvent["event"],
      {
        matchId: "m-out-4-cancel",
        kind: "retraction",
        retracts: { eventId: "evt-early", matchId: "m-out-4" },
        practice: sfmPractice(),
      },
    );
    expect(await handleMatchedOutbound(retraction, deps())).toBe(0);
    expect((await statusOf("m-out-4")).map((r) => [r.purpose, r.status])).toEqual([
      ["notification", "skipped"],
      ["notification", "skipped"],
      ["notification", "skipped"],
    ]);
  });
});
