import { z } from "zod";

const url = (protocols: readonly string[]) =>
  z.string().refine((v) => URL.canParse(v) && protocols.includes(new URL(v).protocol), {
    message: `must be a URL starting with ${protocols.join(" or ")}`,
  });

/**
 * The connection settings every service shares, with the local stack's defaults
 * (see infra/local-stack and the README's "Configuration").
 */
export const StackEnv = z.object({
  KAFKA_BROKERS: z
    .string()
    .default("127.0.0.1:9092")
    .transform((v) => v.split(",").map((b) => b.trim()))
    .pipe(z.array(z.string().regex(/^[^:\s]+:\d{1,5}$/, "each broker must be host:port")).min(1)),
  KAFKA_TOPIC_PREFIX: z
    .string()
    .regex(/^[a-zA-Z0-9._-]*$/)
    .default(""),
  SQS_ENDPOINT: url(["http:", "https:"]).optional(),
  SQS_QUEUE_PREFIX: z
    .string()
    .regex(/^[a-zA-Z0-9_-]*$/)
    .default(""),
  AWS_REGION: z.string().min(1).default("us-east-1"),
  REDIS_URL: url(["redis:", "rediss:"]).default("redis://127.0.0.1:6379"),
  REDIS_KEY_PREFIX: z.string().default("homeward:"),
  DATABASE_URL: url(["postgres:", "postgresql:"]).default(
    "postgres://postgres:postgres@127.0.0.1:5432/homeward",
  ),
  DATABASE_SCHEMA: z
    .string()
    .regex(/^[a-z_][a-z0-9_]*$/)
    .default("homeward"),
  /** How long a service's start waits for another process migrating the same schema, then fails. */
  MIGRATION_LOCK_TIMEOUT_SECONDS: z.coerce.number().int().positive().max(3600).default(60),
  SMTP_URL: url(["smtp:", "smtps:"]).default("smtp://127.0.0.1:1025"),
});

/** Resolved connection settings; what tests receive from the harness and services from `env.ts`. */
export interface StackSettings {
  kafka: { brokers: string[]; topicPrefix: string };
  sqs: { endpoint?: string; region: string; queuePrefix: string };
  redis: { url: string; keyPrefix: string };
  postgres: { url: string; schema: string; migrationLockTimeoutSeconds?: number };
  smtp: { url: string };
}

export function stackSettingsFromEnv(env: z.output<typeof StackEnv>): StackSettings {
  return {
    kafka: { brokers: env.KAFKA_BROKERS, topicPrefix: env.KAFKA_TOPIC_PREFIX },
    sqs: {
      ...(env.SQS_ENDPOINT === undefined ? {} : { endpoint: env.SQS_ENDPOINT }),
      region: env.AWS_REGION,
      queuePrefix: env.SQS_QUEUE_PREFIX,
    },
    redis: { url: env.REDIS_URL, keyPrefix: env.REDIS_KEY_PREFIX },
    postgres: {
      url: env.DATABASE_URL,
      schema: env.DATABASE_SCHEMA,
      migrationLockTimeoutSeconds: env.MIGRATION_LOCK_TIMEOUT_SECONDS,
    },
    smtp: { url: env.SMTP_URL },
  };
}
