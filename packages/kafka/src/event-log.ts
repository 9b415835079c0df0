import { type Kafka, Partitioners } from "kafkajs";

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
   * rejects if any is not. Callers ACK upstream only after this resolves.
   */
  publish(records: readonly OutgoingRecord[]): Promise<void>;
  close(): Promise<void>;
}

/**
 * An idempotent producer (no duplicates from producer retries) writing with acks=all.
 * The Java-compatible murmur2 partitioner keeps a key on the same partition as other clients would.
 */
export async function createEventLog(kafka: Kafka, options: { timeoutMs?: number } = {}): Promise<EventLog> {
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
    allowAutoTopicCreation: false,
  });
  await producer.connect();
  const timeout = options.timeoutMs ?? 10_000;
  return {
    async publish(records) {
      if (records.length === 0) return;
      const byTopic = new Map<
        string,
        { key: string; value: string | Buffer; headers?: Record<string, string> }[]
      >();
      for (const r of records) {
        const list = byTopic.get(r.topic) ?? [];
        list.push(
          r.headers === undefined
            ? { key: r.key, value: r.value }
            : { key: r.key, value: r.value, headers: r.headers },
        );
        byTopic.set(r.topic, list);
      }
      await producer.sendBatch({
        acks: -1,
        timeout,
        topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
      });
    },
    close: () => producer.disconnect(),
  };
}
