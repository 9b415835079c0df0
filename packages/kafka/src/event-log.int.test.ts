import { randomBytes } from "node:crypto";
import { createLogger } from "@homeward/logger";
import { afterAll, beforeAll, describe, expect, inject, it, vi } from "vitest";
import { runConsumer } from "./consumer.ts";
import { createEventLog, type EventLog } from "./event-log.ts";
import { createKafka } from "./kafka-client.ts";
import { MAX_RECORD_BATCH_BYTES, MAX_RECORD_BYTES, RecordTooLargeError } from "./record-limits.ts";
import {
  createTopicsAndWait,
  ensureTopics,
  HOMEWARD_TOPICS,
  topicMaxMessageBytes,
  topicName,
} from "./topics.ts";

// The stack comes from the global setup (test/global-setup.ts); see batch-consumer.int.test.ts.
const stack = (inject as (key: string) => unknown)("stack") as {
  settings: { kafka: { brokers: string[] } };
  runId: string;
};
const id = `t${stack.runId}eventlog${randomBytes(3).toString("hex")}`;
const logger = createLogger({ service: "event-log-test", level: "fatal" });
const kafka = createKafka({ brokers: stack.settings.kafka.brokers, clientId: id }, logger);
const events = topicName(id, "adt.events.v1");
const raw = topicName(id, "adt.raw.v1");
/** A topic of our own that refuses batches over 16 KiB, so the broker itself refuses a record. */
const small = topicName(id, "small");
let log: EventLog;

beforeAll(async () => {
  await ensureTopics(kafka, HOMEWARD_TOPICS, { prefix: id });
  const admin = kafka.admin();
  await admin.connect();
  await createTopicsAndWait(admin, {
    topics: [
      { topic: small, numPartitions: 1, configEntries: [{ name: "max.message.bytes", value: "16384" }] },
    ],
  });
  await admin.disconnect();
  log = await createEventLog(kafka, { timeoutMs: 5_000 });
});
afterAll(async () => {
  await log?.close();
});

let reads = 0;
/** The values read back from `topic` by a new group (keys → values), once every key of `keys` has arrived. */
async function readBack(topic: string, keys: readonly string[]): Promise<Map<string, Buffer>> {
  const seen = new Map<string, Buffer>();
  const consumer = await runConsumer({
    kafka,
    groupId: `${id}.read${++reads}`,
    topics: [topic],
    logger,
    handle: async (r) => {
      if (r.key !== null && r.value !== null) seen.set(r.key, r.value);
    },
  });
  try {
    await vi.waitFor(
      () => {
        const missing = keys.filter((k) => !seen.has(k));
        if (missing.length > 0) throw new Error(`${missing.length} of ${keys.length} records missing`);
      },
      { timeout: 30_000, interval: 100 },
    );
  } finally {
    await consumer.stop();
  }
  return seen;
}

describe("EventLog and Homeward's topics", () => {
  it("creates every topic with max.message.bytes of MAX_RECORD_BATCH_BYTES", async () => {
    const limits = await topicMaxMessageBytes(
      kafka,
      HOMEWARD_TOPICS.map((t) => topicName(id, t.name)),
    );
    expect([...limits.values()]).toEqual(HOMEWARD_TOPICS.map(() => MAX_RECORD_BATCH_BYTES));
  });

  it("raises the limit of a topic made before it, keeping its other settings", async () => {
    const prefix = `${id}old`;
    const old = topicName(prefix, "adt.raw.v1");
    const admin = kafka.admin();
    await admin.connect();
    await createTopicsAndWait(admin, {
      topics: [
        {
          topic: old,
          numPartitions: 1,
          // As Kafka's own default made it (1 MiB), whatever this broker's default now is.
          configEntries: [
            { name: "retention.ms", value: "12345678" },
            { name: "max.message.bytes", value: "1048588" },
          ],
        },
      ],
    });
    const before = await topicMaxMessageBytes(kafka, [old]);
    expect(before.get(old)).toBeLessThan(MAX_RECORD_BATCH_BYTES);

    await ensureTopics(kafka, HOMEWARD_TOPICS.slice(0, 1), { prefix });

    expect((await topicMaxMessageBytes(kafka, [old])).get(old)).toBe(MAX_RECORD_BATCH_BYTES);
    const described = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [{ type: 2, name: old, configNames: ["retention.ms"] }],
    });
    await admin.disconnect();
    expect(described.resources[0]?.configEntries[0]?.configValue).toBe("12345678");
  });

  it("writes and reads back records of 1 MB and 6 MB (a 4 MiB message as base64 JSON), compressed", async () => {
    // Random bytes as base64: barely compressible, like an embedded PDF.
    const values = new Map([
      ["one-mb", randomBytes(750_000).toString("base64")],
      ["six-mb", randomBytes(4 * 1024 * 1024).toString("base64")],
    ]);
    for (const [key, value] of values) await log.publish([{ topic: raw, key, value }]);
    const read = await readBack(raw, [...values.keys()]);
    for (const [key, value] of values) expect(read.get(key)?.toString()).toBe(value);
  });

  it("refuses a record over MAX_RECORD_BYTES before sending anything, and goes on", async () => {
    const key = `huge-${randomBytes(3).toString("hex")}`;
    const huge = { topic: events, key, value: Buffer.alloc(MAX_RECORD_BYTES + 1) };
    await expect(log.publish([huge, { topic: events, key: "beside-huge", value: "x" }])).rejects.toThrow(
      RecordTooLargeError,
    );
    await log.publish([{ topic: events, key: "after-huge", value: "y" }]);
    const read = await readBack(events, ["after-huge"]);
    expect([...read.keys()]).toEqual(["after-huge"]);
  });

  it("keeps writing every partition after the broker refuses a record in the same request", async () => {
    // One request: a record the broker refuses (over `small`'s 16 KiB) and records for six
    // partitions of adt.events.v1 that it writes. kafkajs took back the sequence numbers of all of
    // them, and each later write to those partitions failed ("out of order sequence number").
    const keys = Array.from({ length: 24 }, (_, i) => `k${i}`);
    await expect(
      log.publish([
        { topic: small, key: "big", value: randomBytes(64 * 1024) },
        ...keys.map((key) => ({ topic: raw, key, value: "first" })),
      ]),
    ).rejects.toThrow(/larger than the max message size|too large/i);

    const started = performance.now();
    for (const round of ["second", "third"])
      await log.publish(keys.map((key) => ({ topic: raw, key: `${key}-${round}`, value: round })));
    expect(performance.now() - started).toBeLessThan(5_000);
    const read = await readBack(
      raw,
      keys.flatMap((k) => [`${k}-second`, `${k}-third`]),
    );
    for (const key of keys) expect(read.get(`${key}-third`)?.toString()).toBe("third");
  });
});
