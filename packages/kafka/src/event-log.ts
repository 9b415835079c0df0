import { type Kafka, Partitioners, type Producer } from "kafkajs";
import { compressionFor } from "./compression.ts";
import { MAX_RECORD_BYTES, RecordTooLargeError, recordBytes } from "./record-limits.ts";

export interface OutgoingRecord {
  topic: string;
  key: string;
  value: string | Buffer;
  headers?: Record<string, string>;
}

/** The producing side of the event backbone, as services see it. */
export interface EventLog {
  /**
   * Resolves only when every record is acknowledged by all in-sync replicas (acks=all);
   * rejects if any is not. Callers ACK upstream only after this resolves. Rejects with
   * `RecordTooLargeError`, sending nothing, when a record is over `MAX_RECORD_BYTES`.
   */
  publish(records: readonly OutgoingRecord[]): Promise<void>;
  close(): Promise<void>;
}

/** A producer and the publishes still running on it, so that a retired one is closed only once they end. */
interface Lease {
  producer: Producer;
  running: number;
  retired: boolean;
}

/**
 * An idempotent producer (no duplicates from producer retries) writing with acks=all, ZSTD-compressed
 * when a publish is large enough to gain from it (see compression.ts).
 * The Java-compatible murmur2 partitioner keeps a key on the same partition as other clients would.
 *
 * A failed publish retires its producer and the next publish starts a new one (a new producer id).
 * Why: kafkajs numbers each partition's batches before it sends a request and, when the request
 * fails, takes back the numbers of every partition in it, also of those the broker did write (one
 * partition refused, e.g. a record over `max.message.bytes`, fails the whole request). Its next batch
 * for such a partition then repeats a number the broker has seen: "out of order sequence number",
 * again and again, for every sender whose records go there, or, when it has as many records as the
 * written batch, a batch the broker takes for a retry and silently drops. A new producer id starts
 * every partition's numbering afresh. Records over the limit are refused here, before any request.
 */
export async function createEventLog(kafka: Kafka, options: { timeoutMs?: number } = {}): Promise<EventLog> {
  const timeout = options.timeoutMs ?? 10_000;
  const start = async (): Promise<Lease> => {
    const producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
      allowAutoTopicCreation: false,
    });
    await producer.connect();
    return { producer, running: 0, retired: false };
  };
  let current: Lease | undefined = await start();
  let starting: Promise<Lease> | undefined;
  const lease = async (): Promise<Lease> => {
    if (current !== undefined) return current;
    starting ??= start().finally(() => {
      starting = undefined;
    });
    current = await starting;
    return current;
  };
  const release = (l: Lease) => {
    l.running--;
    if (l.retired && l.running === 0) void l.producer.disconnect().catch(() => {});
  };
  return {
    async publish(records) {
      if (records.length === 0) return;
      let bytes = 0;
      const byTopic = new Map<
        string,
        { key: string; value: string | Buffer; headers?: Record<string, string> }[]
      >();
      for (const r of records) {
        const size = recordBytes(r);
        if (size > MAX_RECORD_BYTES) throw new RecordTooLargeError(r.topic, size);
        bytes += size;
        const list = byTopic.get(r.topic) ?? [];
        list.push(
          r.headers === undefined
            ? { key: r.key, value: r.value }
            : { key: r.key, value: r.value, headers: r.headers },
        );
        byTopic.set(r.topic, list);
      }
      const l = await lease();
      l.running++;
      try {
        await l.producer.sendBatch({
          acks: -1,
          timeout,
          compression: compressionFor(bytes),
          topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
        });
      } catch (err) {
        if (current === l) current = undefined;
        l.retired = true;
        throw err;
      } finally {
        release(l);
      }
    },
    async close() {
      const l = current ?? (await starting?.catch(() => undefined));
      current = undefined;
      await l?.producer.disconnect();
    },
  };
}
