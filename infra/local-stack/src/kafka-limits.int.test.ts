import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  createEventLog,
  createKafka,
  createTopicsAndWait,
  MAX_RECORD_BATCH_BYTES,
  runConsumer,
} from "@homeward/kafka";
import { createLogger } from "@homeward/logger";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type KafkaNode, resetKafkaNode, startKafkaNode } from "./kafka.ts";
import { stackPath } from "./paths.ts";

/**
 * A broker of its own, started from the same server config and the same Kafka version
 * (infra/jvm/pom.xml) as the stack's: the shared broker picks up a changed config or version only
 * when it next starts, and other tests are using it.
 */
const NODE: KafkaNode = { name: "kafka-limits", port: 19192, controllerPort: 19193 };
const logger = createLogger({ service: "kafka-limits-test", level: "warn" });
let brokers: string[] = [];

beforeAll(async () => {
  await resetKafkaNode(NODE);
  ({ brokers } = await startKafkaNode(NODE, logger));
}, 120_000);
afterAll(async () => {
  await resetKafkaNode(NODE);
});

describe("the local stack's broker", () => {
  it("knows every setting the stack writes into server.properties, and applies it", async () => {
    // A setting the broker does not know (Kafka 4 dropped the ZooKeeper-era and some deprecated
    // ones) is only a warning in its log; here it fails.
    const written = readFileSync(join(stackPath("conf", NODE.name), "server.properties"), "utf8")
      .split("\n")
      .filter((line) => line.includes("="))
      .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)] as const);
    const admin = createKafka({ brokers, clientId: "kafka-limits-test" }, logger).admin();
    await admin.connect();
    const described = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [{ type: 4, name: "1" }],
    });
    await admin.disconnect();
    const known = new Map(
      (described.resources[0]?.configEntries ?? []).map((e) => [e.configName, e.configValue]),
    );
    expect(written.length).toBeGreaterThan(10);
    expect(Object.fromEntries(written.map(([name]) => [name, known.get(name)]))).toEqual(
      Object.fromEntries(written),
    );
  });

  it("takes and serves batches up to MAX_RECORD_BATCH_BYTES on a topic with no limit of its own", async () => {
    const kafka = createKafka({ brokers, clientId: "kafka-limits-test" }, logger);
    const admin = kafka.admin();
    await admin.connect();
    const described = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [{ type: 4, name: "1", configNames: ["message.max.bytes", "replica.fetch.max.bytes"] }],
    });
    const values = Object.fromEntries(
      (described.resources[0]?.configEntries ?? []).map((e) => [e.configName, Number(e.configValue)]),
    );
    expect(values).toEqual({
      "message.max.bytes": MAX_RECORD_BATCH_BYTES,
      "replica.fetch.max.bytes": MAX_RECORD_BATCH_BYTES,
    });
    // Made as a tool would make it: no max.message.bytes, so the broker's default applies.
    await createTopicsAndWait(admin, { topics: [{ topic: "by-hand", numPartitions: 1 }] });
    await admin.disconnect();

    const value = randomBytes(4 * 1024 * 1024).toString("base64"); // 5.6 MB, as a 4 MiB message's raw record
    const log = await createEventLog(kafka);
    await log.publish([{ topic: "by-hand", key: "big", value }]);
    await log.close();
    let read: string | undefined;
    const consumer = await runConsumer({
      kafka,
      groupId: "kafka-limits-test",
      topics: ["by-hand"],
      logger,
      handle: async (r) => {
        read = r.value?.toString();
      },
    });
    await vi.waitFor(() => expect(read).toBeDefined(), { timeout: 30_000, interval: 100 });
    await consumer.stop();
    expect(read === value).toBe(true);
  });
});
