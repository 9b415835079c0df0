import {
  type ConsumedRecord,
  createEventLog,
  createKafka,
  ensureTopics,
  HOMEWARD_TOPICS,
  runConsumer,
  topicName,
} from "@homeward/kafka";
import { createLogger } from "@homeward/logger";
import { isolation } from "@homeward/testing";
import { ConfigResourceTypes } from "kafkajs";
import { describe, expect, it, vi } from "vitest";

describe("Kafka (real broker)", () => {
  it("creates topics with explicit partitions/configs, produces with acks=all and consumes the record", async () => {
    const iso = isolation("kafka");
    const logger = createLogger({ service: "smoke", level: "warn" });
    const kafka = createKafka({ brokers: iso.settings.kafka.brokers, clientId: iso.id }, logger);
    const created = await ensureTopics(kafka, HOMEWARD_TOPICS, { prefix: iso.topicPrefix });
    expect(created).toContain(`${iso.id}.adt.events.v1`);
    expect(await ensureTopics(kafka, HOMEWARD_TOPICS, { prefix: iso.topicPrefix })).toEqual([]);

    const topic = topicName(iso.topicPrefix, "adt.events.v1");
    const admin = kafka.admin();
    await admin.connect();
    const meta = await admin.fetchTopicMetadata({ topics: [topic] });
    expect(meta.topics[0]?.partitions).toHaveLength(6);
    const configs = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: ["retention.ms"] }],
    });
    expect(configs.resources[0]?.configEntries[0]?.configValue).toBe(String(30 * 24 * 3600 * 1000));
    await admin.disconnect();

    const log = await createEventLog(kafka);
    await log.publish([
      {
        topic,
        key: "GENHOSP|MRN1",
        value: '{"hello":"kafka"}',
        headers: { "content-type": "application/json" },
      },
    ]);
    await log.close();

    const seen: ConsumedRecord[] = [];
    const consumer = await runConsumer({
      kafka,
      groupId: iso.groupId("smoke"),
      topics: [topic],
      logger,
      handle: async (record) => {
        seen.push(record);
      },
    });
    try {
      await vi.waitFor(() => expect(seen).toHaveLength(1), { timeout: 20_000, interval: 100 });
    } finally {
      await consumer.stop();
    }
    const [record] = seen;
    expect(record?.key).toBe("GENHOSP|MRN1");
    expect(record?.value?.toString()).toBe('{"hello":"kafka"}');
    expect(record?.headers).toEqual({ "content-type": "application/json" });
  });

  it("several processes creating the same topics at once all return with every partition led", async () => {
    // As the matcher and the notifier do when they start together: one creates, the others find
    // the topic being made (KRaft answers UNKNOWN_TOPIC_OR_PARTITION for a moment after a create).
    const iso = isolation("kafka-race");
    const logger = createLogger({ service: "smoke", level: "warn" });
    const clients = [1, 2, 3].map((n) =>
      createKafka({ brokers: iso.settings.kafka.brokers, clientId: `${iso.id}-${n}` }, logger),
    );
    const created = await Promise.all(
      clients.map((kafka) => ensureTopics(kafka, HOMEWARD_TOPICS, { prefix: iso.topicPrefix })),
    );
    expect(new Set(created.flat())).toContain(`${iso.id}.adt.matched.v1`);
    const admin = clients[0]?.admin();
    if (admin === undefined) throw new Error("no client");
    await admin.connect();
    try {
      const names = HOMEWARD_TOPICS.map((t) => topicName(iso.topicPrefix, t.name));
      const meta = await admin.fetchTopicMetadata({ topics: names });
      for (const t of meta.topics) {
        expect(t.partitions.length, t.name).toBe(
          HOMEWARD_TOPICS.find((h) => topicName(iso.topicPrefix, h.name) === t.name)?.partitions,
        );
        expect(
          t.partitions.every((p) => p.leader >= 0),
          t.name,
        ).toBe(true);
      }
    } finally {
      await admin.disconnect();
    }
  });
});
