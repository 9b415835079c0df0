import { randomUUID } from "node:crypto";
import { RawAdtRecord } from "@homeward/contracts";
import type { Kafka } from "@homeward/kafka";
import type { Logger } from "@homeward/logger";

/** Records this much older than the event's receivedAt are where the search starts. */
const BEFORE_MS = 5 * 60_000;
/** A record written this much after receivedAt ends the search of its partition. */
const AFTER_MS = 10 * 60_000;

/**
 * Finds an event's raw message on adt.raw.v1 (the listener writes it, with header `event-id`, in
 * the same durable write as the event). Starts each partition at the offset of `receivedAt` minus
 * a margin (Kafka's time index) and reads until the record, the end of the topic as it was, or a
 * record well past the event: a bounded read, for the rare resend of an unmatched event, instead
 * of keeping a second copy of every message. Undefined when it is no longer there (retention).
 */
export async function findRawRecord(
  kafka: Kafka,
  options: {
    topic: string;
    eventId: string;
    receivedAt: Date;
    groupPrefix: string;
    timeoutMs?: number;
    logger: Logger;
  },
): Promise<RawAdtRecord | undefined> {
  const admin = kafka.admin();
  await admin.connect();
  let starts: { partition: number; offset: string }[];
  let ends: Map<number, bigint>;
  try {
    starts = await admin.fetchTopicOffsetsByTimestamp(
      options.topic,
      options.receivedAt.getTime() - BEFORE_MS,
    );
    ends = new Map((await admin.fetchTopicOffsets(options.topic)).map((o) => [o.partition, BigInt(o.high)]));
  } finally {
    await admin.disconnect();
  }
  // Partitions with something to read from the start offset (-1: nothing written since then).
  const pending = new Set(
    starts
      .filter((s) => s.offset !== "-1" && BigInt(s.offset) < (ends.get(s.partition) ?? 0n))
      .map((s) => s.partition),
  );
  if (pending.size === 0) return undefined;
  const until = options.receivedAt.getTime() + AFTER_MS;
  const consumer = kafka.consumer({
    groupId: `${options.groupPrefix}-raw-lookup-${randomUUID()}`,
    allowAutoTopicCreation: false,
  });
  let found: RawAdtRecord | undefined;
  let finish: () => void = () => {};
  const finished = new Promise<void>((resolve) => {
    finish = resolve;
  });
  const timer = setTimeout(() => finish(), options.timeoutMs ?? 30_000);
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [options.topic], fromBeginning: false });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ partition, message }) => {
        if (!pending.has(partition) || found !== undefined) return;
        if (message.headers?.["event-id"]?.toString() === options.eventId) {
          const parsed = RawAdtRecord.safeParse(JSON.parse(message.value?.toString("utf8") ?? "null"));
          if (parsed.success) {
            found = parsed.data;
            finish();
            return;
          }
        }
        const last = BigInt(message.offset) + 1n >= (ends.get(partition) ?? 0n);
        if (last || Number(message.timestamp) > until) {
          pending.delete(partition);
          if (pending.size === 0) finish();
        }
      },
    });
    for (const s of starts)
      if (pending.has(s.partition))
        consumer.seek({ topic: options.topic, partition: s.partition, offset: s.offset });
    await finished;
  } catch (err) {
    options.logger.warn({ err, eventId: options.eventId }, "could not read adt.raw.v1 for a resend");
  } finally {
    clearTimeout(timer);
    await consumer.disconnect().catch(() => {});
  }
  return found;
}
