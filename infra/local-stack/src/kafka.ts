import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { createKafka, ensureTopics, HOMEWARD_TOPICS, MAX_RECORD_BATCH_BYTES } from "@homeward/kafka";
import type { Logger } from "@homeward/logger";
import { ensureJars } from "./jars.ts";
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

/** A single KRaft node acting as broker and controller, on loopback only. */
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

const LOG4J = `log4j.rootLogger=INFO, stdout
log4j.appender.stdout=org.apache.log4j.ConsoleAppender
log4j.appender.stdout.layout=org.apache.log4j.PatternLayout
log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.org.apache.kafka=WARN
log4j.logger.kafka.log=WARN
log4j.logger.state.change.logger=WARN
`;

const brokersOf = (node: KafkaNode) => [`${HOST}:${node.port}`];

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
    writeFileSync(join(conf, "log4j.properties"), LOG4J);
    const log4j = `-Dlog4j.configuration=file:${join(conf, "log4j.properties")}`;
    const classpath = `${jars}/*`;
    if (!existsSync(join(data, "meta.properties"))) {
      const idFile = join(conf, "cluster-id");
      if (!existsSync(idFile)) writeFileSync(idFile, randomBytes(16).toString("base64url"));
      const clusterId = readFileSync(idFile, "utf8").trim();
      await promisify(execFile)("java", [
        log4j,
        "-cp",
        classpath,
        "kafka.tools.StorageTool",
        "format",
        "-t",
        clusterId,
        "-c",
        join(conf, "server.properties"),
        "--ignore-formatted",
      ]);
    }
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
