/**
 * Outbound delivery throughput per channel: Da Vinci FHIR ($process-message), Standard Webhooks,
 * HL7 v2 over MLLP and FHIR Subscription notifications (rest-hook), through the real path (outbound_deliveries in PostgreSQL, jobs on SQS, the
 * outbound workers with their Redis keys, leases and attempts) to in-process receivers on the same
 * machine. For each channel and worker count: N deliveries planned and enqueued first, then the
 * workers started and timed until every row is `sent`.
 *
 *   node --conditions=source --import tsx services/notifier/bench/outbound.bench.ts \
 *     [--deliveries 300] [--workers 1,4,16] [--dry-run]
 */
import { randomBytes, randomUUID } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { parseArgs } from "node:util";
import { createPool, inTransaction, migrate } from "@homeward/db";
import { createOrganization } from "@homeward/directory";
import { stackEnv, startStack } from "@homeward/local-stack";
import { createLogger } from "@homeward/logger";
import {
  createEndpoint,
  type EndpointFields,
  insertOutboundDeliveries,
  newWebhookSecret,
  OUTBOUND_QUEUE,
  pendingOutbound,
  planNotifications,
} from "@homeward/outbound";
import {
  createSubscription,
  planSubscriptionNotifications,
  type RestHookOptions,
  sendHandshake,
  turnOffSubscription,
} from "@homeward/outbound/subscriptions";
import {
  dischargeEvent,
  matchedOf,
  startFhirReceiver,
  startMllpReceiver,
  startWebhookReceiver,
} from "@homeward/outbound/test-support";
import { createRedis } from "@homeward/redis";
import { createSqsClient, ensureQueue, openWorkQueue } from "@homeward/sqs";
import { machineLine, writeBenchmarkSection } from "@homeward/testing/bench";
import { loadNotifierEnv } from "../src/env.ts";
import { DaVinciFhirSender } from "../src/outbound/davinci-fhir.sender.ts";
import { Hl7v2MllpSender } from "../src/outbound/hl7v2-mllp.sender.ts";
import { WebhookSender } from "../src/outbound/webhook.sender.ts";
import { enqueueOutbound } from "../src/outbound-handle.ts";
import { startOutboundWorkers } from "../src/outbound-worker.ts";

const { values } = parseArgs({
  options: {
    deliveries: { type: "string", default: "300" },
    workers: { type: "string", default: "1,4,16" },
    "dry-run": { type: "boolean", default: false },
  },
});
const N = Number(values.deliveries);
const WORKERS = values.workers.split(",").map(Number);

const run = `benchob${Date.now().toString(36)}`;
const logger = createLogger({ service: "outbound-bench", level: "warn" });
const stack = await startStack(logger);
const config = loadNotifierEnv({
  ...stackEnv(stack),
  DATABASE_SCHEMA: run,
  SQS_QUEUE_PREFIX: run,
  REDIS_KEY_PREFIX: `${run}:`,
  SMTP_URL: "smtp://127.0.0.1:25",
});
await migrate(config.stack.postgres);
const pool = createPool(config.stack.postgres);
const redis = createRedis(config.stack.redis);
const sqs = createSqsClient(config.stack.sqs);
const key = randomBytes(32);
const org = await createOrganization(
  pool,
  {
    kind: "practice",
    code: "BENCH",
    name: "Bench Family Medicine",
    npi: null,
    tin: null,
    timeZone: "America/New_York",
    parentId: null,
  },
  new Date(),
);
if (typeof org === "string") throw new Error(org);

const token = "bench-bearer-token-00000000";
const hookSecret = newWebhookSecret();
const fhir = await startFhirReceiver({ bearerToken: token, validate: false });
const hook = await startWebhookReceiver(hookSecret);
const mllp = await startMllpReceiver();
const base: EndpointFields = {
  name: "",
  kind: "davinci_fhir",
  url: null,
  host: null,
  port: null,
  authKind: "none",
  eventKinds: [],
  programs: [],
  enabled: true,
};
const channels = [
  {
    label: "Da Vinci FHIR ($process-message, bearer)",
    fields: { ...base, name: "fhir", url: fhir.baseUrl, authKind: "bearer" as const },
    secret: token,
  },
  {
    label: "Standard Webhooks (signed)",
    fields: {
      ...base,
      name: "hook",
      kind: "webhook" as const,
      url: hook.url,
      authKind: "webhook_secret" as const,
    },
    secret: hookSecret,
  },
  {
    label: "HL7 v2 over MLLP (ACK awaited)",
    fields: { ...base, name: "mllp", kind: "hl7v2_mllp" as const, host: mllp.host, port: mllp.port },
    secret: null,
  },
];

// A rest-hook subscriber that checks the channel header and reads each Bundle, without validating
// (as the FHIR receiver above): the bench times Homeward's side.
const restHookAuth = "Bearer bench-subscriber-0000";
const restHook = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", () => {
    JSON.parse(Buffer.concat(chunks).toString("utf8"));
    res.writeHead(req.headers.authorization === restHookAuth ? 200 : 401).end();
  });
});
await new Promise<void>((resolve) => restHook.listen(0, "127.0.0.1", resolve));
const restHookUrl = `http://127.0.0.1:${(restHook.address() as AddressInfo).port}/notify`;
const restHookOptions: RestHookOptions = {
  pool,
  secretKey: key,
  base: "https://homeward.bench/api/fhir",
  timeoutMs: 10_000,
  now: () => new Date(),
};

const practice = {
  organizationId: org.id,
  code: "BENCH",
  name: "Bench Family Medicine",
  timeZone: "America/New_York",
};

/** N discharges for one endpoint, planned as the notifier plans them; the delivery ids. */
async function planForEndpoint(endpoint: Parameters<typeof planNotifications>[1][number], round: number) {
  const ids: string[] = [];
  for (let i = 0; i < N; i++) {
    const matched = matchedOf(dischargeEvent(), { matchId: `bench-${round}-${i}`, practice });
    const planned = planNotifications(matched, [endpoint], {
      now: new Date(),
      source: { name: "Homeward", endpoint: "https://homeward.bench" },
    });
    ids.push(...(await insertOutboundDeliveries(pool, planned)));
  }
  return ids;
}

/** N discharges for a new encounter-end subscription (id-only), numbered and planned as the notifier does. */
async function planForSubscription(round: number) {
  const subscription = await createSubscription(pool, key, {
    id: randomUUID(),
    organizationId: practice.organizationId,
    topic: "encounter-end",
    endpoint: restHookUrl,
    content: "id-only",
    heartbeatPeriod: null,
    resource: {
      resourceType: "Subscription",
      status: "requested",
      reason: "bench",
      criteria: "x",
      channel: { type: "rest-hook" },
    },
    header: `Authorization: ${restHookAuth}`,
    createdBy: "bench",
  });
  if (!(await sendHandshake(restHookOptions, subscription)).ok) throw new Error("handshake refused");
  const ids: string[] = [];
  for (let i = 0; i < N; i++) {
    const matched = matchedOf(dischargeEvent(), { matchId: `bench-${round}-${i}`, practice });
    ids.push(...(await planSubscriptionNotifications(pool, matched, new Date())));
  }
  return { ids, subscriptionId: subscription.id };
}

const rows: string[] = [];
let round = 0;
for (const channel of [
  ...channels,
  { label: "FHIR Subscription (rest-hook, id-only)", fields: null, secret: null },
]) {
  if (channel.fields === null) {
    for (const workers of WORKERS) {
      round += 1;
      const { ids, subscriptionId } = await planForSubscription(round);
      rows.push(await timeRound(channel.label, workers, round, ids));
      await turnOffSubscription(pool, subscriptionId); // the next round's subscription alone is notified
    }
    continue;
  }
  const endpoint = await inTransaction(pool, (tx) =>
    createEndpoint(tx, key, {
      organizationId: org.id,
      fields: channel.fields,
      secret: channel.secret,
      createdBy: "bench",
    }),
  );
  if (typeof endpoint === "string") throw new Error(endpoint);
  for (const workers of WORKERS) {
    round += 1;
    rows.push(await timeRound(channel.label, workers, round, await planForEndpoint(endpoint, round)));
  }
}

/** Puts a round's planned deliveries on a fresh queue, then times `workers` loops until all are sent. */
async function timeRound(label: string, workers: number, round: number, ids: string[]): Promise<string> {
  const urls = await ensureQueue(sqs, OUTBOUND_QUEUE, `${run}-${round}`);
  const queue = openWorkQueue(sqs, urls.url);
  await enqueueOutbound(queue, pool, await pendingOutbound(pool, { ids }), logger);
  const started = performance.now();
  const loops = startOutboundWorkers(
    {
      queue,
      deadLetterQueue: openWorkQueue(sqs, urls.dlqUrl),
      pool,
      redis,
      secretKey: key,
      senders: {
        davinci_fhir: new DaVinciFhirSender({ timeoutMs: 10_000 }),
        webhook: new WebhookSender({ timeoutMs: 10_000, now: () => new Date() }),
        hl7v2_mllp: new Hl7v2MllpSender({ timeoutMs: 10_000 }),
      },
      restHook: restHookOptions,
      maxAttempts: 8,
      backoff: { baseSeconds: 1, maxSeconds: 1 },
      visibilityTimeoutSeconds: 60,
      idempotencyTtlMs: 3_600_000,
      logger,
    },
    { concurrency: workers, pollSeconds: 1, outboxIntervalMs: 3_600_000, outboxGraceSeconds: 3600 },
  );
  for (;;) {
    const { rows: left } = await pool.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM outbound_deliveries WHERE id = ANY($1) AND status <> 'sent'",
      [ids],
    );
    if ((left[0]?.n ?? 1) === 0) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  const seconds = (performance.now() - started) / 1000;
  await loops.stop();
  const perSecond = Math.round(ids.length / seconds);
  const row = `| ${label} | ${workers} | ${ids.length} | ${seconds.toFixed(2)} | ${perSecond.toLocaleString("en-US")} |`;
  console.log(row);
  return row;
}

const markdown = `## outbound

${machineLine()}. PostgreSQL, Redis and ElasticMQ (local JVM) on the same cores as the notifier's
outbound workers and the receivers (in process: a FHIR server answering \`$process-message\` without
validating, a webhook receiver verifying every signature, an MLLP interface ACKing \`AA\`, a rest-hook
subscriber checking its header). Per row: ${N} deliveries planned (a discharge Bundle, webhook
event, forwarded ADT or numbered subscription notification each) and put on SQS
first, then the workers started and timed until every row was \`sent\`: a delivery costs a Redis
check, a row read, a lease, the send, an attempt row and the "sent" key, and an SQS delete.
Run: \`node --conditions=source --import tsx services/notifier/bench/outbound.bench.ts --deliveries ${N} --workers ${WORKERS.join(",")}\`.

| channel | workers | deliveries | seconds | deliveries/s |
| --- | ---: | ---: | ---: | ---: |
${rows.join("\n")}

Receivers on a real network add their round trip per delivery; each worker handles the ten jobs
of one receive side by side, so throughput grows with workers until PostgreSQL or the CPU is the limit.`;
console.log(markdown);
if (!values["dry-run"]) writeBenchmarkSection("outbound", markdown);
await Promise.all([fhir.close(), hook.close(), mllp.close()]);
restHook.close();
await redis.quit();
await pool.end();
sqs.destroy();
process.exit(0);
