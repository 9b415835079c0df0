import type { Logger } from "@homeward/logger";
import type { Kafka } from "kafkajs";
import type { ConsumedRecord, ConsumerHandle } from "./consumer.ts";
import { DEFAULT_COMMIT_INTERVAL_MS, recordOf, runInChunks, subscribedConsumer } from "./consumer-setup.ts";

/** A record as `runConsumer` gives it, plus its Kafka timestamp (for lag and latency measures). */
export interface BatchRecord extends ConsumedRecord {
  /** Milliseconds since the epoch, as a string (kafkajs): when the producer created the record. */
  timestamp: string;
}

/** Consecutive records of one partition, in offset order. */
export interface ConsumedBatch {
  topic: string;
  partition: number;
  records: BatchRecord[];
}

/**
 * Runs a consumer-group member that hands records to `handle` a batch at a time: consecutive
 * records of one partition, in offset order, at most `maxRecordsPerBatch` of them. A handler that
 * does one round trip per batch instead of one per record (one query, one acks=all write, one
 * transaction) is what makes a consumer fast; `runConsumer` stays for per-record handlers.
 *
 * A batch's offsets are marked done only after `handle` resolves, and only offsets marked done are
 * committed: every `commitIntervalMs` while the consumer is busy, in any pause between batches, on
 * stop and on a rebalance (`runInChunks`), not after every batch as kafkajs's autoCommit does. Delivery is at-least-once: whole batches may come again
 * (after a crash, up to `commitIntervalMs` of them), and handlers must be idempotent. A handler that
 * throws makes kafkajs fetch again from the first record not done. Batches of one partition are
 * never handled at once, so per-key order holds; different partitions are handled side by side.
 */
export async function runBatchConsumer(options: {
  kafka: Kafka;
  groupId: string;
  topics: string[];
  fromBeginning?: boolean;
  /** Partitions handled at once (default 1); batches of one partition are handled one at a time. */
  partitionsConcurrently?: number;
  /** Largest batch given to `handle` (default 500); a bigger fetch is split, in order. */
  maxRecordsPerBatch?: number;
  /** How often a busy consumer commits what is done (default 1,000 ms; 0 commits after every batch). */
  commitIntervalMs?: number;
  logger: Logger;
  handle: (batch: ConsumedBatch) => Promise<void>;
}): Promise<ConsumerHandle> {
  const maxRecords = options.maxRecordsPerBatch ?? 500;
  if (!Number.isInteger(maxRecords) || maxRecords < 1) {
    throw new Error(`maxRecordsPerBatch must be a positive integer, not ${maxRecords}`);
  }
  const consumer = await subscribedConsumer(options);
  return runInChunks(consumer, {
    partitionsConcurrently: options.partitionsConcurrently ?? 1,
    chunkSize: maxRecords,
    commitIntervalMs: options.commitIntervalMs ?? DEFAULT_COMMIT_INTERVAL_MS,
    logger: options.logger,
    handle: async (topic, partition, chunk) => {
      const records = chunk.map((m) => recordOf(topic, partition, m));
      try {
        await options.handle({ topic, partition, records });
      } catch (err) {
        const offsets = { first: records[0]?.offset, last: records.at(-1)?.offset };
        options.logger.error({ err, topic, partition, offsets }, "batch handler failed; will retry");
        throw err;
      }
    },
  });
}
