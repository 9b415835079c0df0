import { readFileSync } from "node:fs";
import { type OpsServer, Registry, startOpsServer } from "@homeward/http";
import {
  createEventLog,
  createKafka,
  type EventLog,
  ensureTopics,
  HOMEWARD_TOPICS,
  topicName,
} from "@homeward/kafka";
import type { Logger } from "@homeward/logger";
import { closeRedis, createRedis } from "@homeward/redis";
import { Gauge } from "prom-client";
import { controlIdGenerator } from "./control-ids.ts";
import { redisDuplicateStore } from "./duplicates.ts";
import { type loadListenerEnv, messageLimits } from "./env.ts";
import { type FacilitySource, openFacilitySource } from "./facility-source.ts";
import { smtpFeedMailer } from "./feed-mailer.ts";
import { type FeedOperations, startFeedOperations } from "./feed-operations.ts";
import { FeedRecorder } from "./feed-recorder.ts";
import { FeedResender } from "./feed-resend.ts";
import { stageFrame } from "./frame-handler.ts";
import { GroupCommitter } from "./group-commit.ts";
import { Ingest } from "./ingest.ts";
import { createListenerMetrics, messageLabeller } from "./listener-metrics.ts";
import { type MllpServer, startMllpServer } from "./mllp-server.ts";
import { ParsePool } from "./parse-pool.ts";
import { sendingApplicationCheck } from "./sending-application.ts";
import { SilentFeedWatch } from "./silent-feed-watch.ts";

export type ListenerConfig = ReturnType<typeof loadListenerEnv>;

export interface RunningListener {
  mllpPort: number;
  tlsPort: number | undefined;
  opsPort: number;
  /** Feed operations (counts, silent-feed check, exceptions, resends); absent with FACILITY_SOURCE=file. */
  feedOperations: FeedOperations | undefined;
  /** Stop intake, answer every frame already received, flush Kafka, close connections. */
  stop(): Promise<void>;
}

export { readFacilityMappings } from "./facility-source.ts";

/**
 * The adt-listener's composition root: builds the adapters, wires them into the ingest pipeline,
 * starts them in dependency order (Kafka and Redis before any socket accepts a message) and
 * stops them in reverse.
 */
export interface IngestPipeline {
  ingest: Ingest;
  kafka: ReturnType<typeof createKafka>;
  topics: { raw: string; events: string; rejected: string; unmatched: string };
  /** The acks=all producer behind the group committer (resends publish through it too). */
  eventLog: EventLog;
  limits: ReturnType<typeof messageLimits>;
  redis: ReturnType<typeof createRedis>;
  newControlId: () => string;
  /** The facility mappings in force (reloaded from the database while the listener runs). */
  facilities: FacilitySource;
  /** The MSH-3 check (facility mappings' allowedApplications, else MLLP_ALLOWED_APPLICATIONS). */
  admitApplication: ReturnType<typeof sendingApplicationCheck>;
  close(): Promise<void>;
}

/**
 * Everything between bytes and Kafka, shared by the MLLP listener and the `load-batch` command:
 * topics, the acks=all producer behind a group committer, the duplicate store, the mappings.
 */
export async function createIngestPipeline(config: ListenerConfig, logger: Logger): Promise<IngestPipeline> {
  const { stack } = config;
  const prefix = stack.kafka.topicPrefix;
  const topics = {
    raw: topicName(prefix, "adt.raw.v1"),
    events: topicName(prefix, "adt.events.v1"),
    rejected: topicName(prefix, "adt.rejected.v1"),
    unmatched: topicName(prefix, "adt.unmatched.v1"),
  };
  const facilities = await openFacilitySource(config, logger);
  const { index } = facilities;
  const kafka = createKafka({ ...stack.kafka, clientId: "adt-listener" }, logger);
  await ensureTopics(
    kafka,
    // adt.unmatched.v1 too: feed operations copy it into the exceptions browser.
    HOMEWARD_TOPICS.filter((t) =>
      ["adt.raw.v1", "adt.events.v1", "adt.rejected.v1", "adt.unmatched.v1"].includes(t.name),
    ),
    { prefix },
  );
  const eventLog = await createEventLog(kafka, { timeoutMs: config.KAFKA_HOLD_MS });
  const redis = createRedis(stack.redis);
  const committer = new GroupCommitter(
    eventLog,
    redisDuplicateStore(redis, config.DUPLICATE_WINDOW_SECONDS),
    (err) => logger.warn({ err }, "duplicate store unavailable; writing without the check"),
  );
  const newControlId = controlIdGenerator();
  const limits = messageLimits(config);
  // Large messages are parsed in worker threads, with the same mappings (kept in step) and limits.
  const parsePool = new ParsePool({
    mappings: index.mappings,
    limits,
    threads: config.MLLP_PARSE_THREADS,
    maxQueue: config.MLLP_PARSE_QUEUE,
    minBytes: config.MLLP_PARSE_OFFTHREAD_BYTES,
    timeoutMs: config.MLLP_PARSE_TIMEOUT_MS,
  });
  index.onReplace((mappings) => parsePool.setMappings(mappings));
  const ingest = new Ingest({
    topics: { raw: topics.raw, events: topics.events, rejected: topics.rejected },
    lookupMapping: index.lookup,
    allowedFacilities: new Set(config.MLLP_ALLOWED_FACILITIES),
    acceptedProcessingIds: new Set(config.MLLP_ACCEPTED_PROCESSING_IDS),
    limits,
    parsePool,
    submit: (request) => committer.submit(request),
    holdMs: config.KAFKA_HOLD_MS,
    identity: { app: config.ACK_SENDING_APPLICATION, facility: config.ACK_SENDING_FACILITY },
    now: () => new Date(),
    newControlId,
    logger,
  });
  return {
    ingest,
    kafka,
    topics,
    eventLog,
    limits,
    redis,
    newControlId,
    facilities,
    admitApplication: sendingApplicationCheck(index.lookup, new Set(config.MLLP_ALLOWED_APPLICATIONS)),
    async close() {
      await eventLog.close();
      await closeRedis(redis);
      await parsePool.close();
      await facilities.close();
    },
  };
}

/**
 * The adt-listener's composition root: builds the adapters, wires them into the ingest pipeline,
 * starts them in dependency order (Kafka and Redis before any socket accepts a message) and
 * stops them in reverse.
 */
export async function startAdtListener(config: ListenerConfig, logger: Logger): Promise<RunningListener> {
  const pipeline = await createIngestPipeline(config, logger);
  const { ingest, kafka, redis, newControlId, admitApplication } = pipeline;
  const registry = new Registry();
  const metrics = createListenerMetrics(registry);
  const messageLabels = messageLabeller(() => pipeline.facilities.index.facilityNames);
  const now = () => new Date();
  const feedRecorder = new FeedRecorder((facility) => pipeline.facilities.index.facilityNames.has(facility));

  const serverOptions = {
    host: config.MLLP_HOST,
    maxConnections: config.MLLP_MAX_CONNECTIONS,
    maxConnectionsPerAddress: config.MLLP_MAX_CONNECTIONS_PER_ADDRESS,
    reservedConnectionsPerSource: config.MLLP_RESERVED_CONNECTIONS_PER_SOURCE,
    idleTimeoutMs: config.MLLP_IDLE_TIMEOUT_MS,
    frameDeadlineMs: config.MLLP_FRAME_DEADLINE_MS,
    maxFramingErrors: config.MLLP_MAX_FRAMING_ERRORS,
    faultLogIntervalMs: config.MLLP_FAULT_LOG_INTERVAL_MS,
    maxFrameBytes: config.MLLP_MAX_FRAME_BYTES,
    allowedSources: config.MLLP_ALLOWED_SOURCES,
    now,
    newControlId,
    logger,
    metrics,
    stageFrame: async (payload: Buffer, connection: Parameters<typeof stageFrame>[2], receivedAt: Date) => {
      const staged = await stageFrame(ingest, payload, connection, receivedAt, admitApplication);
      void staged.done.then((frame) => {
        for (const r of frame.results) {
          metrics.messages.inc(messageLabels(r));
          feedRecorder.record(r, connection, receivedAt);
        }
      });
      return staged;
    },
    onConnectionClosed: (connection: Parameters<typeof feedRecorder.closed>[0]) =>
      feedRecorder.closed(connection, now()),
  };
  const servers: MllpServer[] = [
    await startMllpServer({ ...serverOptions, listenerId: "mllp", port: config.MLLP_PORT }),
  ];
  if (config.MLLP_TLS_PORT !== undefined && config.MLLP_TLS_CERT_FILE && config.MLLP_TLS_KEY_FILE) {
    servers.push(
      await startMllpServer({
        ...serverOptions,
        listenerId: "mllp-tls",
        port: config.MLLP_TLS_PORT,
        tls: {
          key: readFileSync(config.MLLP_TLS_KEY_FILE),
          cert: readFileSync(config.MLLP_TLS_CERT_FILE),
          ...(config.MLLP_TLS_CLIENT_CA_FILE
            ? { clientCa: readFileSync(config.MLLP_TLS_CLIENT_CA_FILE) }
            : {}),
          requireClientCert: config.MLLP_TLS_REQUIRE_CLIENT_CERT,
        },
      }),
    );
  }

  const feedOperations = await startFeedOps(config, logger, pipeline, registry, feedRecorder);

  const admin = kafka.admin();
  await admin.connect();
  const ops: OpsServer = await startOpsServer({
    host: config.OPS_HOST,
    port: config.OPS_PORT,
    registry,
    checks: {
      kafka: async () => {
        await admin.describeCluster();
      },
      redis: async () => {
        await redis.ping();
      },
    },
  });

  let stopping: Promise<void> | undefined;
  return {
    mllpPort: servers[0]?.port ?? 0,
    tlsPort: servers[1]?.port,
    opsPort: ops.port,
    feedOperations: feedOperations?.operations,
    stop() {
      stopping ??= (async () => {
        await Promise.all(servers.map((s) => s.close()));
        await feedOperations?.stop();
        await admin.disconnect();
        await pipeline.close();
        await ops.close();
      })();
      return stopping;
    },
  };
}

/**
 * Feed operations (feed-operations.ts) when the facilities come from the database: counts and
 * connections, the silent-feed alarm (email over SMTP_URL, gauge `homeward_feed_silent`), the
 * exceptions browser's copy of adt.rejected.v1/adt.unmatched.v1, and resend requests (worked at
 * once on their NOTIFY, and at every check).
 */
async function startFeedOps(
  config: ListenerConfig,
  logger: Logger,
  pipeline: IngestPipeline,
  registry: Registry,
  recorder: FeedRecorder,
): Promise<{ operations: FeedOperations; stop(): Promise<void> } | undefined> {
  const pool = pipeline.facilities.pool;
  if (pool === undefined) return undefined;
  const now = () => new Date();
  const mailer = smtpFeedMailer({ url: config.stack.smtp.url, from: config.MAIL_FROM });
  const watch = new SilentFeedWatch({
    pool,
    mailer,
    gauge: new Gauge({
      name: "homeward_feed_silent",
      help: "1 while a facility's feed is silent past its threshold within its expected hours (an open alarm)",
      labelNames: ["facility"] as const,
      registers: [registry],
    }),
    dashboardUrl: config.PUBLIC_BASE_URL,
    now,
    logger,
  });
  const resender = new FeedResender({
    pool,
    ingest: pipeline.ingest,
    admitApplication: pipeline.admitApplication,
    lookupMapping: pipeline.facilities.index.lookup,
    limits: pipeline.limits,
    kafka: pipeline.kafka,
    eventLog: pipeline.eventLog,
    topics: { raw: pipeline.topics.raw, events: pipeline.topics.events },
    groupPrefix: config.FEED_EXCEPTIONS_GROUP_ID,
    now,
    logger,
  });
  const operations = await startFeedOperations({
    pool,
    kafka: pipeline.kafka,
    recorder,
    watch,
    resender,
    topics: { rejected: pipeline.topics.rejected, unmatched: pipeline.topics.unmatched },
    groupId: config.FEED_EXCEPTIONS_GROUP_ID,
    flushSeconds: config.FEED_STATS_FLUSH_SECONDS,
    checkSeconds: config.FEED_CHECK_SECONDS,
    statsRetentionDays: config.FEED_STATS_RETENTION_DAYS,
    exceptionRetentionDays: config.FEED_EXCEPTION_RETENTION_DAYS,
    now,
    logger,
  });
  const resendNow = () =>
    void resender
      .runPending()
      .catch((err: unknown) => logger.warn({ err }, "resend run failed; retried later"));
  pipeline.facilities.onResendRequested(resendNow);
  resendNow();
  return {
    operations,
    async stop() {
      await operations.stop();
      mailer.close();
    },
  };
}
