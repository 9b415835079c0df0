import type { Logger } from "@homeward/logger";
import type { Kafka } from "kafkajs";
import type { ConsumedRecord, ConsumerHandle } from "./consumer.ts";
import { recordOf, subscribedConsumer } from "./consumer-setup.ts";

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
 * A batch's offsets are marked done only after `handle` resolves, and kafkajs commits what is done
 * when the fetch is finished (or fails), so delivery is at-least-once: whole batches may come again,
 * and handlers must be idempotent. A handler that throws makes kafkajs fetch again from the first
 * record not done. Batches of one partition are never handled at once, so per-key order holds;
 * different partitions are handled side by side.
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
  logger: Logger;
  handle: (batch: ConsumedBatch) => Promise<void>;
}): Promise<ConsumerHandle> {
  const maxRecords = options.maxRecordsPerBatch ?? 500;
  if (!Number.isInteger(maxRecords) || maxRecords < 1) {
    throw new Error(`maxRecordsPerBatch must be a positive integer, not ${maxRecords}`);
  }
  const consumer = await subscribedConsumer(options);
  await consumer.run({
    partitionsConsumedConcurrently: options.partitionsConcurrently ?? 1,
    // We resolve offsets ourselves, chunk by chunk, only once the handler has resolved.
    eachBatchAutoResolve: false,
    eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
      const { topic, partition } = batch;
      for (let start = 0; start < batch.messages.length; start += maxRecords) {
        // Stopping, or the partition was taken away (rebalance, seek): leave the rest unresolved.
        if (!isRunning() || isStale()) return;
        const chunk = batch.messages.slice(start, start + maxRecords);
        const records = chunk.map((m) => recordOf(topic, partition, m));
        try {
          await options.handle({ topic, partition, records });
        } catch (err) {
          const offsets = { first: records[0]?.offset, last: records.at(-1)?.offset };
          options.logger.error({ err, topic, partition, offsets }, "batch handler failed; will retry");
          throw err;
        }
        const last = chunk.at(-1);
        if (last !== undefined) resolveOffset(last.offset);
        await heartbeat();
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
