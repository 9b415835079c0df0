import type { Logger } from "@homeward/logger";
import type { Consumer, EachBatchPayload, Kafka, KafkaMessage } from "kafkajs";
import type { BatchRecord } from "./batch-consumer.ts";
import type { ConsumerHandle } from "./consumer.ts";
import { FETCH_LIMITS } from "./record-limits.ts";

/** How often a busy consumer commits what it has done, unless its options say otherwise. */
export const DEFAULT_COMMIT_INTERVAL_MS = 1_000;

/**
 * How long after its last chunk a consumer commits what is done, off the handlers' path: records
 * that stop coming (the end of a burst, a quiet night) are committed soon, not at the next record.
 */
const IDLE_COMMIT_MS = 100;

/**
 * A connected consumer-group member subscribed to `topics`, as every Homeward consumer runs:
 * no topic auto-creation, a 30 s session with 3 s heartbeats, from the beginning by default, and
 * fetches large enough for the largest record batch a topic takes (`FETCH_LIMITS`).
 */
export async function subscribedConsumer(options: {
  kafka: Kafka;
  groupId: string;
  topics: string[];
  fromBeginning?: boolean | undefined;
}): Promise<Consumer> {
  const consumer = options.kafka.consumer({
    groupId: options.groupId,
    allowAutoTopicCreation: false,
    sessionTimeout: 30_000,
    heartbeatInterval: 3_000,
    ...FETCH_LIMITS,
  });
  await consumer.connect();
  await consumer.subscribe({ topics: options.topics, fromBeginning: options.fromBeginning ?? true });
  return consumer;
}

/**
 * Runs `consumer`, handing each partition's records to `handle` in consecutive chunks of at most
 * `chunkSize`, in offset order; chunks of one partition one at a time, partitions side by side.
 *
 * Offsets are committed on an interval, not after every fetch: kafkajs's autoCommit sends a
 * blocking OffsetCommit after each batch, about 10 ms on Kafka 4.0/4.1 (the group coordinator's
 * append linger), which bounded a busy consumer. A chunk's offset is resolved only after `handle`
 * resolves, and only resolved offsets are ever committed, so delivery stays at-least-once: what a
 * crash loses is the commit of up to `commitIntervalMs` of handled records, which come again.
 * While records flow, a chunk that ends `commitIntervalMs` or more after the last commit commits
 * everything done; in a pause (no chunk ended for `IDLE_COMMIT_MS`) a timer commits it; and what is
 * done is committed at once on stop, after a failed handler, and on a failed heartbeat (a
 * rebalance), while this member may still commit for its partitions.
 */
export async function runInChunks(
  consumer: Consumer,
  options: {
    partitionsConcurrently: number;
    chunkSize: number;
    commitIntervalMs: number;
    logger: Logger;
    handle: (topic: string, partition: number, chunk: KafkaMessage[]) => Promise<void>;
  },
): Promise<ConsumerHandle> {
  if (!Number.isInteger(options.commitIntervalMs) || options.commitIntervalMs < 0) {
    throw new Error(`commitIntervalMs must be a non-negative integer, not ${options.commitIntervalMs}`);
  }
  let stopping = false;
  // Commits every offset resolved and not yet committed, of every partition this member holds.
  let commitDone: (() => Promise<void>) | undefined;
  const commitQuietly = async (why: string) => {
    try {
      await commitDone?.();
    } catch (err) {
      // Nothing is lost: those records come again to whoever holds their partition next.
      options.logger.warn({ err }, `could not commit offsets (${why}); handled records may come again`);
    }
  };
  // Re-armed by every chunk, so it fires only in a pause between chunks: commits the tail.
  let idle: NodeJS.Timeout | undefined;
  const armIdleCommit = () => {
    if (idle !== undefined) {
      idle.refresh();
      return;
    }
    idle = setTimeout(
      () => void commitQuietly("when idle"),
      Math.min(IDLE_COMMIT_MS, options.commitIntervalMs),
    );
    idle.unref();
  };
  await consumer.run({
    partitionsConsumedConcurrently: options.partitionsConcurrently,
    // We resolve offsets ourselves, chunk by chunk, only once the handler has resolved, and commit
    // them ourselves: kafkajs's autoCommit would commit after every batch.
    eachBatchAutoResolve: false,
    autoCommit: false,
    autoCommitInterval: options.commitIntervalMs,
    eachBatch: async (payload: EachBatchPayload) => {
      const { batch, resolveOffset, heartbeat, isRunning, isStale } = payload;
      commitDone = () => payload.commitOffsetsIfNecessary(payload.uncommittedOffsets());
      const { topic, partition, messages } = batch;
      for (let start = 0; start < messages.length; start += options.chunkSize) {
        // Stopping, or the partition was taken away (rebalance, seek): leave the rest unresolved.
        if (!isRunning() || isStale()) return;
        const chunk = messages.slice(start, start + options.chunkSize);
        try {
          await options.handle(topic, partition, chunk);
        } catch (err) {
          await commitQuietly("after a failed handler");
          throw err;
        }
        const last = chunk.at(-1);
        if (last !== undefined) resolveOffset(last.offset);
        if (stopping || !isRunning()) {
          await commitQuietly("on stop");
        } else {
          await payload.commitOffsetsIfNecessary(); // only once commitIntervalMs has passed
          armIdleCommit();
        }
        try {
          await heartbeat();
        } catch (err) {
          // A rebalance: commit what is done while this generation may still commit it.
          await commitQuietly("on rebalance");
          throw err;
        }
      }
    },
  });
  let stopped = false;
  return {
    async stop() {
      if (stopped) return;
      stopped = true;
      // From here every chunk that finishes commits at once; what finished before is committed now,
      // while this member still holds its partitions (kafkajs leaves the group inside stop()).
      stopping = true;
      clearTimeout(idle);
      await commitQuietly("on stop");
      await consumer.stop();
      await consumer.disconnect();
    },
  };
}

/** A kafkajs message as handlers see it: key as text, headers as strings (first value of a list). */
export function recordOf(topic: string, partition: number, message: KafkaMessage): BatchRecord {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(message.headers ?? {})) {
    if (v !== undefined) headers[k] = Array.isArray(v) ? String(v[0]) : String(v);
  }
  return {
    topic,
    partition,
    offset: message.offset,
    timestamp: message.timestamp,
    key: message.key?.toString("utf8") ?? null,
    value: message.value,
    headers,
  };
}
