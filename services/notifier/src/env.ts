import { parseEnv, StackEnv, secret, stackSettingsFromEnv } from "@homeward/config";
import { isSecretKey } from "@homeward/outbound";
import { z } from "zod";

/** The notifier's environment; the only place it reads `process.env`. */
export const NotifierEnv = StackEnv.extend({
  NOTIFIER_GROUP_ID: z.string().min(1).default("homeward-notifier"),
  /** adt.matched.v1 partitions handled at once by this instance. */
  NOTIFIER_PARTITIONS_CONCURRENTLY: z.coerce.number().int().min(1).max(64).default(6),
  /** A JSON protocols file (packages/protocols schema); the defaults from DESIGN.md without it. */
  PROTOCOLS_FILE: z.string().min(1).optional(),
  /** Where links in alerts point (the api's dashboard). */
  PUBLIC_BASE_URL: z.url().default("http://127.0.0.1:8080"),
  SMTP_POOL_CONNECTIONS: z.coerce.number().int().min(1).max(50).default(5),
  MAIL_FROM: z.string().min(3).default("Homeward <alerts@homeward.local>"),
  DKIM_DOMAIN: z.string().min(1).optional(),
  DKIM_SELECTOR: z.string().min(1).optional(),
  DKIM_PRIVATE_KEY_FILE: z.string().min(1).optional(),
  /** WCTP 1.3 endpoint for pages; without it pages go through PAGER_EMAIL_GATEWAY_DOMAIN. */
  WCTP_URL: z.url().optional(),
  WCTP_SENDER_ID: z.string().min(1).default("homeward"),
  PAGER_EMAIL_GATEWAY_DOMAIN: z.string().min(1).optional(),
  PAGER_MAX_LENGTH: z.coerce.number().int().min(40).max(1000).default(160),
  /** How many times a delivery is tried before its job goes to the dead-letter queue. */
  DELIVERY_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(6),
  /** Retry backoff: base * 2^(attempt-1) seconds, capped (SQS visibility allows at most 12 h). */
  DELIVERY_BACKOFF_BASE_SECONDS: z.coerce.number().int().min(0).max(3600).default(30),
  DELIVERY_BACKOFF_MAX_SECONDS: z.coerce.number().int().min(0).max(43_200).default(900),
  DELIVERY_WORKERS: z.coerce.number().int().min(1).max(64).default(4),
  /** How long the worker waits on an empty queue (SQS long poll). */
  DELIVERY_POLL_SECONDS: z.coerce.number().int().min(0).max(20).default(10),
  /** An event older than this when it arrives (a backfill) opens its tasks but alerts nobody. */
  ALERT_MAX_EVENT_AGE_HOURS: z.coerce
    .number()
    .min(1)
    .max(24 * 365)
    .default(24 * 7),
  /** The sweeper's tick: reminders, escalations, quiet-hour pages, digests, the outbox. */
  SWEEP_INTERVAL_SECONDS: z.coerce.number().min(0.1).max(3600).default(15),
  /** Redis keeps "sent" idempotency keys this long. */
  IDEMPOTENCY_TTL_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 90)
    .default(24 * 14),
  /**
   * Outbound channels (FHIR, webhooks): the AES-256-GCM key that seals endpoint secrets, 64 hex
   * digits or base64 of 32 bytes, the same as the api's. Without it the notifier sends to no system.
   */
  OUTBOUND_SECRET_KEY: secret(
    z.string().refine(isSecretKey, "must be 32 bytes: 64 hex digits or base64"),
  ).optional(),
  OUTBOUND_WORKERS: z.coerce.number().int().min(1).max(64).default(2),
  /** How long a receiver has to answer one message. */
  OUTBOUND_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(120).default(10),
  /** Tries per outbound delivery before its job goes to the outbound dead-letter queue. */
  OUTBOUND_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(8),
  OPS_HOST: z.string().default("127.0.0.1"),
  OPS_PORT: z.coerce.number().int().min(0).max(65535).default(9466),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace"]).default("info"),
});

export function loadNotifierEnv(env: Readonly<Record<string, string | undefined>>) {
  const parsed = parseEnv(NotifierEnv, env);
  return { ...parsed, stack: stackSettingsFromEnv(parsed) };
}
export type NotifierConfig = ReturnType<typeof loadNotifierEnv>;
