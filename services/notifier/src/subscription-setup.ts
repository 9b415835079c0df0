import type { MatchedEvent } from "@homeward/contracts";
import type { Pool } from "@homeward/db";
import type { Logger } from "@homeward/logger";
import { parseSecretKey } from "@homeward/outbound";
import {
  notifySubscriptions,
  type RestHookOptions,
  resendPending,
  sendHeartbeats,
} from "@homeward/outbound/subscriptions";
import type { NotifierConfig } from "./env.ts";

export interface RunningSubscriptions {
  /** Numbers, stores and sends one matched record's notifications to its organization's subscriptions. */
  handle(matched: MatchedEvent): Promise<number>;
  /** One pass now (tests; operations): missed notifications resent, then the heartbeats due. */
  heartbeatNow(): Promise<number>;
  stop(): Promise<void>;
}

/**
 * FHIR Subscriptions (R4 backport, issue 17) in the notifier: after each matched record, its
 * organization's subscriptions to the record's topic get the next event number and the
 * notification (sent at once, in order; a receiver that is down makes the subscription `error`
 * and the client catches up with $events), and a timer resends what an endpoint missed (in order,
 * once it answers again) and sends the heartbeats that are due.
 */
export function startSubscriptions(
  config: Pick<NotifierConfig, "PUBLIC_BASE_URL" | "OUTBOUND_SECRET_KEY" | "OUTBOUND_TIMEOUT_SECONDS">,
  deps: { pool: Pool; logger: Logger; heartbeatIntervalMs: number },
): RunningSubscriptions {
  const options: RestHookOptions = {
    pool: deps.pool,
    secretKey:
      config.OUTBOUND_SECRET_KEY === undefined ? undefined : parseSecretKey(config.OUTBOUND_SECRET_KEY),
    base: `${config.PUBLIC_BASE_URL.replace(/\/$/, "")}/api/fhir`,
    timeoutMs: config.OUTBOUND_TIMEOUT_SECONDS * 1000,
    now: () => new Date(),
  };
  // Longer than a send may take, so the pass seldom doubles a send in flight (a doubled one has
  // the same event number, which the client recognizes).
  const retryAfterSeconds = config.OUTBOUND_TIMEOUT_SECONDS * 3;
  let running: Promise<number> | undefined;
  const heartbeatNow = () => {
    running ??= resendPending(options, retryAfterSeconds)
      .then(() => sendHeartbeats(options))
      .finally(() => {
        running = undefined;
      });
    return running;
  };
  const timer = setInterval(() => {
    heartbeatNow().catch((err: unknown) => deps.logger.warn({ err }, "subscription heartbeat pass failed"));
  }, deps.heartbeatIntervalMs);
  timer.unref();
  return {
    handle: (matched) => notifySubscriptions(options, matched),
    heartbeatNow,
    async stop() {
      clearInterval(timer);
      await running?.catch(() => undefined);
    },
  };
}
