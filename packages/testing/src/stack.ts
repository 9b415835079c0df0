import { randomBytes } from "node:crypto";
import type { StackSettings } from "@homeward/config";
import { inject } from "vitest";

/** What the global setup (test/global-setup.ts) hands every test file. */
export interface TestStack {
  settings: StackSettings;
  /** MailDev's HTTP API, to read back what the stack's SMTP server received. */
  mailWebUrl: string;
  /** "local" (JVM engines started by infra/local-stack), "docker" (testcontainers) or "external". */
  mode: "local" | "docker" | "external";
  /** Unique per `npm test` run; every isolated name starts with it. */
  runId: string;
}

declare module "vitest" {
  export interface ProvidedContext {
    stack: TestStack;
  }
}

export function testStack(): TestStack {
  return inject("stack");
}

/** Names that belong to one test (file or case), so tests run in parallel and re-run without cleanup. */
export interface Isolation {
  id: string;
  /** Kafka topic prefix: topics are `<topicPrefix>.adt.events.v1`. */
  topicPrefix: string;
  /** SQS queue prefix: queues are `<queuePrefix>-homeward-alerts`. */
  queuePrefix: string;
  /** Redis key prefix. */
  redisPrefix: string;
  /** PostgreSQL schema (created by `migrate`). */
  schema: string;
  /** Kafka consumer group ids and client ids. */
  groupId: (name: string) => string;
  /** The stack's settings rewritten to this isolation's names. */
  settings: StackSettings;
}

export function isolation(label: string): Isolation {
  const stack = testStack();
  const safe = label
    .toLowerCase()
    .replace(/[^a-z0-9]/g, "")
    .slice(0, 12);
  const id = `t${stack.runId}${safe}${randomBytes(3).toString("hex")}`;
  const s = stack.settings;
  return {
    id,
    topicPrefix: id,
    queuePrefix: id,
    redisPrefix: `${id}:`,
    schema: id,
    groupId: (name) => `${id}.${name}`,
    settings: {
      kafka: { ...s.kafka, topicPrefix: id },
      sqs: { ...s.sqs, queuePrefix: id },
      redis: { ...s.redis, keyPrefix: `${id}:` },
      postgres: { ...s.postgres, schema: id },
      smtp: s.smtp,
    },
  };
}

/**
 * The services' environment for an isolation: its topics, queues, keys and schema on the test
 * stack, and an ops port the system picks. Tests add what is their own (SMTP_URL, group ids…).
 */
export function serviceEnv(iso: Isolation): Record<string, string> {
  const s = iso.settings;
  return {
    KAFKA_BROKERS: s.kafka.brokers.join(","),
    KAFKA_TOPIC_PREFIX: iso.topicPrefix,
    REDIS_URL: s.redis.url,
    REDIS_KEY_PREFIX: iso.redisPrefix,
    DATABASE_URL: s.postgres.url,
    DATABASE_SCHEMA: iso.schema,
    ...(s.sqs.endpoint === undefined ? {} : { SQS_ENDPOINT: s.sqs.endpoint }),
    SQS_QUEUE_PREFIX: iso.queuePrefix,
    OPS_PORT: "0",
  };
}
