import type { StackSettings } from "@homeward/config";
import type { Logger } from "@homeward/logger";
import { startElasticMq } from "./elasticmq.ts";
import { startKafka } from "./kafka.ts";
import { startMailDev } from "./maildev.ts";
import { ensurePostgres } from "./postgres.ts";
import { runningEngines, stopProcess } from "./processes.ts";
import { ensureRedis } from "./redis.ts";

/** What the local stack gives a service or a test: connection settings plus the mail inbox. */
export interface LocalStack {
  settings: StackSettings;
  mailWebUrl: string;
  /** Engines this call started (empty when everything was already up). */
  started: string[];
}

/**
 * Starts every engine that is not already answering, waits for each to pass its health check,
 * and provisions topics, queues, database and schema. Idempotent: a second call starts nothing.
 */
export async function startStack(logger: Logger): Promise<LocalStack> {
  // PostgreSQL/Redis may need apt; Kafka and ElasticMQ may need Maven: do them side by side.
  const [kafka, sqs, postgres, redis, mail] = await Promise.all([
    startKafka(logger),
    startElasticMq(logger),
    ensurePostgres(logger),
    ensureRedis(logger),
    startMailDev(),
  ]);
  return {
    settings: {
      kafka: { brokers: kafka.brokers, topicPrefix: "" },
      sqs: { endpoint: sqs.endpoint, region: "us-east-1", queuePrefix: "" },
      redis: { url: redis.url, keyPrefix: "homeward:" },
      postgres: { url: postgres.url, schema: "homeward" },
      smtp: { url: mail.smtpUrl },
    },
    mailWebUrl: mail.webUrl,
    started: [kafka.started && "kafka", sqs.started && "elasticmq", mail.started && "maildev"].filter(
      (s): s is string => typeof s === "string",
    ),
  };
}

/**
 * Stops every engine this stack started (Kafka, ElasticMQ, MailDev, Redis if it started it, and any
 * extra Kafka node a test started), as recorded in `.stack/run/*.pid`.
 * A PostgreSQL or Redis that was already running as a system service is left alone.
 */
export async function stopStack(): Promise<string[]> {
  const names = runningEngines();
  const stopped = await Promise.all(names.map(async (n) => ((await stopProcess(n)) ? n : undefined)));
  return stopped.filter((n): n is string => n !== undefined);
}

/** The environment variables that point a service at this stack (printed by `stack start`). */
export function stackEnv(stack: LocalStack): Record<string, string> {
  const s = stack.settings;
  return {
    KAFKA_BROKERS: s.kafka.brokers.join(","),
    SQS_ENDPOINT: s.sqs.endpoint ?? "",
    AWS_REGION: s.sqs.region,
    AWS_ACCESS_KEY_ID: "local",
    AWS_SECRET_ACCESS_KEY: "local",
    REDIS_URL: s.redis.url,
    DATABASE_URL: s.postgres.url,
    DATABASE_SCHEMA: s.postgres.schema,
    SMTP_URL: s.smtp.url,
  };
}
