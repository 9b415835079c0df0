import { randomBytes } from "node:crypto";
import { createLogger } from "@homeward/logger";
import { afterAll, beforeAll, describe, expect, inject, it, vi } from "vitest";
import { runConsumer } from "./consumer.ts";
import { createEventLog, type EventLog } from "./event-log.ts";
import { createKafka } from "./kafka-client.ts";
import { createTopicsAndWait } from "./topics.ts";

// The stack comes from the global setup (test/global-setup.ts); see batch-consumer.int.test.ts.
const stack = (inject as (key: string) => unknown)("stack") as {
  settings: { kafka: { brokers: string[] } };
  runId: string;
};
const id = `t${stack.runId}consumer${randomBytes(3).toString("hex")}`;
const logger = createLogger({ service: "consumer-test", level: "fatal" });
const kafka = createKafka({ brokers: stack.settings.kafka.brokers, clientId: id }, logger);
const topic = `${id}.records`;
let log: EventLog;

beforeAll(async () => {
  const admin = kafka.admin();
  await admin.connect();
  await createTopicsAndWait(admin, { topics: [{ topic, numPartitions: 1 }] });
  await admin.disconnect();
  log = await createEventLog(kafka);
  await log.publish(Array.from({ length: 6 }, (_, i) => ({ topic, key: "k", value: `r${i}` })));
});
afterAll(async () => {
  await log?.close();
});

async function committed(groupId: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return Number(offsets?.partitions[0]?.offset ?? -1);
  } finally {
    await admin.disconnect();
  }
}

describe("runConsumer (real broker)", () => {
  it("commits the records handled before a failing one, and the next member starts at the failing one", async () => {
    const groupId = `${id}.fail`;
    const seen: string[] = [];
    const failing = await runConsumer({
      kafka,
      groupId,
      topics: [topic],
      commitIntervalMs: 600_000, // not on the interval: the failure (or a pause) commits r0…r2
      logger,
      handle: async (record) => {
        const value = String(record.value);
        seen.push(value);
        if (value === "r3") throw new Error("handler down");
      },
    });
    try {
      await vi.waitFor(async () => expect(await committed(groupId)).toBe(3), { timeout: 15_000 });
    } finally {
      await failing.stop();
    }
    expect(seen.slice(0, 4)).toEqual(["r0", "r1", "r2", "r3"]);
    expect(await committed(groupId)).toBe(3); // r3 was never done

    const again: string[] = [];
    const next = await runConsumer({
      kafka,
      groupId,
      topics: [topic],
      logger,
      handle: async (record) => {
        again.push(String(record.value));
      },
    });
    try {
      await vi.waitFor(() => expect(again).toHaveLength(3), { timeout: 15_000 });
    } finally {
      await next.stop();
    }
    expect(again).toEqual(["r3", "r4", "r5"]);
    expect(await committed(groupId)).toBe(6);
  }, 45_000);
});
