import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseEnv, StackEnv, stackSettingsFromEnv } from "@homeward/config";
import { ADT_A04_ED } from "@homeward/hl7/fixtures";
import {
  createEventLog,
  createKafka,
  createTopicsAndWait,
  ensureTopics,
  HOMEWARD_TOPICS,
  type Kafka,
  runConsumer,
} from "@homeward/kafka";
import {
  type KafkaSecureClient,
  type KafkaSecureNode,
  startKafkaSecureNode,
  stopKafkaSecureNode,
} from "@homeward/local-stack";
import { createLogger } from "@homeward/logger";
import { isolation, serviceEnv } from "@homeward/testing";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { makeTestPki, type TestPki } from "../../infra/local-stack/src/test-pki.test-support.ts";
import { startAdtListener } from "../../services/adt-listener/src/app.ts";
import { loadListenerEnv } from "../../services/adt-listener/src/env.ts";
import { sendWithHl7Client } from "../../services/adt-listener/src/harness.test-support.ts";

const FACILITIES = new URL("../../services/adt-listener/config/facilities.example.json", import.meta.url)
  .pathname;

/**
 * Homeward's Kafka settings against a real broker with the listeners a managed Kafka has: a
 * SASL_SSL listener (SCRAM users made by Kafka's own storage tool, PLAIN) and an SSL listener that
 * requires client certificates, behind a CA this test makes. One broker for the file, its own
 * ports and directory, from the stack's Kafka jars (infra/local-stack); the stack's broker is not
 * touched. Last, a service started with these settings takes a message through that broker.
 */
const dir = mkdtempSync(join(tmpdir(), "homeward-kafka-secure-"));
const USER = { name: "homeward", password: "synthetic-Scram-pw-7f3a" };
const WRONG_PASSWORD = "not-the-password-9c1e";
let pki: TestPki;
let node: KafkaSecureNode;
let broker: KafkaSecureClient;

/** Everything the clients log (kafkajs through our logger), to check that no secret is in it. */
const logged: string[] = [];
const logger = createLogger({
  service: "kafka-secure-test",
  level: "warn",
  destination: { write: (line: string) => logged.push(line) },
});

beforeAll(async () => {
  pki = makeTestPki(dir);
  node = {
    name: "kafka-secure",
    saslSslPort: 19292,
    controllerPort: 19293,
    sslPort: 19294,
    dir,
    keystorePem: pki.brokerKeystorePem,
    caPem: pki.caPem,
    users: [USER],
  };
  broker = await startKafkaSecureNode(node, logger);
}, 120_000);
afterAll(async () => {
  await stopKafkaSecureNode({ name: "kafka-secure" });
  rmSync(dir, { recursive: true, force: true });
});

/**
 * A client built as a service builds it: its environment parsed by StackEnv, then createKafka.
 * No retries unless asked (a failure should be the first one, at once); producers need them.
 */
function kafkaFromEnv(env: Record<string, string>, retries = 0): Kafka {
  const settings = stackSettingsFromEnv(parseEnv(StackEnv, env)).kafka;
  return createKafka({ ...settings, clientId: "kafka-secure-test", retries }, logger);
}

const scramEnv = (mechanism: string, password = USER.password) => ({
  KAFKA_BROKERS: broker.saslSslBrokers.join(","),
  KAFKA_SSL: "true",
  KAFKA_SSL_CA_FILE: pki.caPem,
  KAFKA_SASL_MECHANISM: mechanism,
  KAFKA_SASL_USERNAME: USER.name,
  KAFKA_SASL_PASSWORD: password,
});

/** Connects an admin client and asks the cluster who it is: the failure, if any, is the connection's. */
async function describeCluster(kafka: Kafka): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return (await admin.describeCluster()).brokers.length;
  } finally {
    await admin.disconnect();
  }
}

describe("Kafka over TLS with SASL (a broker of its own)", () => {
  it("produces and consumes with SCRAM-SHA-512 over SASL_SSL, trusting the test CA", async () => {
    const kafka = kafkaFromEnv(scramEnv("scram-sha-512"), 3);
    const topic = "secure.records";
    const admin = kafka.admin();
    await admin.connect();
    await createTopicsAndWait(admin, { topics: [{ topic, numPartitions: 1 }] });
    await admin.disconnect();
    const log = await createEventLog(kafka);
    const seen: string[] = [];
    const consumer = await runConsumer({
      kafka,
      groupId: "secure-test",
      topics: [topic],
      fromBeginning: true,
      logger,
      handle: async (record) => {
        seen.push(String(record.value));
      },
    });
    try {
      await log.publish([{ topic, key: "facility|patient", value: "hello over SASL_SSL" }]);
      await vi.waitFor(() => expect(seen).toEqual(["hello over SASL_SSL"]), { timeout: 20_000 });
    } finally {
      await consumer.stop();
      await log.close();
    }
  });

  it("creates Homeward's topics as a service does at start, one copy each on a one-broker cluster", async () => {
    const kafka = kafkaFromEnv(scramEnv("scram-sha-512"));
    const created = await ensureTopics(kafka, HOMEWARD_TOPICS, { prefix: "svc" });
    expect(created).toContain("svc.adt.events.v1");
    expect(await ensureTopics(kafka, HOMEWARD_TOPICS, { prefix: "svc" })).toEqual([]);
    const admin = kafka.admin();
    await admin.connect();
    try {
      const { topics } = await admin.fetchTopicMetadata({ topics: ["svc.adt.events.v1"] });
      expect(topics[0]?.partitions.map((p) => p.replicas.length)).toEqual([1, 1, 1, 1, 1, 1]);
    } finally {
      await admin.disconnect();
    }
  });

  it("authenticates with SCRAM-SHA-256 and PLAIN, from a password file too", async () => {
    const passwordFile = join(dir, "kafka-password");
    writeFileSync(passwordFile, `${USER.password}\n`);
    const { KAFKA_SASL_PASSWORD: _, ...fromFile } = scramEnv("scram-sha-256");
    expect(await describeCluster(kafkaFromEnv({ ...fromFile, KAFKA_SASL_PASSWORD_FILE: passwordFile }))).toBe(
      1,
    );
    expect(await describeCluster(kafkaFromEnv(scramEnv("plain")))).toBe(1);
  });

  it("verifies the broker's name: KAFKA_SSL_SERVERNAME on the certificate works, another fails", async () => {
    const named = { ...scramEnv("scram-sha-512"), KAFKA_SSL_SERVERNAME: "kafka.homeward.test" };
    expect(await describeCluster(kafkaFromEnv(named))).toBe(1);
    const elsewhere = { ...named, KAFKA_SSL_SERVERNAME: "kafka.elsewhere.test" };
    await expect(describeCluster(kafkaFromEnv(elsewhere))).rejects.toThrow(
      /does not match certificate's altnames/,
    );
  });

  it("fails with a clear error on a wrong password, and logs no password", async () => {
    await expect(describeCluster(kafkaFromEnv(scramEnv("scram-sha-512", WRONG_PASSWORD)))).rejects.toThrow(
      /SASL SCRAM SHA512 authentication failed.*invalid credentials/,
    );
    await expect(describeCluster(kafkaFromEnv(scramEnv("plain", WRONG_PASSWORD)))).rejects.toThrow(
      /SASL PLAIN authentication failed.*[Ii]nvalid username or password/,
    );
    expect(logged.length).toBeGreaterThan(0); // kafkajs did log the failures
    for (const line of logged) {
      expect(line).not.toContain(WRONG_PASSWORD);
      expect(line).not.toContain(USER.password);
    }
  });

  it("refuses a broker whose certificate the configured CA did not sign", async () => {
    const untrusted = { ...scramEnv("scram-sha-512"), KAFKA_SSL_CA_FILE: pki.otherCaPem };
    await expect(describeCluster(kafkaFromEnv(untrusted))).rejects.toThrow(
      /unable to verify the first certificate/,
    );
    // The platform's public CAs (no KAFKA_SSL_CA_FILE) do not know the test CA either.
    const { KAFKA_SSL_CA_FILE: _, ...publicCas } = scramEnv("scram-sha-512");
    await expect(describeCluster(kafkaFromEnv(publicCas))).rejects.toThrow(/certificate/);
  });

  it("authenticates by client certificate on an SSL listener that requires one (as Aiven's)", async () => {
    const env = {
      KAFKA_BROKERS: broker.sslBrokers.join(","),
      KAFKA_SSL: "true",
      KAFKA_SSL_CA_FILE: pki.caPem,
    };
    await expect(describeCluster(kafkaFromEnv(env))).rejects.toThrow();
    const withCert = { ...env, KAFKA_SSL_CERT_FILE: pki.clientCertPem, KAFKA_SSL_KEY_FILE: pki.clientKeyPem };
    expect(await describeCluster(kafkaFromEnv(withCert))).toBe(1);
  });

  it("a service started with these settings writes through them: the adt-listener accepts an ED arrival", async () => {
    const iso = isolation("kafka-tls");
    const listener = await startAdtListener(
      loadListenerEnv({
        ...serviceEnv(iso),
        ...scramEnv("scram-sha-512"),
        KAFKA_TOPIC_PREFIX: iso.topicPrefix,
        FACILITY_SOURCE: "file",
        FACILITY_MAPPINGS_FILE: FACILITIES,
        MLLP_HOST: "127.0.0.1",
        MLLP_PORT: "0",
      }),
      logger,
    );
    try {
      const acks = await sendWithHl7Client(listener.mllpPort, [ADT_A04_ED]);
      expect(acks[0]).toMatch(/MSA\|CA\|/); // the fixture asks for an accept ACK (MSH-15)
      // The event is on the secure broker's adt.events.v1, not on the stack's.
      const admin = kafkaFromEnv(scramEnv("scram-sha-512")).admin();
      await admin.connect();
      try {
        const offsets = await admin.fetchTopicOffsets(`${iso.topicPrefix}.adt.events.v1`);
        expect(offsets.reduce((n, p) => n + Number(p.high), 0)).toBe(1);
      } finally {
        await admin.disconnect();
      }
    } finally {
      await listener.stop();
    }
  });
});
