import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import type { KafkaSaslSettings, KafkaTlsSettings } from "@homeward/config";
import { createKafka } from "@homeward/kafka";
import type { Logger } from "@homeward/logger";
import { ensureJars } from "./jars.ts";
import { newKafkaClusterId } from "./kafka-cluster-id.ts";
import { HOST } from "./paths.ts";
import { runningPid, spawnDetached, stopProcess } from "./processes.ts";
import { waitUntil } from "./wait.ts";

/** A user the broker knows, by SCRAM (both hashes) and by PLAIN. */
export interface KafkaTestUser {
  name: string;
  password: string;
}

/**
 * A throwaway KRaft node with the listeners a managed Kafka has: SASL_SSL (PLAIN, SCRAM-SHA-256,
 * SCRAM-SHA-512) and SSL with client certificates required (as Aiven's default). Its PEM files
 * (`ssl.keystore.type=PEM`) and data live in `dir`, which the caller made and deletes.
 */
export interface KafkaSecureNode {
  /** Process name: `.stack/run/<name>.pid`, `.stack/logs/<name>.log`. */
  name: string;
  saslSslPort: number;
  sslPort: number;
  controllerPort: number;
  dir: string;
  /** The broker's certificate chain and key in one PEM file (key first), and the CA clients trust. */
  keystorePem: string;
  caPem: string;
  users: readonly KafkaTestUser[];
}

/** The JAAS value of a setting: Java string literal quoting. */
const jaasString = (s: string) => `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;

function serverProperties(node: KafkaSecureNode, data: string, interBroker: KafkaTestUser): string {
  const plainUsers = [interBroker, ...node.users]
    .map((u) => `user_${u.name}=${jaasString(u.password)}`)
    .join(" ");
  return `${[
    "process.roles=broker,controller",
    "node.id=1",
    `controller.quorum.voters=1@${HOST}:${node.controllerPort}`,
    `listeners=SASL_SSL://${HOST}:${node.saslSslPort},SSL://${HOST}:${node.sslPort},CONTROLLER://${HOST}:${node.controllerPort}`,
    `advertised.listeners=SASL_SSL://${HOST}:${node.saslSslPort},SSL://${HOST}:${node.sslPort}`,
    "controller.listener.names=CONTROLLER",
    "listener.security.protocol.map=SASL_SSL:SASL_SSL,SSL:SSL,CONTROLLER:PLAINTEXT",
    "inter.broker.listener.name=SASL_SSL",
    "sasl.mechanism.inter.broker.protocol=PLAIN",
    "sasl.enabled.mechanisms=PLAIN,SCRAM-SHA-256,SCRAM-SHA-512",
    `listener.name.sasl_ssl.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username=${jaasString(interBroker.name)} password=${jaasString(interBroker.password)} ${plainUsers};`,
    "listener.name.sasl_ssl.scram-sha-256.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;",
    "listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;",
    "listener.name.ssl.ssl.client.auth=required",
    "ssl.keystore.type=PEM",
    `ssl.keystore.location=${node.keystorePem}`,
    "ssl.truststore.type=PEM",
    `ssl.truststore.location=${node.caPem}`,
    `log.dirs=${data}`,
    "offsets.topic.replication.factor=1",
    "offsets.topic.num.partitions=1",
    "transaction.state.log.replication.factor=1",
    "transaction.state.log.min.isr=1",
    "group.initial.rebalance.delay.ms=0",
  ].join("\n")}\n`;
}

const LOG4J2 = `status = warn
appender.stdout.type = Console
appender.stdout.name = STDOUT
appender.stdout.layout.type = PatternLayout
appender.stdout.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = warn
rootLogger.appenderRef.stdout.ref = STDOUT
`;

/** What a client of the node's SASL_SSL listener needs besides its own user. */
export interface KafkaSecureClient {
  saslSslBrokers: string[];
  sslBrokers: string[];
}

/**
 * Formats the node's storage with its SCRAM users (the broker's own `kafka-storage format
 * --add-scram`, so the credentials are made by Kafka, not by us) and starts it, from the same
 * cached jars as the stack's broker; returns once a SCRAM-SHA-512 client is served over TLS.
 * A node left running by an interrupted run of the same name is stopped first.
 */
export async function startKafkaSecureNode(
  node: KafkaSecureNode,
  logger: Logger,
): Promise<KafkaSecureClient> {
  await stopProcess(node.name);
  const jars = await ensureJars("kafka", (m) => logger.info(m));
  const data = join(node.dir, "data");
  mkdirSync(data, { recursive: true });
  const interBroker = { name: "broker", password: randomBytes(12).toString("hex") };
  const config = join(node.dir, "server.properties");
  writeFileSync(config, serverProperties(node, data, interBroker));
  writeFileSync(join(node.dir, "log4j2.properties"), LOG4J2);
  // A test broker lives for seconds and carries little: C1 only and the serial collector start
  // the JVM about twice as fast (kafka-storage format: 4.3 s -> 2.2 s on 2 cores).
  const java = [
    "-XX:TieredStopAtLevel=1",
    "-XX:+UseSerialGC",
    `-Dlog4j2.configurationFile=${join(node.dir, "log4j2.properties")}`,
    "-cp",
    `${jars}/*`,
  ];
  const scram = node.users.flatMap((u) =>
    ["SCRAM-SHA-256", "SCRAM-SHA-512"].flatMap((m) => [
      "--add-scram",
      `${m}=[name=${u.name},password=${u.password}]`,
    ]),
  );
  await promisify(execFile)("java", [
    ...java,
    "kafka.tools.StorageTool",
    "format",
    "-t",
    newKafkaClusterId(),
    "-c",
    config,
    ...scram,
  ]);
  spawnDetached(node.name, "java", [
    "-Xms128m",
    "-Xmx512m",
    "-Djava.awt.headless=true",
    ...java,
    "kafka.Kafka",
    config,
  ]);

  const client: KafkaSecureClient = {
    saslSslBrokers: [`${HOST}:${node.saslSslPort}`],
    sslBrokers: [`${HOST}:${node.sslPort}`],
  };
  const [user] = node.users;
  if (user === undefined) throw new Error("a secure Kafka node needs at least one user");
  const ssl: KafkaTlsSettings = { ca: readFileSync(node.caPem, "utf8"), rejectUnauthorized: true };
  const sasl: KafkaSaslSettings = {
    mechanism: "scram-sha-512",
    username: user.name,
    password: user.password,
  };
  const quiet = logger.child({}, { level: "fatal" });
  const ready = waitUntil(
    `Kafka (${node.name})`,
    async () => {
      const admin = createKafka(
        { brokers: client.saslSslBrokers, clientId: "homeward-stack", retries: 0, ssl, sasl },
        quiet,
      ).admin();
      await admin.connect();
      try {
        await admin.describeCluster();
      } finally {
        await admin.disconnect();
      }
    },
    90_000,
  );
  // A broker that refuses its configuration exits at once; say so instead of waiting 90 s.
  let watch: NodeJS.Timeout | undefined;
  const exited = new Promise<never>((_, reject) => {
    watch = setInterval(() => {
      if (runningPid(node.name) === undefined)
        reject(new Error(`Kafka (${node.name}) exited while starting; see .stack/logs/${node.name}.log`));
    }, 500);
  });
  try {
    await Promise.race([ready, exited]);
  } finally {
    clearInterval(watch);
  }
  return client;
}

/** Stops the node (SIGTERM, then SIGKILL after a few seconds: its data is thrown away anyway). */
export const stopKafkaSecureNode = (node: Pick<KafkaSecureNode, "name">) => stopProcess(node.name, 5_000);
