import { readFileSync } from "node:fs";
import { type OpsServer, Registry, startOpsServer } from "@homeward/http";
import { createEventLog, createKafka, ensureTopics, HOMEWARD_TOPICS, topicName } from "@homeward/kafka";
import type { Logger } from "@homeward/logger";
import { closeRedis, createRedis } from "@homeward/redis";
import { controlIdGenerator } from "./control-ids.ts";
import { redisDuplicateStore } from "./duplicates.ts";
import { type loadListenerEnv, messageLimits } from "./env.ts";
import { type FacilitySource, openFacilitySource } from "./facility-source.ts";
import { stageFrame } from "./frame-handler.ts";
import { GroupCommitter } from "./group-commit.ts";
import { Ingest } from "./ingest.ts";
import { createListenerMetrics, messageLabeller } from "./listener-metrics.ts";
import { type MllpServer, startMllpServer } from "./mllp-server.ts";
import { ParsePool } from "./parse-pool.ts";
import { sendingApplicationCheck } from "./sending-application.ts";

export type ListenerConfig = ReturnType<typeof loadListenerEnv>;

export interface RunningListener {
  mllpPort: number;
  tlsPort: number | undefined;
  opsPort: number;
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
  topics: { raw: string; events: string; rejected: string };
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
  };
  const facilities = await openFacilitySource(config, logger);
  const { index } = facilities;
  const kafka = createKafka({ brokers: stack.kafka.brokers, clientId: "adt-listener" }, logger);
  await ensureTopics(
    kafka,
    HOMEWARD_TOPICS.filter((t) => ["adt.raw.v1", "adt.events.v1", "adt.rejected.v1"].includes(t.name)),
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
    topics,
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
        for (const r of frame.results) metrics.messages.inc(messageLabels(r));
      });
      return staged;
    },
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
    stop() {
      stopping ??= (async () => {
        await Promise.all(servers.map((s) => s.close()));
        await admin.disconnect();
        await pipeline.close();
        await ops.close();
      })();
      return stopping;
    },
  };
}
