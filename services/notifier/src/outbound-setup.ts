import type { MatchedEvent } from "@homeward/contracts";
import type { Pool } from "@homeward/db";
import type { Logger } from "@homeward/logger";
import { OUTBOUND_QUEUE } from "@homeward/outbound";
import type { Redis } from "@homeward/redis";
import { openWorkQueue, resolveQueue } from "@homeward/sqs";
import type { DeliveryOutcome } from "./delivery-worker.ts";
import type { NotifierConfig } from "./env.ts";
import { DaVinciFhirSender } from "./outbound/davinci-fhir.sender.ts";
import { Hl7v2MllpSender } from "./outbound/hl7v2-mllp.sender.ts";
import { SmartBackendTokens } from "./outbound/smart-backend-token.ts";
import { WebhookSender } from "./outbound/webhook.sender.ts";
import { handleMatchedOutbound } from "./outbound-handle.ts";
import { startOutboundWorkers } from "./outbound-worker.ts";
import { restHookOptions } from "./subscription-setup.ts";

export interface RunningOutbound {
  /** Plans and enqueues one matched record's deliveries to its organization's systems. */
  handle(matched: MatchedEvent): Promise<number>;
  /** One outbox pass now (tests; operations). */
  outboxNow(): Promise<number>;
  stop(): Promise<void>;
}

/**
 * The outbound channels (issue 17): the homeward-outbound queue and its DLQ, the senders (FHIR,
 * webhook, HL7 v2 over MLLP, FHIR Subscription rest-hooks) and the workers. Without
 * OUTBOUND_SECRET_KEY no endpoint is sent to (their secrets could not be opened), but FHIR
 * Subscriptions still are (one without a channel header needs no key; the api stores no header
 * without one).
 */
export async function startOutbound(
  config: NotifierConfig,
  deps: {
    pool: Pool;
    redis: Redis;
    sqs: Parameters<typeof resolveQueue>[0];
    logger: Logger;
    onOutcome?: (outcome: DeliveryOutcome, channel: string) => void;
  },
): Promise<RunningOutbound> {
  if (config.OUTBOUND_SECRET_KEY === undefined)
    deps.logger.info(
      "outbound endpoints off: OUTBOUND_SECRET_KEY is not set (FHIR Subscriptions still notified)",
    );
  const spec = { ...OUTBOUND_QUEUE, maxReceiveCount: config.OUTBOUND_MAX_ATTEMPTS };
  // Made here under SQS_QUEUE_PREFIX, or made beforehand (SQS_OUTBOUND_QUEUE_URL) and checked.
  const urls = await resolveQueue(deps.sqs, spec, config.stack.sqs);
  const queue = openWorkQueue(deps.sqs, urls.url);
  const timeoutMs = config.OUTBOUND_TIMEOUT_SECONDS * 1000;
  const restHook = restHookOptions(config, deps.pool);
  const workers = startOutboundWorkers(
    {
      queue,
      deadLetterQueue: openWorkQueue(deps.sqs, urls.dlqUrl),
      pool: deps.pool,
      redis: deps.redis,
      // The same OUTBOUND_SECRET_KEY opens endpoint secrets and subscriptions' channel headers.
      secretKey: restHook.secretKey,
      restHook,
      senders: {
        davinci_fhir: new DaVinciFhirSender({
          timeoutMs,
          tokens: new SmartBackendTokens({ timeoutMs, now: () => Date.now() }),
        }),
        webhook: new WebhookSender({ timeoutMs, now: () => new Date() }),
        hl7v2_mllp: new Hl7v2MllpSender({ timeoutMs }),
      },
      maxAttempts: config.OUTBOUND_MAX_ATTEMPTS,
      backoff: {
        baseSeconds: config.DELIVERY_BACKOFF_BASE_SECONDS,
        maxSeconds: config.DELIVERY_BACKOFF_MAX_SECONDS,
      },
      // Longer than a send can take (the timeout), so a slow receiver's job is not handed out twice.
      visibilityTimeoutSeconds: Math.max(spec.visibilityTimeoutSeconds, config.OUTBOUND_TIMEOUT_SECONDS * 2),
      idempotencyTtlMs: config.IDEMPOTENCY_TTL_HOURS * 3600 * 1000,
      logger: deps.logger,
      ...(deps.onOutcome === undefined ? {} : { onOutcome: deps.onOutcome }),
    },
    {
      concurrency: config.OUTBOUND_WORKERS,
      pollSeconds: config.DELIVERY_POLL_SECONDS,
      outboxIntervalMs: config.SWEEP_INTERVAL_SECONDS * 1000,
      outboxGraceSeconds: 30,
    },
  );
  const planDeps = {
    pool: deps.pool,
    queue,
    endpoints: config.OUTBOUND_SECRET_KEY !== undefined,
    sourceEndpoint: config.PUBLIC_BASE_URL,
    maxEventAgeHours: config.ALERT_MAX_EVENT_AGE_HOURS,
    now: () => new Date(),
    logger: deps.logger,
  };
  return {
    handle: (matched) => handleMatchedOutbound(matched, planDeps),
    outboxNow: () => workers.outboxNow(),
    stop: () => workers.stop(),
  };
}
