import { AlertContent, DeliveryJob, parseContract } from "@homeward/contracts";
import type { Pool } from "@homeward/db";
import type { Logger } from "@homeward/logger";
import type { Redis } from "@homeward/redis";
import type { ReceivedMessage, WorkQueue } from "@homeward/sqs";
import { deliveryId } from "./delivery-ids.ts";
import {
  type DeliveryRow,
  leaseDelivery,
  loadDeliveryForSend,
  loadSentDelivery,
  recordAttempt,
  releaseDelivery,
} from "./delivery-store.ts";
import { insertDeliveries, type NewDelivery, pendingJobs } from "./notifier-store.ts";
import { enqueueJobs } from "./outbox.ts";
import type { DeliveryResult, EmailProvider, PagerProvider } from "./providers/provider.ts";
import { runQueueWorkers } from "./queue-workers.ts";
import { renderAlertEmail } from "./render/alert-email.ts";
import { renderPagerText } from "./render/pager-text.ts";

export interface DeliveryWorkerDeps {
  queue: WorkQueue;
  /** Where jobs that can never succeed go at once (the queue's DLQ), so they are kept, not retried. */
  deadLetterQueue: WorkQueue;
  pool: Pool;
  redis: Redis;
  email: EmailProvider;
  pager: PagerProvider | undefined;
  maxAttempts: number;
  backoff: { baseSeconds: number; maxSeconds: number };
  visibilityTimeoutSeconds: number;
  pagerMaxLength: number;
  idempotencyTtlMs: number;
  logger: Logger;
  now: () => Date;
  onOutcome?: (outcome: DeliveryOutcome, channel: string) => void;
}

export type DeliveryOutcome = "sent" | "failed" | "dead" | "skipped" | "duplicate" | "busy" | "invalid";

const sentKey = (id: string) => `delivery:sent:${id}`;

/** Retry delay for the attempt that just failed: base × 2^(n−1), capped. */
export function backoffSeconds(receiveCount: number, backoff: { baseSeconds: number; maxSeconds: number }) {
  return Math.min(backoff.maxSeconds, backoff.baseSeconds * 2 ** Math.max(0, receiveCount - 1));
}

/**
 * Handles one job from the alerts queue. Exactly one send per delivery id however often SQS hands
 * the job out: a "sent" key in Redis (a cache) and the delivery row are checked first, a lease on
 * the row in PostgreSQL keeps two workers from sending at once (Redis may forget), and every try
 * is recorded as an attempt, which releases the lease. A failure hides
 * the job for a growing backoff; after `maxAttempts` SQS moves it to the dead-letter queue.
 */
export async function handleDeliveryJob(
  message: ReceivedMessage,
  deps: DeliveryWorkerDeps,
): Promise<DeliveryOutcome> {
  const job = parseContract(DeliveryJob, message.body);
  if (job === undefined) {
    deps.logger.error({ messageId: message.id }, "not a DeliveryJob v1; sent to the dead-letter queue");
    await deps.deadLetterQueue.send(message.body);
    await deps.queue.delete(message.receiptHandle);
    return "invalid";
  }
  if ((await deps.redis.exists(sentKey(job.deliveryId))) === 1) {
    await deps.queue.delete(message.receiptHandle);
    return "duplicate";
  }
  const row = await loadDeliveryForSend(deps.pool, job.deliveryId);
  if (row === undefined || row.status === "sent" || row.status === "dead" || row.status === "skipped") {
    if (row?.status === "sent") await markSentKey(deps, job.deliveryId);
    await deps.queue.delete(message.receiptHandle);
    return row === undefined ? "invalid" : "duplicate";
  }
  const stale = staleReason(row, deps.now());
  if (stale !== undefined) {
    await recordAttempt(deps.pool, job.deliveryId, message.receiveCount, { outcome: "skipped", code: stale });
    await deps.queue.delete(message.receiptHandle);
    return "skipped";
  }
  if (!(await leaseDelivery(deps.pool, job.deliveryId, deps.visibilityTimeoutSeconds * 1000))) {
    // Another worker holds it right now (or just sent it); the job comes back after its
    // visibility timeout and then finds it sent, or takes it if that worker died.
    return "busy";
  }
  let recorded = false;
  try {
    const result = await send(row, job.deliveryId, deps);
    if (result.status === "sent") {
      recorded = true;
      const done = await recordAttempt(deps.pool, job.deliveryId, message.receiveCount, {
        outcome: "sent",
        provider: result.provider,
        ...(result.providerMessageId === undefined ? {} : { providerMessageId: result.providerMessageId }),
      });
      await markSentKey(deps, job.deliveryId);
      await deps.queue.delete(message.receiptHandle);
      // Retracted while it was on the wire: the retraction only corrected what was sent before it.
      if (done.retractedAlert) await correctLateSend(deps, job.deliveryId);
      return "sent";
    }
    const final = !result.retryable || message.receiveCount >= deps.maxAttempts;
    recorded = true;
    await recordAttempt(deps.pool, job.deliveryId, message.receiveCount, {
      outcome: final ? "dead" : "failed",
      provider: result.provider,
      code: result.code,
      message: result.message,
    });
    deps.logger.warn(
      { deliveryId: job.deliveryId, attempt: message.receiveCount, code: result.code, final },
      "delivery failed",
    );
    if (!result.retryable) {
      await deps.deadLetterQueue.send(message.body);
      await deps.queue.delete(message.receiptHandle);
    } else {
      // On the last attempt the job becomes visible at once and SQS's redrive moves it to the DLQ.
      const delay = final ? 0 : backoffSeconds(message.receiveCount, deps.backoff);
      await deps.queue.changeVisibility(message.receiptHandle, delay);
    }
    return final ? "dead" : "failed";
  } finally {
    // An unexpected error before the attempt was recorded: the lease goes back, and the job comes
    // back after its visibility timeout for another try.
    if (!recorded) await releaseDelivery(deps.pool, job.deliveryId).catch(() => undefined);
  }
}

function staleReason(row: DeliveryRow, now: Date): string | undefined {
  if (row.retracted_at !== null) return "retracted";
  if (row.not_after !== null && row.not_after < now) return "expired";
  if (!row.active) return "recipient-inactive";
  const taskClosed =
    row.task_status !== null && row.task_status !== "open" && row.task_status !== "in_progress";
  if ((row.purpose === "reminder" || row.purpose === "escalation") && taskClosed) return "task-closed";
  return undefined;
}

async function send(row: DeliveryRow, id: string, deps: DeliveryWorkerDeps): Promise<DeliveryResult> {
  const content = AlertContent.parse(row.content);
  if (row.channel === "email") {
    if (row.email === null)
      return {
        status: "failed",
        provider: "none",
        retryable: false,
        code: "no-address",
        message: "recipient has no email",
      };
    const rendered = renderAlertEmail(content, { timeZone: row.time_zone });
    return deps.email.send({ deliveryId: id, to: row.email, ...rendered });
  }
  if (deps.pager === undefined || row.pager_id === null) {
    return {
      status: "failed",
      provider: "none",
      retryable: false,
      code: "no-pager",
      message: "no pager provider or pager id",
    };
  }
  const text = renderPagerText(content, { timeZone: row.time_zone, maxLength: deps.pagerMaxLength });
  return deps.pager.send({ deliveryId: id, pagerId: row.pager_id, text });
}

/**
 * An alert that went out while its event was being retracted: the retraction corrected only what
 * had been sent before it, so this send gets its own short correction to the same person.
 */
async function correctLateSend(deps: DeliveryWorkerDeps, id: string): Promise<void> {
  const row = await loadSentDelivery(deps.pool, id);
  if (row === undefined) return;
  const content = AlertContent.parse(row.content);
  const correction: NewDelivery = {
    id: deliveryId(id, "late-correction"),
    purpose: "retraction",
    channel: row.channel,
    recipientId: String(row.recipient_id),
    organizationId: String(row.organization_id),
    ...(row.match_id === null ? {} : { matchId: row.match_id }),
    ...(row.event_id === null ? {} : { eventId: row.event_id }),
    content: {
      ...content,
      purpose: "retraction",
      tasks: [],
      correction: { reason: "the hospital cancelled this event" },
    },
    status: "queued",
  };
  const inserted = await insertDeliveries(deps.pool, [correction]);
  await enqueueJobs(deps.queue, deps.pool, await pendingJobs(deps.pool, { ids: inserted }), deps.logger);
}

async function markSentKey(deps: DeliveryWorkerDeps, id: string) {
  await deps.redis.set(sentKey(id), "1", "PX", deps.idempotencyTtlMs);
}

/** Runs `concurrency` long-polling loops over the alerts queue until stopped. */
export function startDeliveryWorkers(
  deps: DeliveryWorkerDeps,
  options: { concurrency: number; pollSeconds: number },
): { stop(): Promise<void> } {
  return runQueueWorkers({
    ...options,
    queue: deps.queue,
    visibilityTimeoutSeconds: deps.visibilityTimeoutSeconds,
    logger: deps.logger,
    name: "alerts",
    handle: async (m) => {
      // Handled first: in `onOutcome?.(await …)` the handling is skipped when no one counts outcomes.
      const outcome = await handleDeliveryJob(m, deps);
      deps.onOutcome?.(outcome, m.attributes.channel ?? "unknown");
    },
  });
}
