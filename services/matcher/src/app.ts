import { AdtEvent, parseContract } from "@homeward/contracts";
import { createPool, listenReferenceChanged, migrate } from "@homeward/db";
import { Registry, startOpsServer } from "@homeward/http";
import { buildIdentityIndex, type IdentityIndex } from "@homeward/identity";
import {
  createEventLog,
  createKafka,
  ensureTopics,
  HOMEWARD_TOPICS,
  registerConsumerLagGauge,
  runBatchConsumer,
  topicName,
} from "@homeward/kafka";
import type { Logger } from "@homeward/logger";
import { Counter, Histogram } from "prom-client";
import type { MatcherConfig } from "./env.ts";
import { matchEvents } from "./match-event.ts";
import { pingPostgres } from "./readiness-store.ts";
import { loadReferenceData, type ReferenceData } from "./reference-data.ts";

export interface RunningMatcher {
  opsPort: number;
  /** Reloads the reference data now (tests, or after an import in the same process). */
  refresh(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The matcher's composition root: PostgreSQL (schema migrated) and the in-memory reference index
 * first, then the acks=all producer, then the consumer group on adt.events.v1, which hands the
 * matcher a batch of each partition at a time; stopped in reverse.
 */
export async function startMatcher(config: MatcherConfig, logger: Logger): Promise<RunningMatcher> {
  const { stack } = config;
  await migrate(stack.postgres, (line) => logger.info(line));
  const pool = createPool(stack.postgres);
  let current: { data: ReferenceData; index: IdentityIndex };
  const loadOnce = async () => {
    const data = await loadReferenceData(pool, new Date(), config.REFERENCE_HISTORY_DAYS);
    current = { data, index: buildIdentityIndex(data.candidates) };
    logger.info({ patients: data.candidates.length }, "reference data loaded");
  };
  // One load at a time. A request that comes while one runs gets one more load, started after it:
  // that one reads every import committed before the request, and an older read never lands last.
  let loading: Promise<void> | undefined;
  let next: Promise<void> | undefined;
  const reload = (): Promise<void> => {
    if (loading === undefined) {
      loading = loadOnce().finally(() => {
        loading = undefined;
      });
      return loading;
    }
    next ??= loading
      .catch(() => undefined)
      .then(() => {
        next = undefined;
        return reload();
      });
    return next;
  };
  await reload();
  const refreshTimer = setInterval(
    () => void reload().catch((err: unknown) => logger.error({ err }, "reload failed")),
    config.REFERENCE_REFRESH_SECONDS * 1000,
  );
  refreshTimer.unref();
  const listener = await pool.connect();
  // An import into this schema NOTIFYs its channel when it commits: reload at once, not at the next
  // tick. Other schemas on the server (tests, other installs) have channels of their own.
  await listenReferenceChanged(
    listener,
    stack.postgres.schema,
    () => void reload().catch((err: unknown) => logger.error({ err }, "reload failed")),
  );

  const prefix = stack.kafka.topicPrefix;
  const kafka = createKafka({ ...stack.kafka, clientId: "matcher" }, logger);
  await ensureTopics(kafka, HOMEWARD_TOPICS, { prefix });
  const eventLog = await createEventLog(kafka);
  const registry = new Registry();
  const outcomes = new Counter({
    name: "homeward_matcher_events_total",
    help: "ADT events handled by the matcher, by outcome",
    labelNames: ["outcome"] as const,
    registers: [registry],
  });
  const deps = {
    reference: () => current,
    pool,
    publish: (records: Parameters<typeof eventLog.publish>[0]) => eventLog.publish(records),
    topics: {
      matched: topicName(prefix, "adt.matched.v1"),
      unmatched: topicName(prefix, "adt.unmatched.v1"),
    },
    thresholds: {
      edVisits: config.UTILIZER_ED_VISITS,
      edWindowDays: config.UTILIZER_ED_WINDOW_DAYS,
      readmissionDays: config.UTILIZER_READMISSION_DAYS,
    },
    now: () => new Date(),
    logger,
    referenceChanged: reload,
  };
  const batchSizes = new Histogram({
    name: "homeward_matcher_batch_records",
    help: "Records per batch handed to the matcher (one round trip to Kafka and PostgreSQL each)",
    buckets: [1, 10, 50, 100, 250, 500],
    registers: [registry],
  });
  const consumer = await runBatchConsumer({
    kafka,
    groupId: config.MATCHER_GROUP_ID,
    topics: [topicName(prefix, "adt.events.v1")],
    // One patient's events share a partition (the listener keys by facility + patient), so
    // partitions can be matched side by side while each patient's events stay in order.
    partitionsConcurrently: config.MATCHER_PARTITIONS_CONCURRENTLY,
    // Up to MATCHER_MAX_BATCH events share one Kafka write and one PostgreSQL statement.
    maxRecordsPerBatch: config.MATCHER_MAX_BATCH,
    logger,
    handle: async ({ topic, partition, records }) => {
      batchSizes.observe(records.length);
      const events: AdtEvent[] = [];
      for (const record of records) {
        const event = parseContract(AdtEvent, record.value);
        if (event !== undefined) {
          events.push(event);
        } else {
          outcomes.inc({ outcome: "invalid" });
          logger.error({ topic, partition, offset: record.offset }, "not an AdtEvent v1; skipped");
        }
      }
      const counts = new Map<string, number>();
      for (const outcome of await matchEvents(events, deps))
        counts.set(outcome, (counts.get(outcome) ?? 0) + 1);
      for (const [outcome, n] of counts) outcomes.inc({ outcome }, n);
    },
  });
  const admin = kafka.admin();
  await admin.connect();
  registerConsumerLagGauge({
    registry,
    admin,
    groupId: config.MATCHER_GROUP_ID,
    topics: [topicName(prefix, "adt.events.v1")],
    logger,
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
    },
  });
  let stopping: Promise<void> | undefined;
  return {
    opsPort: ops.port,
    refresh: reload,
    stop() {
      stopping ??= (async () => {
        await consumer.stop();
        await eventLog.close();
        await admin.disconnect();
        clearInterval(refreshTimer);
        listener.release(true);
        await pool.end();
        await ops.close();
      })();
      return stopping;
    },
  };
}
