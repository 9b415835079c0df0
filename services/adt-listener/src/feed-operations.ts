import { randomUUID } from "node:crypto";
import { parseContract, RejectedAdtRecord, UnmatchedEvent } from "@homeward/contracts";
import type { Pool } from "@homeward/db";
import {
  addFeedCounts,
  closeListenerConnections,
  purgeFeedExceptions,
  purgeFeedStats,
  recordConnections,
  recordRejected,
  recordUnmatched,
} from "@homeward/facilities";
import { type ConsumerHandle, type Kafka, runConsumer } from "@homeward/kafka";
import type { Logger } from "@homeward/logger";
import type { FeedRecorder } from "./feed-recorder.ts";
import type { FeedResender } from "./feed-resend.ts";
import type { SilentFeedWatch } from "./silent-feed-watch.ts";

export interface FeedOperationsOptions {
  pool: Pool;
  kafka: Kafka;
  recorder: FeedRecorder;
  watch: SilentFeedWatch;
  resender: FeedResender;
  /** Copied into the exceptions browser. */
  topics: { rejected: string; unmatched: string };
  groupId: string;
  flushSeconds: number;
  checkSeconds: number;
  statsRetentionDays: number;
  exceptionRetentionDays: number;
  now: () => Date;
  logger: Logger;
}

export interface FeedOperations {
  /** Writes what is counted now (tests; the timer does it every `flushSeconds`). */
  flush(): Promise<void>;
  /** Runs the silent-feed check and pending resends now (the timer does it every `checkSeconds`). */
  check(): Promise<void>;
  /** Flushes a last time, closes this process's connections, stops the consumer and the timers. */
  stop(): Promise<void>;
}

const DAY_MS = 86_400_000;

/**
 * Feed operations beside the MLLP listener, all through packages/facilities: message counts and
 * connection states written every few seconds (`listener_instance` names this process), the
 * silent-feed check, pending resends, old rows purged now and then, and a consumer copying
 * adt.rejected.v1 and adt.unmatched.v1 into the exceptions browser. The listener is their owner
 * because it holds what they need (the facilities, Kafka, its own answers); nothing here is on the
 * path of an ACK, and a failing database only delays these writes.
 */
export async function startFeedOperations(options: FeedOperationsOptions): Promise<FeedOperations> {
  const { pool, logger, recorder } = options;
  const instance = `listener-${randomUUID()}`;
  const flush = async () => {
    const drained = recorder.drain();
    try {
      await addFeedCounts(pool, drained.counts);
      await recordConnections(pool, instance, drained.connections, options.now());
    } catch (err) {
      recorder.restore(drained);
      throw err;
    }
  };
  let lastPurge = 0;
  const check = async () => {
    await options.watch.check();
    await options.resender.runPending();
    const now = options.now();
    if (now.getTime() - lastPurge > 3_600_000) {
      lastPurge = now.getTime();
      await purgeFeedStats(pool, new Date(now.getTime() - options.statsRetentionDays * DAY_MS));
      await purgeFeedExceptions(pool, new Date(now.getTime() - options.exceptionRetentionDays * DAY_MS));
    }
  };
  const logged = (what: string, run: () => Promise<void>) => () =>
    void run().catch((err: unknown) =>
      logger.warn({ err }, `feed operations: ${what} failed; retried later`),
    );
  const flushTimer = setInterval(logged("writing counts", flush), options.flushSeconds * 1000);
  const checkTimer = setInterval(logged("checking feeds", check), options.checkSeconds * 1000);
  flushTimer.unref();
  checkTimer.unref();

  const consumer: ConsumerHandle = await runConsumer({
    kafka: options.kafka,
    groupId: options.groupId,
    topics: [options.topics.rejected, options.topics.unmatched],
    logger,
    handle: async (record) => {
      const source = { topic: record.topic, partition: record.partition, offset: record.offset };
      if (record.topic === options.topics.rejected) {
        const rejected = parseContract(RejectedAdtRecord, record.value);
        if (rejected !== undefined) await recordRejected(pool, source, rejected);
        else logger.error(source, "not a RejectedAdtRecord v1; not copied");
        return;
      }
      const unmatched = parseContract(UnmatchedEvent, record.value);
      if (unmatched !== undefined) await recordUnmatched(pool, source, unmatched);
      else logger.error(source, "not an UnmatchedEvent v1; not copied");
    },
  });

  return {
    flush,
    check,
    async stop() {
      clearInterval(flushTimer);
      clearInterval(checkTimer);
      await consumer.stop();
      await flush().catch((err: unknown) => logger.warn({ err }, "feed operations: last counts not written"));
      await closeListenerConnections(pool, instance, options.now()).catch(() => {});
    },
  };
}
