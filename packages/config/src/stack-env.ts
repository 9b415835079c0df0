import { z } from "zod";
import {
  checkKafkaEnv,
  KafkaEnvShape,
  type KafkaSaslSettings,
  type KafkaTlsSettings,
  kafkaSecuritySettings,
} from "./kafka-env.ts";
import {
  checkPostgresEnv,
  PostgresEnvShape,
  type PostgresTlsSettings,
  postgresConnectionSettings,
} from "./postgres-env.ts";
import { checkRedisEnv, RedisEnvShape, type RedisTlsSettings, redisConnectionSettings } from "./redis-env.ts";
import { checkSqsEnv, SqsEnvShape, type SqsQueueUrls, sqsQueueUrls } from "./sqs-env.ts";

const url = (protocols: readonly string[]) =>
  z.string().refine((v) => URL.canParse(v) && protocols.includes(new URL(v).protocol), {
    message: `must be a URL starting with ${protocols.join(" or ")}`,
  });

/**
 * The connection settings every service shares, with the local stack's defaults
 * (see infra/local-stack and the README's "Configuration").
 */
const StackVariables = z.object({
  KAFKA_BROKERS: z
    .string()
    .default("127.0.0.1:9092")
    .transform((v) => v.split(",").map((b) => b.trim()))
    .pipe(z.array(z.string().regex(/^[^:\s]+:\d{1,5}$/, "each broker must be host:port")).min(1)),
  KAFKA_TOPIC_PREFIX: z
    .string()
    .regex(/^[a-zA-Z0-9._-]*$/)
    .default(""),
  /** TLS and SASL to the brokers (kafka-env.ts); off by default, as the local stack's broker is. */
  ...KafkaEnvShape,
  SQS_ENDPOINT: url(["http:", "https:"]).optional(),
  SQS_QUEUE_PREFIX: z
    .string()
    .regex(/^[a-zA-Z0-9_-]*$/)
    .default(""),
  AWS_REGION: z.string().min(1).default("us-east-1"),
  /** Queues made beforehand (sqs-env.ts); without them the notifier creates `<prefix>-homeward-alerts`. */
  ...SqsEnvShape,
  REDIS_URL: url(["redis:", "rediss:"]).default("redis://127.0.0.1:6379"),
  REDIS_KEY_PREFIX: z.string().default("homeward:"),
  /** An ACL user and TLS files for a rediss:// URL (redis-env.ts). */
  ...RedisEnvShape,
  DATABASE_URL: url(["postgres:", "postgresql:"]).default(
    "postgres://postgres:postgres@127.0.0.1:5432/homeward",
  ),
  DATABASE_SCHEMA: z
    .string()
    .regex(/^[a-z_][a-z0-9_]*$/)
    .default("homeward"),
  /** TLS (libpq's sslmode meanings) and the pool size (postgres-env.ts). */
  ...PostgresEnvShape,
  /** How long a service's start waits for another process migrating the same schema, then fails. */
  MIGRATION_LOCK_TIMEOUT_SECONDS: z.coerce.number().int().positive().max(3600).default(60),
  SMTP_URL: url(["smtp:", "smtps:"]).default("smtp://127.0.0.1:1025"),
});

/**
 * StackVariables, refusing the combinations that cannot work: a Kafka certificate without its key,
 * a DATABASE_URL sslmode against DATABASE_SSL_MODE, a Redis password given twice, a queue without its DLQ.
 */
export const StackEnv = StackVariables.check((payload) => {
  // One check running the four: zod skips an object's later checks once an earlier one found a
  // problem, and every problem is to be listed at once (a bad Kafka CA and a missing Redis password).
  for (const check of [checkKafkaEnv, checkPostgresEnv, checkRedisEnv, checkSqsEnv]) check(payload);
});

/** Resolved connection settings; what tests receive from the harness and services from `env.ts`. */
export interface StackSettings {
  kafka: { brokers: string[]; topicPrefix: string; ssl?: KafkaTlsSettings; sasl?: KafkaSaslSettings };
  sqs: { endpoint?: string; region: string; queuePrefix: string; queueUrls?: Record<string, SqsQueueUrls> };
  redis: { url: string; keyPrefix: string; username?: string; password?: string; tls?: RedisTlsSettings };
  postgres: {
    /** DATABASE_URL without its TLS parameters, which are in `tls`. */
    url: string;
    schema: string;
    migrationLockTimeoutSeconds?: number;
    tls?: PostgresTlsSettings;
    /** DATABASE_POOL_MAX; each service's own default when absent. */
    max?: number;
  };
  smtp: { url: string };
}

export function stackSettingsFromEnv(env: z.output<typeof StackEnv>): StackSettings {
  return {
    kafka: { brokers: env.KAFKA_BROKERS, topicPrefix: env.KAFKA_TOPIC_PREFIX, ...kafkaSecuritySettings(env) },
    sqs: {
      ...(env.SQS_ENDPOINT === undefined ? {} : { endpoint: env.SQS_ENDPOINT }),
      region: env.AWS_REGION,
      queuePrefix: env.SQS_QUEUE_PREFIX,
      ...optional("queueUrls", sqsQueueUrls(env)),
    },
    redis: { url: env.REDIS_URL, keyPrefix: env.REDIS_KEY_PREFIX, ...redisConnectionSettings(env) },
    postgres: {
      ...postgresConnectionSettings(env),
      schema: env.DATABASE_SCHEMA,
      migrationLockTimeoutSeconds: env.MIGRATION_LOCK_TIMEOUT_SECONDS,
    },
    smtp: { url: env.SMTP_URL },
  };
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
