import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { createKafka, ensureTopics, HOMEWARD_TOPICS } from "@homeward/kafka";
import type { Logger } from "@homeward/logger";
import { ensureJars } from "./jars.ts";
import { HOST, PORTS, stackPath } from "./paths.ts";
import { runningPid, spawnDetached } from "./processes.ts";
import { answers, waitUntil } from "./wait.ts";

const BROKERS = [`${HOST}:${PORTS.kafka}`];

/** A single KRaft node acting as broker and controller, on loopback only. */
function serverProperties(dataDir: string): string {
  return `${[
    "process.roles=broker,controller",
    "node.id=1",
    `controller.quorum.voters=1@${HOST}:${PORTS.kafkaController}`,
    `listeners=PLAINTEXT://${HOST}:${PORTS.kafka},CONTROLLER://${HOST}:${PORTS.kafkaController}`,
    `advertised.listeners=PLAINTEXT://${HOST}:${PORTS.kafka}`,
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

async function brokerAnswers(logger: Logger): Promise<void> {
  const admin = createKafka(
    { brokers: BROKERS, clientId: "homeward-stack", retries: 0 },
    logger.child({ quiet: true }),
  ).admin();
  await admin.connect();
  try {
    await admin.describeCluster();
  } finally {
    await admin.disconnect();
  }
}

/** Starts Kafka from the cached jars unless a broker already answers; then creates Homeward's topics. */
export async function startKafka(logger: Logger): Promise<{ brokers: string[]; started: boolean }> {
  const quiet = logger.child({}, { level: "fatal" });
  let started = false;
  if (!(await answers(() => brokerAnswers(quiet)))) {
    if (runningPid("kafka") !== undefined) {
      logger.info("kafka process is up but not answering yet; waiting");
    } else {
      const jars = await ensureJars("kafka", (m) => logger.info(m));
      const conf = stackPath("conf", "kafka");
      const data = stackPath("data", "kafka");
      mkdirSync(conf, { recursive: true });
      mkdirSync(data, { recursive: true });
      writeFileSync(join(conf, "server.properties"), serverProperties(data));
      writeFileSync(join(conf, "log4j.properties"), LOG4J);
      const classpath = `${jars}/*`;
      if (!existsSync(join(data, "meta.properties"))) {
        const idFile = join(conf, "cluster-id");
        if (!existsSync(idFile)) writeFileSync(idFile, randomBytes(16).toString("base64url"));
        await promisify(execFile)("java", [
          `-Dlog4j.configuration=file:${join(conf, "log4j.properties")}`,
          "-cp",
          classpath,
          "kafka.tools.StorageTool",
          "format",
          "-t",
          readFileSync(idFile, "utf8").trim(),
          "-c",
          join(conf, "server.properties"),
          "--ignore-formatted",
        ]);
      }
      spawnDetached("kafka", "java", [
        "-Xms256m",
        "-Xmx1g",
        "-XX:+UseG1GC",
        "-Djava.awt.headless=true",
        `-Dlog4j.configuration=file:${join(conf, "log4j.properties")}`,
        "-cp",
        classpath,
        "kafka.Kafka",
        join(conf, "server.properties"),
      ]);
      started = true;
    }
    await waitUntil("Kafka", () => brokerAnswers(quiet), 90_000);
  }
  const kafka = createKafka({ brokers: BROKERS, clientId: "homeward-stack" }, quiet);
  await ensureTopics(kafka, HOMEWARD_TOPICS);
  return { brokers: BROKERS, started };
}
