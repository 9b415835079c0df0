import { AdtEvent } from "@homeward/contracts";
import { createPool, migrate, REFERENCE_CHANGED_CHANNEL } from "@homeward/db";
import { Registry, startOpsServer } from "@homeward/http";
import { buildIdentityIndex, type IdentityIndex } from "@homeward/identity";
import {
  createEventLog,
  createKafka,
  ensureTopics,
  HOMEWARD_TOPICS,
  runConsumer,
  topicName,
} from "@homeward/kafka";
import type { Logger } from "@homeward/logger";
import { Counter } from "prom-client";
import type { MatcherConfig } from "./env.ts";
import { matchEvent } from "./match-event.ts";
import { loadReferenceData, type ReferenceData } from "./reference-data.ts";

export interface RunningMatcher {
  opsPort: number;
  /** Reloads the reference data now (tests, or after an import in the same process). */
  refresh(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The matcher's composition root: PostgreSQL (schema migrated) and the in-memory reference index
 * first, then the acks=all producer, then the consumer group on adt.events.v1; stopped in reverse.
 */
export async function startMatcher(config: MatcherConfig, logger: Logger): Promise<RunningMatcher> {
  const { stack } = config;
  await migrate(stack.postgres);
  const pool = createPool(stack.postgres);
  let current: { data: ReferenceData; index: IdentityIndex };
  const reload = async () => {
    const data = await loadReferenceData(pool, new Date());
    current = { data, index: buildIdentityIndex(data.candidates) };
    logger.info({ patients: data.candidates.length }, "reference data loaded");
  };
  await reload();
  const refreshTimer = setInterval(
    () => void reload().catch((err: unknown) => logger.error({ err }, "reload failed")),
    config.REFERENCE_REFRESH_SECONDS * 1000,
  );
  refreshTimer.unref();
  const listener = await pool.connect();
  // A roster import NOTIFYs this channel when it commits: reload at once, not at the next tick.
  await listener.query(`LISTEN ${REFERENCE_CHANGED_CHANNEL}`);
  listener.on(
    "notification",
    () => void reload().catch((err: unknown) => logger.error({ err }, "reload failed")),
  );

  const prefix = stack.kafka.topicPrefix;
  const kafka = createKafka({ brokers: stack.kafka.brokers, clientId: "matcher" }, logger);
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
  const consumer = await runConsumer({
    kafka,
    groupId: config.MATCHER_GROUP_ID,
    topics: [topicName(prefix, "adt.events.v1")],
    // One patient's events share a partition (the listener keys by facility + patient), so
    // partitions can be matched side by side while each patient's events stay in order.
    partitionsConcurrently: config.MATCHER_PARTITIONS_CONCURRENTLY,
    logger,
    handle: async (record) => {
      const parsed = AdtEvent.safeParse(JSON.parse(record.value?.toString("utf8") ?? "null"));
      if (!parsed.success) {
        outcomes.inc({ outcome: "invalid" });
        logger.error({ topic: record.topic, offset: record.offset }, "not an AdtEvent v1; skipped");
        return;
      }
      outcomes.inc({ outcome: await matchEvent(parsed.data, deps) });
    },
  });
  const admin = kafka.admin();
  await admin.connect();
  const ops = await startOpsServer({
    host: config.OPS_HOST,
    port: config.OPS_PORT,
    registry,
    checks: {
      kafka: async () => {
        await admin.describeCluster();
      },
      postgres: async () => {
        await pool.query("SELECT 1");
      },
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
