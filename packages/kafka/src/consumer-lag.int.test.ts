import { randomBytes } from "node:crypto";
import { createLogger } from "@homeward/logger";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { consumerLag } from "./consumer-lag.ts";
import { createKafka } from "./kafka-client.ts";
import { createTopicsAndWait } from "./topics.ts";

// The stack comes from the global setup (test/global-setup.ts).
const stack = (inject as (key: string) => unknown)("stack") as {
  settings: { kafka: { brokers: string[] } };
  runId: string;
};
const id = `t${stack.runId}lag${randomBytes(3).toString("hex")}`;
const logger = createLogger({ service: "lag-test", level: "fatal" });
const kafka = createKafka({ brokers: stack.settings.kafka.brokers, clientId: id }, logger);
const topic = `${id}.records`;
const admin = kafka.admin();

beforeAll(async () => {
  await admin.connect();
  await createTopicsAndWait(admin, { topics: [{ topic, numPartitions: 2 }] });
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({
    topic,
    messages: [
      ...Array.from({ length: 5 }, (_, i) => ({ partition: 0, key: "a", value: `a${i}` })),
      ...Array.from({ length: 3 }, (_, i) => ({ partition: 1, key: "b", value: `b${i}` })),
    ],
  });
  await producer.disconnect();
});
afterAll(async () => {
  await admin.disconnect();
});

describe("consumerLag (real broker)", () => {
  it("counts every kept record for a group that never committed, then what is left after its commits", async () => {
    const groupId = `${id}.group`;
    const before = await consumerLag(admin, groupId, [topic]);
    const total = (lags: typeof before) => lags.reduce((sum, l) => sum + l.lag, 0);
    expect(total(before)).toBe(8);
    expect(before.map((l) => l.partition).sort()).toEqual([0, 1]);

    const high = new Map((await admin.fetchTopicOffsets(topic)).map((o) => [o.partition, o.high]));
    await admin.setOffsets({
      groupId,
      topic,
      partitions: [
        { partition: 0, offset: String(Number(high.get(0)) - 2) },
        { partition: 1, offset: String(high.get(1)) },
      ],
    });
    const after = await consumerLag(admin, groupId, [topic]);
    expect(after.find((l) => l.partition === 0)?.lag).toBe(2);
    expect(after.find((l) => l.partition === 1)?.lag).toBe(0);
  });
});
