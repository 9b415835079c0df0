import { randomBytes } from "node:crypto";
import { createLogger } from "@homeward/logger";
import { afterAll, beforeAll, describe, expect, inject, it, vi } from "vitest";
import { type ConsumedBatch, runBatchConsumer } from "./batch-consumer.ts";
import { createEventLog, type EventLog } from "./event-log.ts";
import { createKafka } from "./kafka-client.ts";
import { createTopicsAndWait, ensureTopics, HOMEWARD_TOPICS, topicName } from "./topics.ts";

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

/** A one-partition topic of its own, with `count` records on it: offsets 0 … count-1. */
async function onePartitionTopic(name: string, count: number): Promise<string> {
  const topic = `${id}.${name}`;
  const admin = kafka.admin();
  await admin.connect();
  await createTopicsAndWait(admin, { topics: [{ topic, numPartitions: 1 }] });
  await admin.disconnect();
  await log.publish(Array.from({ length: count }, (_, i) => ({ topic, key: "k", value: `r${i}` })));
  return topic;
}

/** The offset `group` has committed on partition 0 of `topic` (-1: none yet). */
async function committed(group: string, topic: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [offsets] = await admin.fetchOffsets({ groupId: groupId(group), topics: [topic] });
    return Number(offsets?.partitions[0]?.offset ?? -1);
  } finally {
    await admin.disconnect();
  }
}

/** A promise and the function that settles it. */
function gate(): { opened: Promise<void>; open: () => void } {
  let open: () => void = () => undefined;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}

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

  it("never commits past a batch whose handler has not resolved, even committing as often as it can", async () => {
    const topic = await onePartitionTopic("durable", 10);
    const second = gate();
    const secondStarted = gate();
    const handled: string[][] = [];
    const consumer = await runBatchConsumer({
      kafka,
      groupId: groupId("durable"),
      topics: [topic],
      maxRecordsPerBatch: 4,
      commitIntervalMs: 0, // a commit after every batch: the strictest test of what is committed
      logger,
      handle: async ({ records }) => {
        if (handled.length === 1) {
          secondStarted.open();
          await second.opened; // the batch's effects are not durable yet
        }
        handled.push(records.map((r) => String(r.value)));
      },
    });
    try {
      await secondStarted.opened;
      await vi.waitFor(async () => expect(await committed("durable", topic)).toBe(4), { timeout: 10_000 });
      await new Promise((r) => setTimeout(r, 500)); // time for a wrong commit (or an idle one) to land
      expect(await committed("durable", topic)).toBe(4); // r0…r3 done; r4…r7 in hand
      second.open();
      await vi.waitFor(async () => expect(await committed("durable", topic)).toBe(10), { timeout: 10_000 });
    } finally {
      second.open();
      await consumer.stop();
    }
    expect(handled).toEqual([
      ["r0", "r1", "r2", "r3"],
      ["r4", "r5", "r6", "r7"],
      ["r8", "r9"],
    ]);
  }, 30_000);

  it("commits on stop the batch that was in hand when stop was called", async () => {
    const topic = await onePartitionTopic("stop", 6);
    const inHand = gate();
    const release = gate();
    const consumer = await runBatchConsumer({
      kafka,
      groupId: groupId("stop"),
      topics: [topic],
      maxRecordsPerBatch: 3,
      commitIntervalMs: 600_000, // never on the interval: only the stop (or a pause) commits
      logger,
      handle: async ({ records }) => {
        if (records[0]?.value?.toString() === "r3") {
          inHand.open();
          await release.opened;
        }
      },
    });
    await inHand.opened;
    const stopped = consumer.stop(); // r3…r5 still in hand
    release.open();
    await stopped;
    expect(await committed("stop", topic)).toBe(6);
  }, 30_000);
});
