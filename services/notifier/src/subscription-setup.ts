import type { Pool } from "@homeward/db";
import type { Logger } from "@homeward/logger";
import { parseSecretKey } from "@homeward/outbound";
import { type RestHookOptions, sendHeartbeats } from "@homeward/outbound/subscriptions";
import type { NotifierConfig } from "./env.ts";

export interface RunningHeartbeats {
  /** One pass now (tests; operations): ended subscriptions turned off, then the heartbeats due. */
  heartbeatNow(): Promise<number>;
  stop(): Promise<void>;
}

/** How the notifier sends to FHIR Subscriptions' rest-hooks (the outbound worker and the heartbeats). */
export function restHookOptions(
  config: Pick<NotifierConfig, "PUBLIC_BASE_URL" | "OUTBOUND_SECRET_KEY" | "OUTBOUND_TIMEOUT_SECONDS">,
  pool: Pool,
): RestHookOptions {
  return {
    pool,
    secretKey:
      config.OUTBOUND_SECRET_KEY === undefined ? undefined : parseSecretKey(config.OUTBOUND_SECRET_KEY),
    base: `${config.PUBLIC_BASE_URL.replace(/\/$/, "")}/api/fhir`,
    timeoutMs: config.OUTBOUND_TIMEOUT_SECONDS * 1000,
    now: () => new Date(),
  };
}

/**
 * FHIR Subscriptions' (R4 backport, issue 17) timer in the notifier: it turns off the subscriptions
 * whose `end` has passed and sends the heartbeats that are due. Event notifications are not sent
 * here: they are outbound deliveries (outbound-handle.ts plans them, outbound-worker.ts sends them
 * with retries, backoff and the dead-letter queue).
 */
export function startSubscriptionHeartbeats(
  options: RestHookOptions,
  deps: { logger: Logger; heartbeatIntervalMs: number },
): RunningHeartbeats {
  let running: Promise<number> | undefined;
  const heartbeatNow = () => {
    running ??= sendHeartbeats(options).finally(() => {
      running = undefined;
    });
    return running;
  };
  const timer = setInterval(() => {
    heartbeatNow().catch((err: unknown) => deps.logger.warn({ err }, "subscription heartbeat pass failed"));
  }, deps.heartbeatIntervalMs);
  timer.unref();
  return {
    heartbeatNow,
    async stop() {
      clearInterval(timer);
      await running?.catch(() => undefined);
    },
  };
}
