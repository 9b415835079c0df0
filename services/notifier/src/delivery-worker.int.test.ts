import { type AlertContent, DeliveryJob } from "@homeward/contracts";
import { createPool, migrate, type Pool } from "@homeward/db";
import { createLogger } from "@homeward/logger";
import { createRedis, type Redis } from "@homeward/redis";
import { createSqsClient, ensureQueue, HOMEWARD_QUEUES, openWorkQueue, type WorkQueue } from "@homeward/sqs";
import { type Isolation, isolation, type SmtpSink, startSmtpSink } from "@homeward/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deliveryId } from "./delivery-ids.ts";
import { type DeliveryWorkerDeps, handleDeliveryJob } from "./delivery-worker.ts";
import type { EmailProvider } from "./providers/provider.ts";
import { SmtpProvider } from "./providers/smtp/smtp.provider.ts";

let iso: Isolation;
let pool: Pool;
let redis: Redis;
let smtp: SmtpSink;
let smtpProvider: SmtpProvider;
let queue: WorkQueue;
const ids: Record<string, string> = {};

const content: AlertContent = {
  purpose: "alert",
  eventKind: "ed-arrival",
  occurredAt: "2026-11-23T14:32:00-05:00",
  facility: { code: "MERCYGEN", name: "Mercy General (synthetic)" },
  practice: { code: "SFM", name: "Springvale Family Medicine" },
  copy: "lead",
  flags: [],
  tasks: [],
  url: "https://homeward.test/events/m-race",
};

beforeAll(async () => {
  iso = isolation("worker");
  await migrate(iso.settings.postgres);
  pool = createPool(iso.settings.postgres);
  redis = createRedis(iso.settings.redis);
  const one = async (sql: string, params: unknown[] = []) =>
    String((await pool.query(sql, params)).rows[0]?.id);
  ids.practice = await one(
    "INSERT INTO organizations (kind, code, name) VALUES ('practice', 'SFM', 'Springvale') RETURNING id",
  );
  ids.pcp = await one(
    "INSERT INTO recipients (organization_id, role, display_name, email, time_zone) VALUES ($1, 'pcp', 'PCP', 'pcp@sfm.example', 'America/New_York') RETURNING id",
    [ids.practice],
  );
  smtp = await startSmtpSink();
  smtpProvider = new SmtpProvider({
    host: "127.0.0.1",
    port: smtp.port,
    from: "Homeward <alerts@homeward.test>",
  });
  const sqs = createSqsClient(iso.settings.sqs);
  const spec = HOMEWARD_QUEUES.find((q) => q.name === "homeward-alerts");
  if (spec === undefined) throw new Error("no alerts queue spec");
  const urls = await ensureQueue(sqs, spec, iso.queuePrefix);
  queue = openWorkQueue(sqs, urls.url);
});

afterAll(async () => {
  await smtpProvider?.close();
  await smtp?.close();
  await redis?.quit();
  await pool?.end();
});

/** The worker's dependencies on this file's queue, database and Redis, sending through `email`. */
function workerDeps(email: EmailProvider): DeliveryWorkerDeps {
  return {
    queue,
    deadLetterQueue: queue,
    pool,
    redis,
    email,
    pager: undefined,
    maxAttempts: 3,
    backoff: { baseSeconds: 1, maxSeconds: 1 },
    visibilityTimeoutSeconds: 30,
    pagerMaxLength: 160,
    idempotencyTtlMs: 60_000,
    logger: createLogger({ service: "worker-test", level: "warn" }),
    now: () => new Date(),
  };
}

/** A slow SMTP day: the send waits at the door until released (`inSend` says it got there). */
function heldProvider(): { provider: EmailProvider; inSend: Promise<void>; release: () => void } {
  let entered: () => void = () => {};
  const inSend = new Promise<void>((r) => {
    entered = r;
  });
  let release: () => void = () => {};
  const gate = new Promise<void>((r) => {
    release = r;
  });
  const provider: EmailProvider = {
    name: "smtp",
    async send(email) {
      entered();
      await gate;
      return smtpProvider.send(email);
    },
    close: async () => {},
  };
  return { provider, inSend, release };
}

describe("delivery worker", () => {
  it("corrects an alert that was being sent while its event was retracted", async () => {
    const id = deliveryId("m-race", String(ids.pcp), "email", "alert");
    await pool.query(
      `INSERT INTO deliveries (id, purpose, channel, recipient_id, organization_id, match_id, event_id, content, status)
       VALUES ($1, 'alert', 'email', $2, $3, 'm-race', 'e-race', $4, 'queued')`,
      [id, ids.pcp, ids.practice, JSON.stringify(content)],
    );
    const job: DeliveryJob = {
      schemaVersion: 1,
      deliveryId: id,
      channel: "email",
      purpose: "alert",
      recipientId: String(ids.pcp),
      enqueuedAt: new Date().toISOString(),
    };
    await queue.send(JSON.stringify(job));
    const [message] = await queue.receive({ waitSeconds: 5 });
    if (message === undefined) throw new Error("no job received");

    // SMTP is slow today: the retraction commits while the alert is on the wire.
    const { provider: slowEmail, inSend, release } = heldProvider();
    const deps = workerDeps(slowEmail);
    const handling = handleDeliveryJob(message, deps);
    await inSend;
    // What the retraction handler does to an alert it finds not yet sent.
    await pool.query(
      "UPDATE deliveries SET retracted_at = now(), status = 'skipped', last_error = 'retracted' WHERE match_id = 'm-race'",
    );
    release();
    expect(await handling).toBe("sent");

    const correctionId = deliveryId(id, "late-correction");
    const { rows } = await pool.query<{ id: string; status: string; purpose: string; content: AlertContent }>(
      "SELECT id, status, purpose, content FROM deliveries WHERE match_id = 'm-race' ORDER BY purpose",
    );
    expect(rows.map((r) => [r.id, r.purpose, r.status])).toEqual([
      [id, "alert", "sent"],
      [correctionId, "retraction", "queued"],
    ]);
    const next = await queue.receive({ waitSeconds: 5 });
    expect(next.map((m) => DeliveryJob.parse(JSON.parse(m.body)).deliveryId)).toEqual([correctionId]);
    // The correction itself goes out, to the same person.
    const correctionDeps = { ...deps, email: smtpProvider };
    expect(await handleDeliveryJob(next[0] as (typeof next)[number], correctionDeps)).toBe("sent");
    const mails = smtp.received.filter((m) => m.to.includes("pcp@sfm.example"));
    expect(mails).toHaveLength(2);
    expect(mails[1]?.text).toMatch(/cancel/i);
  });

  it("sends once when a second copy of the job comes while the first is on the wire and Redis has forgotten its keys", async () => {
    const id = deliveryId("m-lease", String(ids.pcp), "email", "alert");
    await pool.query(
      `INSERT INTO deliveries (id, purpose, channel, recipient_id, organization_id, match_id, event_id, content, status)
       VALUES ($1, 'alert', 'email', $2, $3, 'm-lease', 'e-lease', $4, 'queued')`,
      [id, ids.pcp, ids.practice, JSON.stringify(content)],
    );
    const job = JSON.stringify({
      schemaVersion: 1,
      deliveryId: id,
      channel: "email",
      purpose: "alert",
      recipientId: String(ids.pcp),
      enqueuedAt: new Date().toISOString(),
    } satisfies DeliveryJob);
    // The outbox put it on the queue twice (the notifier died between the send and marking it queued).
    await queue.send(job);
    await queue.send(job);
    const copies: Awaited<ReturnType<WorkQueue["receive"]>> = [];
    while (copies.length < 2) copies.push(...(await queue.receive({ waitSeconds: 5, max: 10 })));
    const [first, second] = copies;
    if (first === undefined || second === undefined) throw new Error("two copies expected");

    const { provider: slow, inSend, release } = heldProvider();
    const deps = workerDeps(smtpProvider);
    const before = smtp.received.length;
    const handling = handleDeliveryJob(first, { ...deps, email: slow });
    await inSend;
    // Redis restarts (it keeps nothing on disk): every lease and "sent" key is gone.
    await redis.del(`delivery:lock:${id}`, `delivery:sent:${id}`);
    expect(await handleDeliveryJob(second, deps)).toBe("busy");
    release();
    expect(await handling).toBe("sent");
    await new Promise((r) => setTimeout(r, 300));
    expect(smtp.received.length - before).toBe(1);
  });
});
