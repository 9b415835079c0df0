import type { Consumer, Kafka, KafkaMessage } from "kafkajs";
import type { BatchRecord } from "./batch-consumer.ts";
import { FETCH_LIMITS } from "./record-limits.ts";

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
