import type { Logger } from "@homeward/logger";
import type { Kafka } from "kafkajs";
import { DEFAULT_COMMIT_INTERVAL_MS, recordOf, runInChunks, subscribedConsumer } from "./consumer-setup.ts";

export interface ConsumedRecord {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: Buffer | null;
  headers: Record<string, string>;
}

export interface ConsumerHandle {
  /**
   * Stops fetching, lets the records in hand finish, commits what is done, leaves the group, and
   * disconnects.
   */
  stop(): Promise<void>;
}

/**
 * Runs a consumer-group member that hands records to `handle` one at a time per partition.
 * A record's offset is marked done only after `handle` resolves, and only offsets marked done are
 * committed (every `commitIntervalMs` while busy, in any pause between records, on stop and on a
 * rebalance: `runInChunks`), so delivery is at-least-once and handlers must be idempotent. A
 * handler that throws makes kafkajs retry the record.
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
  /** How often a busy consumer commits what is done (default 1,000 ms; 0 commits after every record). */
  commitIntervalMs?: number;
  logger: Logger;
  handle: (record: ConsumedRecord) => Promise<void>;
}): Promise<ConsumerHandle> {
  const consumer = await subscribedConsumer(options);
  return runInChunks(consumer, {
    partitionsConcurrently: options.partitionsConcurrently ?? 1,
    chunkSize: 1,
    commitIntervalMs: options.commitIntervalMs ?? DEFAULT_COMMIT_INTERVAL_MS,
    logger: options.logger,
    handle: async (topic, partition, [message]) => {
      if (message === undefined) return;
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
}
