export { createKafka, type KafkaSettings } from "./kafka-client.ts";
export { ensureTopics, HOMEWARD_TOPICS, type TopicSpec, topicName } from "./topics.ts";
export { createEventLog, type EventLog, type OutgoingRecord } from "./event-log.ts";
export { type ConsumedRecord, type ConsumerHandle, runConsumer } from "./consumer.ts";
export type { Kafka } from "kafkajs";
