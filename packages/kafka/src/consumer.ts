import type { Logger } from "@homeward/logger";
import type { Kafka } from "kafkajs";
import { recordOf, subscribedConsumer } from "./consumer-setup.ts";

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
  const consumer = await subscribedConsumer(options);
  await consumer.run({
    partitionsConsumedConcurrently: options.partitionsConcurrently ?? 1,
    eachMessage: async ({ topic, partition, message }) => {
      try {
        await options.handle(recordOf(topic, partition, message));
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
