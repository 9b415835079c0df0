import { readFile } from "node:fs/promises";
import { MatchedEvent, parseContract } from "@homeward/contracts";
import { createPool, migrate } from "@homeward/db";
import { Registry, sampledGauge, startOpsServer } from "@homeward/http";
import {
  createKafka,
  ensureTopics,
  HOMEWARD_TOPICS,
  registerConsumerLagGauge,
  runConsumer,
  topicName,
} from "@homeward/kafka";
import type { Logger } from "@homeward/logger";
import { DEFAULT_PROTOCOLS, loadProtocols, type ProtocolsFile } from "@homeward/protocols";
import { closeRedis, createRedis } from "@homeward/redis";
import { createSqsClient, HOMEWARD_QUEUES, openWorkQueue, resolveQueue } from "@homeward/sqs";
import { Counter } from "prom-client";
import { startDeliveryWorkers } from "./delivery-worker.ts";
import type { NotifierConfig } from "./env.ts";
import { handleMatched } from "./handle-matched.ts";
import { startOutbound } from "./outbound-setup.ts";
import { createProviders } from "./provider-setup.ts";
import { pingPostgres } from "./readiness-store.ts";
import { restHookOptions, startSubscriptionHeartbeats } from "./subscription-setup.ts";
import { type SweepResult, startSweeper } from "./sweeper.ts";

export interface RunningNotifier {
  opsPort: number;
  /** One sweeper pass now (tests; operations). */
  sweepNow(): Promise<SweepResult>;
  stop(): Promise<void>;
}

/** The protocols in force: the file named by PROTOCOLS_FILE, else the defaults from DESIGN.md. */
export async function protocolsFrom(config: NotifierConfig): Promise<ProtocolsFile> {
  if (config.PROTOCOLS_FILE === undefined) return DEFAULT_PROTOCOLS;
  const loaded = loadProtocols(JSON.parse(await readFile(config.PROTOCOLS_FILE, "utf8")));
  if (!loaded.ok) {
    throw new Error(
      `${config.PROTOCOLS_FILE}: ${loaded.errors.map((e) => `${e.path}: ${e.message}`).join("; ")}`,
    );
  }
  return loaded.protocols;
}

/**
 * The notifier's composition root: PostgreSQL (migrated), Redis, the SQS alerts queue and its DLQ,
 * the delivery providers; then the delivery workers, the sweeper and the consumer group on
 * adt.matched.v1. Stopped in reverse: intake first, then the loops, then the connections.
 */
export async function startNotifier(config: NotifierConfig, logger: Logger): Promise<RunningNotifier> {
  const { stack } = config;
  const protocols = await protocolsFrom(config);
  await migrate(stack.postgres, (line) => logger.info(line));
  const pool = createPool(stack.postgres);
  const redis = createRedis(stack.redis);
  const sqs = createSqsClient(stack.sqs);
  const spec = HOMEWARD_QUEUES.find((q) => q.name === "homeward-alerts");
  if (spec === undefined) throw new Error("homeward-alerts queue spec missing");
  // The queue made here under SQS_QUEUE_PREFIX, or one made beforehand (SQS_ALERTS_QUEUE_URL), checked.
  const urls = await resolveQueue(sqs, { ...spec, maxReceiveCount: config.DELIVERY_MAX_ATTEMPTS }, stack.sqs);
  const queue = openWorkQueue(sqs, urls.url);
  const deadLetterQueue = openWorkQueue(sqs, urls.dlqUrl);
  const providers = await createProviders(config, stack.smtp.url);

  const registry = new Registry();
  const matchedTotal = new Counter({
    name: "homeward_notifier_matched_total",
    help: "adt.matched.v1 records handled, by kind",
    labelNames: ["kind"] as const,
    registers: [registry],
  });
  const tasksOpened = new Counter({
    name: "homeward_notifier_tasks_opened_total",
    help: "Tasks opened",
    registers: [registry],
  });
  const deliveriesTotal = new Counter({
    name: "homeward_notifier_delivery_outcomes_total",
    help: "Delivery job outcomes, by outcome and channel",
    labelNames: ["outcome", "channel"] as const,
    registers: [registry],
  });

  // Deliveries to the organizations' systems (FHIR, webhooks, HL7 v2, FHIR Subscriptions): their
  // own queue and workers.
  const outbound = await startOutbound(config, {
    pool,
    redis,
    sqs,
    logger,
    onOutcome: (outcome, channel) => deliveriesTotal.inc({ outcome, channel }),
  });
  // FHIR Subscriptions (R4 backport): heartbeats to rest-hook endpoints, ended ones turned off.
  const heartbeats = startSubscriptionHeartbeats(restHookOptions(config, pool), {
    logger,
    heartbeatIntervalMs: config.SWEEP_INTERVAL_SECONDS * 1000,
  });
  const workers = startDeliveryWorkers(
    {
      queue,
      deadLetterQueue,
      pool,
      redis,
      email: providers.email,
      pager: providers.pager,
      maxAttempts: config.DELIVERY_MAX_ATTEMPTS,
      backoff: {
        baseSeconds: config.DELIVERY_BACKOFF_BASE_SECONDS,
        maxSeconds: config.DELIVERY_BACKOFF_MAX_SECONDS,
      },
      visibilityTimeoutSeconds: spec.visibilityTimeoutSeconds,
      pagerMaxLength: config.PAGER_MAX_LENGTH,
      idempotencyTtlMs: config.IDEMPOTENCY_TTL_HOURS * 3600 * 1000,
      logger,
      now: () => new Date(),
      onOutcome: (outcome, channel) => deliveriesTotal.inc({ outcome, channel }),
    },
    { concurrency: config.DELIVERY_WORKERS, pollSeconds: config.DELIVERY_POLL_SECONDS },
  );
  const sweeper = startSweeper(
    { pool, queue, baseUrl: config.PUBLIC_BASE_URL, logger, outboxGraceSeconds: 30, protocols },
    config.SWEEP_INTERVAL_SECONDS * 1000,
  );

  const prefix = stack.kafka.topicPrefix;
  const kafka = createKafka({ ...stack.kafka, clientId: "notifier" }, logger);
  await ensureTopics(kafka, HOMEWARD_TOPICS, { prefix });
  const deps = {
    pool,
    queue,
    protocols,
    baseUrl: config.PUBLIC_BASE_URL,
    alertMaxEventAgeHours: config.ALERT_MAX_EVENT_AGE_HOURS,
    now: () => new Date(),
    logger,
  };
  const consumer = await runConsumer({
    kafka,
    groupId: config.NOTIFIER_GROUP_ID,
    topics: [topicName(prefix, "adt.matched.v1")],
    partitionsConcurrently: config.NOTIFIER_PARTITIONS_CONCURRENTLY,
    logger,
    handle: async (record) => {
      const matched = parseContract(MatchedEvent, record.value);
      if (matched === undefined) {
        matchedTotal.inc({ kind: "invalid" });
        logger.error({ topic: record.topic, offset: record.offset }, "not a MatchedEvent v1; skipped");
        return;
      }
      const outcome = await handleMatched(matched, deps);
      await outbound.handle(matched);
      matchedTotal.inc({ kind: matched.kind });
      tasksOpened.inc(outcome.tasksOpened);
    },
  });
  const admin = kafka.admin();
  await admin.connect();
  registerConsumerLagGauge({
    registry,
    admin,
    groupId: config.NOTIFIER_GROUP_ID,
    topics: [topicName(prefix, "adt.matched.v1")],
    logger,
  });
  const queues = { alerts: queue, "alerts-dlq": deadLetterQueue };
  sampledGauge({
    registry,
    name: "homeward_sqs_messages",
    help: "Approximate messages on the delivery queue and its dead-letter queue, by state",
    labelNames: ["queue", "state"],
    sample: async () => {
      const samples = [];
      for (const [name, q] of Object.entries(queues)) {
        for (const [state, value] of Object.entries(await q.depth()))
          samples.push({ labels: { queue: name, state }, value });
      }
      return samples;
    },
    onError: (err) => logger.warn({ err }, "queue depth could not be read"),
  });
  const ops = await startOpsServer({
    host: config.OPS_HOST,
    port: config.OPS_PORT,
    registry,
    checks: {
      kafka: async () => {
        await admin.describeCluster();
      },
      postgres: () => pingPostgres(pool),
      redis: async () => {
        await redis.ping();
      },
    },
  });
  let stopping: Promise<void> | undefined;
  return {
    opsPort: ops.port,
    sweepNow: () => sweeper.runNow(),
    stop() {
      stopping ??= (async () => {
        await consumer.stop();
        await sweeper.stop();
        await workers.stop();
        await outbound.stop();
        await heartbeats.stop();
        await admin.disconnect();
        await providers.close();
        await closeRedis(redis);
        await pool.end();
        sqs.destroy();
        await ops.close();
      })();
      return stopping;
    },
  };
}
