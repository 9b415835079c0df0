export type { Kafka } from "kafkajs";
export { type BatchRecord, type ConsumedBatch, runBatchConsumer } from "./batch-consumer.ts";
export { COMPRESS_FROM_BYTES } from "./compression.ts";
export { type ConsumedRecord, type ConsumerHandle, runConsumer } from "./consumer.ts";
export { consumerLag, type PartitionLag, registerConsumerLagGauge } from "./consumer-lag.ts";
export { createEventLog, type EventLog, type OutgoingRecord } from "./event-log.ts";
export { createKafka, type KafkaSettings } from "./kafka-client.ts";
export { chunkRecords, MAX_PUBLISH_BYTES } from "./record-chunks.ts";
export {
  FETCH_LIMITS,
  MAX_RECORD_BATCH_BYTES,
  MAX_RECORD_BYTES,
  RecordTooLargeError,
  recordBytes,
} from "./record-limits.ts";
export {
  createTopicsAndWait,
  ensureTopics,
  HOMEWARD_TOPICS,
  leadersElected,
  type TopicSpec,
  topicMaxMessageBytes,
  topicName,
} from "./topics.ts";
