import { randomBytes } from "node:crypto";
import { createLogger } from "@homeward/logger";
import { afterAll, beforeAll, describe, expect, inject, it, vi } from "vitest";
import { type ConsumedBatch, runBatchConsumer } from "./batch-consumer.ts";
import { createEventLog, type EventLog } from "./event-log.ts";
import { createKafka } from "./kafka-client.ts";
import { ensureTopics, HOMEWARD_TOPICS, topicName } from "./topics.ts";

// The stack comes from the global setup (test/global-setup.ts). Not through @homeward/testing's
// `isolation`: that package depends on this one, so importing it here would be a cycle.
const stack = (inject as (key: string) => unknown)("stack") as {
  settings: { kafka: { brokers: string[] } };
  runId: string;
};
const id = `t${stack.runId}batchconsumer${randomBytes(3).toString("hex")}`;
const groupId = (name: string) => `${id}.${name}`;
const logger = createLogger({ service: "batch-consumer-test", level: "fatal" });
const kafka = createKafka({ brokers: stack.settings.kafka.brokers, clientId: id }, logger);
const topic = topicName(id, "adt.events.v1");
let log: EventLog;

beforeAll(async () => {
  await ensureTopics(kafka, HOMEWARD_TOPICS, { prefix: id });
  log = await createEventLog(kafka);
});
afterAll(async () => {
  await log?.close();
});

const publish = (key: string, values: string[]) =>
  log.publish(values.map((value) => ({ topic, key, value, headers: { "x-test": "1" } })));

/** Consumes `topic` in `group` until `until` holds, then stops; returns the batches handed over. */
async function consume(
  group: string,
  until: (batches: ConsumedBatch[]) => boolean,
  handle: (batch: ConsumedBatch) => Promise<void> = async () => {},
): Promise<ConsumedBatch[]> {
  const batches: ConsumedBatch[] = [];
  const consumer = await runBatchConsumer({
    kafka,
    groupId: groupId(group),
    topics: [topic],
    partitionsConcurrently: 3,
    maxRecordsPerBatch: 4,
    logger,
    handle: async (batch) => {
      await handle(batch);
      batches.push(batch);
    },
  });
  try {
    await vi.waitFor(() => expect(until(batches)).toBe(true), { timeout: 25_000, interval: 50 });
  } finally {
    await consumer.stop();
  }
  return batches;
}

const values = (batches: ConsumedBatch[]) => batches.flatMap((b) => b.records.map((r) => String(r.value)));

describe("runBatchConsumer (real broker)", () => {
  it("hands over each partition's records in offset order, in batches of at most the maximum", async () => {
    await publish("patient-a", ["a0", "a1", "a2", "a3", "a4", "a5", "a6", "a7", "a8", "a9"]);
    await publish("patient-b", ["b0", "b1", "b2", "b3", "b4"]);
    const batches = await consume("order", (b) => values(b).length >= 15);
    expect(values(batches)).toHaveLength(15);
    expect(batches.every((b) => b.records.length >= 1 && b.records.length <= 4)).toBe(true);
    const a = ["a0", "a1", "a2", "a3", "a4", "a5", "a6", "a7", "a8", "a9"];
    expect(values(batches).filter((v) => v.startsWith("a"))).toEqual(a);
    expect(values(batches).filter((v) => v.startsWith("b"))).toEqual(["b0", "b1", "b2", "b3", "b4"]);
    for (const b of batches) {
      const offsets = b.records.map((r) => Number(r.offset));
      expect(offsets).toEqual(offsets.map((_, i) => (offsets[0] ?? 0) + i));
      expect(b.records.every((r) => r.partition === b.partition && r.topic === topic)).toBe(true);
    }
    const [first] = batches[0]?.records ?? [];
    expect(first?.headers).toEqual({ "x-test": "1" });
    expect(Number(first?.timestamp)).toBeGreaterThan(Date.now() - 60_000);
  });

  it("commits a batch only after its handler resolves: a failed batch comes again, a handled one does not", async () => {
    // The "order" test's 15 records are on the topic too; this group reads from the beginning.
    let failures = 0;
    await consume(
      "commit",
      () => failures > 0,
      async () => {
        failures++;
        throw new Error("handler down");
      },
    );
    const again = await consume("commit", (b) => values(b).length >= 15);
    expect(new Set(values(again)).size).toBe(15); // every record, those of the failed batches included

    await publish("patient-a", ["a10"]);
    const after = await consume("commit", (b) => values(b).includes("a10"));
    expect(values(after)).toEqual(["a10"]);
  }, 90_000);
});
