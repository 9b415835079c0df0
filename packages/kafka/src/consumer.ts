import type { Logger } from "@homeward/logger";
import type { Kafka } from "kafkajs";

export interface ConsumedRecord {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: Buffer | null;
  headers: Record<string, string>;
}

export interface ConsumerHandle {
  /** Stops fetching, lets the record in hand finish, commits its offset, and disconnects. */
  stop(): Promise<void>;
}

/**
 * Runs a consumer-group member that hands records to `handle` one at a time per partition.
 * Offsets are committed only after `handle` resolves, so delivery is at-least-once and
 * handlers must be idempotent. A handler that throws makes kafkajs retry the record.
 */
export async function runConsumer(options: {
  kafka: Kafka;
  groupId: string;
  topics: string[];
  fromBeginning?: boolean;
  /**
   * Partitions handled at once (default 1). Records of one partition are still handled one at a
   * time and in order, so per-key ordering holds; handlers that wait on I/O gain the most.
   */
  partitionsConcurrently?: number;
  logger: Logger;
  handle: (record: ConsumedRecord) => Promise<void>;
}): Promise<ConsumerHandle> {
  const consumer = options.kafka.consumer({
    groupId: options.groupId,
    allowAutoTopicCreation: false,
    sessionTimeout: 30_000,
    heartbeatInterval: 3_000,
  });
  await consumer.connect();
  await consumer.subscribe({ topics: options.topics, fromBeginning: options.fromBeginning ?? true });
  await consumer.run({
    partitionsConsumedConcurrently: options.partitionsConcurrently ?? 1,
    eachMessage: async ({ topic, partition, message }) => {
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(message.headers ?? {})) {
        if (v !== undefined) headers[k] = Array.isArray(v) ? String(v[0]) : String(v);
      }
      try {
        await options.handle({
          topic,
          partition,
          offset: message.offset,
          key: message.key?.toString("utf8") ?? null,
          value: message.value,
          headers,
        });
      } catch (err) {
        options.logger.error(
          { err, topic, partition, offset: message.offset },
          "record handler failed; will retry",
        );
        throw err;
      }
    },
  });
  let stopped = false;
  return {
    async stop() {
      if (stopped) return;
      stopped = true;
      await consumer.stop();
      await consumer.disconnect();
    },
  };
}
