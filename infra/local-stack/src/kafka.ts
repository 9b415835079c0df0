import { execFile } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { createKafka, ensureTopics, HOMEWARD_TOPICS, MAX_RECORD_BATCH_BYTES } from "@homeward/kafka";
import type { Logger } from "@homeward/logger";
import { ensureJars, pinnedVersion } from "./jars.ts";
import { isUsableClusterId, newKafkaClusterId } from "./kafka-cluster-id.ts";
import { HOST, PORTS, stackPath } from "./paths.ts";
import { runningPid, spawnDetached, stopProcess } from "./processes.ts";
import { answers, waitUntil } from "./wait.ts";

/** One KRaft node: its process name (pid/log/conf/data file names) and its two ports. */
export interface KafkaNode {
  name: string;
  port: number;
  controllerPort: number;
}

export const STACK_KAFKA: KafkaNode = {
  name: "kafka",
  port: PORTS.kafka,
  controllerPort: PORTS.kafkaController,
};

/**
 * A single KRaft node acting as broker and controller, on loopback only. Every line is a setting
 * Kafka 4 knows and applies (kafka-limits.int.test.ts checks them against the broker).
 */
function serverProperties(node: KafkaNode, dataDir: string): string {
  return `${[
    "process.roles=broker,controller",
    "node.id=1",
    `controller.quorum.voters=1@${HOST}:${node.controllerPort}`,
    `listeners=PLAINTEXT://${HOST}:${node.port},CONTROLLER://${HOST}:${node.controllerPort}`,
    `advertised.listeners=PLAINTEXT://${HOST}:${node.port}`,
    "controller.listener.names=CONTROLLER",
    "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
    "inter.broker.listener.name=PLAINTEXT",
    `log.dirs=${dataDir}`,
    // Topics come from HOMEWARD_TOPICS with explicit partitions and configs, never auto-create.
    "auto.create.topics.enable=false",
    "offsets.topic.replication.factor=1",
    "offsets.topic.num.partitions=10",
    "transaction.state.log.replication.factor=1",
    "transaction.state.log.min.isr=1",
    "min.insync.replicas=1",
    "group.initial.rebalance.delay.ms=0",
    "log.retention.check.interval.ms=60000",
    // Homeward's topics set max.message.bytes themselves; the broker's default and its replication
    // fetches match, so a topic made by hand (or by a tool) takes the listener's largest message too.
    `message.max.bytes=${MAX_RECORD_BATCH_BYTES}`,
    `replica.fetch.max.bytes=${MAX_RECORD_BATCH_BYTES}`,
  ].join("\n")}\n`;
}

/**
 * Kafka 4 logs through log4j2 (kafka.Kafka → slf4j → log4j-slf4j-impl): the broker's own logs at
 * WARN, startup and shutdown lines from the rest at INFO, as the log4j 1 properties of 3.x did.
 */
const LOG4J2 = `status = warn
# Kafka's own shutdown hook logs as it closes; log4j2's would stop logging first.
shutdownHook = disable
appender.stdout.type = Console
appender.stdout.name = STDOUT
appender.stdout.layout.type = PatternLayout
appender.stdout.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = info
rootLogger.appenderRef.stdout.ref = STDOUT
logger.kafka.name = org.apache.kafka
logger.kafka.level = warn
logger.log.name = kafka.log
logger.log.level = warn
logger.stateChange.name = state.change.logger
logger.stateChange.level = warn
`;

const brokersOf = (node: KafkaNode) => [`${HOST}:${node.port}`];

/**
 * Formats a node's storage on first use, and says so when a different Kafka version last ran its
 * data. Kafka 4 takes over a KRaft directory that 3.x formatted as a rolling upgrade does: it reads
 * any metadata.version from 3.3-IV3 on (Homeward's stack formatted 3.9-IV0) and keeps it until an
 * operator raises it, so topics, records and group offsets carry over and nothing is formatted anew.
 * The version is recorded beside the config (`kafka-version`), which tells a 3.9.1 directory (none
 * recorded) from one this version formatted.
 */
async function prepareStorage(
  node: KafkaNode,
  paths: { conf: string; data: string; log4j: string; classpath: string },
  logger: Logger,
): Promise<void> {
  const version = pinnedVersion("kafka");
  const versionFile = join(paths.conf, "kafka-version");
  if (existsSync(join(paths.data, "meta.properties"))) {
    const last = existsSync(versionFile) ? readFileSync(versionFile, "utf8").trim() : "3.9.1 or earlier";
    if (last !== version) {
      logger.warn(
        `${node.name}: data in ${paths.data} was last run by Kafka ${last}; Kafka ${version} takes it over ` +
          "as it is (its metadata.version stays the one it was formatted with). Delete that directory " +
          "to start empty at the new version.",
      );
    }
  } else {
    const idFile = join(paths.conf, "cluster-id");
    if (!existsSync(idFile) || !isUsableClusterId(readFileSync(idFile, "utf8").trim())) {
      writeFileSync(idFile, newKafkaClusterId());
    }
    const clusterId = readFileSync(idFile, "utf8").trim();
    // A static single-voter quorum (controller.quorum.voters), so -t and no --standalone: a
    // directory formatted this way by 3.x stays valid, and the node needs no dynamic-quorum setup.
    await promisify(execFile)("java", [
      paths.log4j,
      "-cp",
      paths.classpath,
      "kafka.tools.StorageTool",
      "format",
      "-t",
      clusterId,
      "-c",
      join(paths.conf, "server.properties"),
      "--ignore-formatted",
    ]);
  }
  writeFileSync(versionFile, version);
}

async function brokerAnswers(node: KafkaNode, logger: Logger): Promise<void> {
  const admin = createKafka(
    { brokers: brokersOf(node), clientId: "homeward-stack", retries: 0 },
    logger,
  ).admin();
  await admin.connect();
  try {
    await admin.describeCluster();
  } finally {
    await admin.disconnect();
  }
}

/**
 * Starts a Kafka node from the cached jars unless it already answers; formats its storage on first
 * use. Data persists in `.stack/data/<name>` across stops, as a real broker's does.
 */
export async function startKafkaNode(
  node: KafkaNode,
  logger: Logger,
): Promise<{ brokers: string[]; started: boolean }> {
  const quiet = logger.child({}, { level: "fatal" });
  if (await answers(() => brokerAnswers(node, quiet))) return { brokers: brokersOf(node), started: false };
  let started = false;
  if (runningPid(node.name) !== undefined) {
    logger.info(`${node.name} process is up but not answering yet; waiting`);
  } else {
    const jars = await ensureJars("kafka", (m) => logger.info(m));
    const conf = stackPath("conf", node.name);
    const data = stackPath("data", node.name);
    mkdirSync(conf, { recursive: true });
    mkdirSync(data, { recursive: true });
    writeFileSync(join(conf, "server.properties"), serverProperties(node, data));
    rmSync(join(conf, "log4j.properties"), { force: true }); // Kafka 3.x's, read by nothing now
    writeFileSync(join(conf, "log4j2.properties"), LOG4J2);
    const log4j = `-Dlog4j2.configurationFile=${join(conf, "log4j2.properties")}`;
    const classpath = `${jars}/*`;
    await prepareStorage(node, { conf, data, log4j, classpath }, logger);
    spawnDetached(node.name, "java", [
      "-Xms256m",
      "-Xmx1g",
      "-XX:+UseG1GC",
      "-Djava.awt.headless=true",
      log4j,
      "-cp",
      classpath,
      "kafka.Kafka",
      join(conf, "server.properties"),
    ]);
    started = true;
  }
  await waitUntil(`Kafka (${node.name})`, () => brokerAnswers(node, quiet), 90_000);
  return { brokers: brokersOf(node), started };
}

/** Stops a node this stack started (SIGTERM: Kafka shuts down cleanly and keeps its data). */
export const stopKafkaNode = (node: KafkaNode) => stopProcess(node.name);

/**
 * Stops a node and deletes its data, so that it next starts empty: for a test's own broker. (A
 * broker restarted many times over the offsets of every earlier run's consumer groups can take
 * longer to serve a new group again than such a test waits.)
 */
export async function resetKafkaNode(node: KafkaNode): Promise<void> {
  await stopKafkaNode(node);
  rmSync(stackPath("data", node.name), { recursive: true, force: true });
}

/** The stack's broker, with Homeward's topics. */
export async function startKafka(logger: Logger): Promise<{ brokers: string[]; started: boolean }> {
  const result = await startKafkaNode(STACK_KAFKA, logger);
  const kafka = createKafka(
    { brokers: result.brokers, clientId: "homeward-stack" },
    logger.child({}, { level: "fatal" }),
  );
  await ensureTopics(kafka, HOMEWARD_TOPICS);
  return result;
}
