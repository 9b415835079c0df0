export { ensureQueue, HOMEWARD_QUEUES, type QueueSpec, queueName, resolveQueue } from "./queues.ts";
export { createSqsClient, isAwsEndpoint, type SqsSettings } from "./sqs-client.ts";
export { openWorkQueue, type QueueDepth, type ReceivedMessage, type WorkQueue } from "./work-queue.ts";
