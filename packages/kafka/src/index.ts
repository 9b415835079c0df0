export type { Kafka } from "kafkajs";
export { type BatchRecord, type ConsumedBatch, runBatchConsumer } from "./batch-consumer.ts";
export { type ConsumedRecord, type ConsumerHandle, runConsumer } from "./consumer.ts";
export { createEventLog, type EventLog, type OutgoingRecord } from "./event-log.ts";
export { createKafka, type KafkaSettings } from "./kafka-client.ts";
export { chunkRecords, MAX_PUBLISH_BYTES } from "./record-chunks.ts";
export { ensureTopics, HOMEWARD_TOPICS, type TopicSpec, topicName } from "./topics.ts";
