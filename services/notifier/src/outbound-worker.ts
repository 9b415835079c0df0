import { parseContract } from "@homeward/contracts";
import type { Pool } from "@homeward/db";
import type { Logger } from "@homeward/logger";
import {
  type Endpoint,
  type EndpointKind,
  endpointSecret,
  endpointTlsClientKey,
  leaseOutbound,
  loadOutboundForSend,
  OutboundJob,
  type OutboundSendRow,
  pendingOutbound,
  recordOutboundAttempt,
  releaseOutbound,
} from "@homeward/outbound";
import {
  markNotification,
  type RestHookOptions,
  type StoredSubscription,
  sendEventNotification,
} from "@homeward/outbound/subscriptions";
import type { Redis } from "@homeward/redis";
import type { ReceivedMessage, WorkQueue } from "@homeward/sqs";
import { backoffSeconds, type DeliveryOutcome } from "./delivery-worker.ts";
import {
  type OutboundResult,
  type OutboundSender,
  type OutboundTls,
  retryableHttpStatus,
} from "./outbound/outbound-sender.ts";
import { enqueueOutbound } from "./outbound-handle.ts";
import { runQueueWorkers } from "./queue-workers.ts";

export interface OutboundWorkerDeps {
  queue: WorkQueue;
  deadLetterQueue: WorkQueue;
  pool: Pool;
  redis: Redis;
  /** Opens endpoint secrets (OUTBOUND_SECRET_KEY); undefined: no endpoint secret can be opened. */
  secretKey: Buffer | undefined;
  senders: Partial<Record<EndpointKind, OutboundSender>>;
  /** How FHIR Subscription notifications are sent (their channel header opened with its key); omitted: they are not. */
  restHook?: RestHookOptions;
  maxAttempts: number;
  backoff: { baseSeconds: number; maxSeconds: number };
  visibilityTimeoutSeconds: number;
  idempotencyTtlMs: number;
  logger: Logger;
  onOutcome?: (outcome: DeliveryOutcome, kind: string) => void;
}

const sentKey = (id: string) => `outbound:sent:${id}`;

/**
 * One job from the outbound queue, with email's guarantees (delivery-worker.ts): a Redis "sent" key
 * and the row's state are checked first, a lease on the row keeps two workers from sending it at
 * once, every try is recorded as an attempt, a retryable failure hides the job for a growing
 * backoff, and after `maxAttempts` (or at once when it can never succeed) the job goes to the DLQ.
 * An endpoint's delivery goes through its channel's sender; a FHIR Subscription's as an
 * event-notification Bundle to its rest-hook (subscription-delivery.ts), which also moves the
 * subscription to active or error and the numbered notification to sent or failed.
 */
export async function handleOutboundJob(
  message: ReceivedMessage,
  deps: OutboundWorkerDeps,
): Promise<DeliveryOutcome> {
  const job = parseContract(OutboundJob, message.body);
  if (job === undefined) {
    deps.logger.error({ messageId: message.id }, "not an OutboundJob v1; sent to the dead-letter queue");
    await deps.deadLetterQueue.send(message.body);
    await deps.queue.delete(message.receiptHandle);
    return "invalid";
  }
  const id = job.deliveryId;
  if ((await deps.redis.exists(sentKey(id))) === 1) {
    await deps.queue.delete(message.receiptHandle);
    return "duplicate";
  }
  const row = await loadOutboundForSend(deps.pool, id);
  if (row === undefined || row.status === "sent" || row.status === "dead" || row.status === "skipped") {
    if (row?.status === "sent") await deps.redis.set(sentKey(id), "1", "PX", deps.idempotencyTtlMs);
    await deps.queue.delete(message.receiptHandle);
    return row === undefined ? "invalid" : "duplicate";
  }
  const stale =
    row.purpose === "notification" && row.retractedAt !== null
      ? "retracted"
      : row.target === "endpoint"
        ? row.endpoint.enabled
          ? undefined
          : "endpoint-disabled"
        : subscriptionOff(row.subscription, deps.restHook?.now() ?? new Date());
  if (stale !== undefined) {
    await recordOutboundAttempt(deps.pool, id, message.receiveCount, { outcome: "skipped", code: stale });
    if (row.target === "subscription")
      await markNotification(deps.pool, row.subscription.id, row.eventNumber, {
        status: "skipped",
        responseStatus: null,
      });
    await deps.queue.delete(message.receiptHandle);
    return "skipped";
  }
  if (!(await leaseOutbound(deps.pool, id, deps.visibilityTimeoutSeconds * 1000))) return "busy";
  let recorded = false;
  try {
    const result = await send(row, deps);
    recorded = true;
    if (result.status === "sent") {
      await recordOutboundAttempt(deps.pool, id, message.receiveCount, {
        outcome: "sent",
        responseStatus: result.responseStatus,
      });
      await deps.redis.set(sentKey(id), "1", "PX", deps.idempotencyTtlMs);
      await deps.queue.delete(message.receiptHandle);
      return "sent";
    }
    const final = !result.retryable || message.receiveCount >= deps.maxAttempts;
    await recordOutboundAttempt(deps.pool, id, message.receiveCount, {
      outcome: final ? "dead" : "failed",
      code: result.code,
      message: result.message,
      ...(result.responseStatus === undefined ? {} : { responseStatus: result.responseStatus }),
    });
    deps.logger.warn(
      {
        deliveryId: id,
        ...(row.target === "endpoint"
          ? { endpointId: row.endpoint.id }
          : { subscriptionId: row.subscription.id }),
        attempt: message.receiveCount,
        code: result.code,
        final,
      },
      "outbound delivery failed",
    );
    if (!result.retryable) {
      await deps.deadLetterQueue.send(message.body);
      await deps.queue.delete(message.receiptHandle);
    } else {
      await deps.queue.changeVisibility(
        message.receiptHandle,
        final ? 0 : backoffSeconds(message.receiveCount, deps.backoff),
      );
    }
    return final ? "dead" : "failed";
  } finally {
    if (!recorded) await releaseOutbound(deps.pool, id).catch(() => undefined);
  }
}

/** Why a subscription's notification is not sent: the subscription is off or its `end` has passed. */
function subscriptionOff(s: StoredSubscription, now: Date): string | undefined {
  if (s.status === "off") return "subscription-off";
  if (s.endsAt instanceof Date && s.endsAt.getTime() <= now.getTime()) return "subscription-ended";
  return undefined;
}

function send(row: OutboundSendRow, deps: OutboundWorkerDeps): Promise<OutboundResult> {
  return row.target === "endpoint"
    ? sendToEndpoint(row.id, row.endpoint, row.payload, deps)
    : sendToSubscription(row.subscription, row.eventNumber, deps);
}

/** One event notification to a subscription's rest-hook, its answer as an outcome like the senders'. */
async function sendToSubscription(
  s: StoredSubscription,
  eventNumber: number,
  deps: OutboundWorkerDeps,
): Promise<OutboundResult> {
  if (deps.restHook === undefined)
    return {
      status: "failed",
      retryable: false,
      code: "no-sender",
      message: "no sender for fhir_subscription",
    };
  let answer: { ok: boolean; status: string } | undefined;
  try {
    answer = await sendEventNotification(deps.restHook, s, eventNumber);
  } catch {
    // The header cannot be opened or the database failed: tried again, then the DLQ.
    return {
      status: "failed",
      retryable: true,
      code: "error",
      message: "the notification could not be sent",
    };
  }
  if (answer === undefined)
    return { status: "failed", retryable: false, code: "not-stored", message: "no such notification" };
  if (answer.ok) return { status: "sent", responseStatus: answer.status };
  const http = Number(answer.status);
  if (!Number.isInteger(http))
    return {
      status: "failed",
      retryable: true,
      code: answer.status,
      message: `no answer from the endpoint (${answer.status})`,
    };
  return {
    status: "failed",
    retryable: retryableHttpStatus(http),
    code: `http-${http}`,
    message: `the rest-hook answered HTTP ${http}`,
    responseStatus: answer.status,
  };
}

async function sendToEndpoint(
  deliveryId: string,
  endpoint: Endpoint,
  payload: unknown,
  deps: OutboundWorkerDeps,
): Promise<OutboundResult> {
  const sender = deps.senders[endpoint.kind];
  const { url, host, port } = endpoint;
  const target = url ?? (host !== null && port !== null ? `mllp://${host}:${port}` : null);
  if (sender === undefined || target === null)
    return {
      status: "failed",
      retryable: false,
      code: "no-sender",
      message: `no sender for ${endpoint.kind}`,
    };
  let secret: string | undefined;
  let tlsKey: string | undefined;
  try {
    const key = deps.secretKey;
    if (key === undefined && (endpoint.authKind !== "none" || endpoint.hasTlsClientKey))
      throw new Error("no OUTBOUND_SECRET_KEY");
    secret =
      endpoint.authKind === "none" || key === undefined
        ? undefined
        : await endpointSecret(deps.pool, key, endpoint.id);
    tlsKey =
      endpoint.hasTlsClientKey && key !== undefined
        ? await endpointTlsClientKey(deps.pool, key, endpoint.id)
        : undefined;
  } catch {
    // Sealed under another key (OUTBOUND_SECRET_KEY changed): an admin has to enter the secret again.
    return {
      status: "failed",
      retryable: false,
      code: "secret-unreadable",
      message: "the endpoint's secret cannot be opened with this key",
    };
  }
  return sender.send({
    deliveryId,
    endpointId: endpoint.id,
    url: target,
    secret,
    ...(endpoint.authKind === "smart_backend" && endpoint.smart !== null ? { smart: endpoint.smart } : {}),
    ...tlsOf(endpoint, tlsKey),
    payload,
  });
}

/** The endpoint's own TLS for this send: MLLP over TLS when on; for HTTPS a private CA or a client certificate. */
function tlsOf(endpoint: Endpoint, key: string | undefined): { tls?: OutboundTls } {
  const { tls, kind } = endpoint;
  if (kind === "hl7v2_mllp" ? !tls.mllpTls : tls.caPem === null && tls.clientCertPem === null) return {};
  return {
    tls: {
      ...(tls.caPem === null ? {} : { ca: tls.caPem }),
      ...(tls.clientCertPem === null || key === undefined ? {} : { cert: tls.clientCertPem, key }),
    },
  };
}

/**
 * Runs `concurrency` long-polling loops over the outbound queue, and the outbox pass (queued rows a
 * crash left off SQS, after `outboxGraceSeconds`) every `outboxIntervalMs`, until stopped.
 */
export function startOutboundWorkers(
  deps: OutboundWorkerDeps,
  options: { concurrency: number; pollSeconds: number; outboxIntervalMs: number; outboxGraceSeconds: number },
): { outboxNow(): Promise<number>; stop(): Promise<void> } {
  const workers = runQueueWorkers({
    queue: deps.queue,
    concurrency: options.concurrency,
    pollSeconds: options.pollSeconds,
    visibilityTimeoutSeconds: deps.visibilityTimeoutSeconds,
    logger: deps.logger,
    name: "outbound",
    handle: async (m) => {
      // Handled first: `onOutcome?.(await …)` would skip the handling when no one counts outcomes.
      const outcome = await handleOutboundJob(m, deps);
      deps.onOutcome?.(outcome, m.attributes.channel ?? "unknown");
    },
  });
  const outboxNow = async () =>
    enqueueOutbound(
      deps.queue,
      deps.pool,
      await pendingOutbound(deps.pool, { graceSeconds: options.outboxGraceSeconds, limit: 500 }),
      deps.logger,
    );
  const timer = setInterval(() => {
    outboxNow().catch((err) => deps.logger.error({ err }, "outbound outbox pass failed"));
  }, options.outboxIntervalMs);
  timer.unref();
  return {
    outboxNow,
    async stop() {
      clearInterval(timer);
      await workers.stop();
    },
  };
}
