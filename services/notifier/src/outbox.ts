import type { DeliveryJob } from "@homeward/contracts";
import type { Pool } from "@homeward/db";
import type { Logger } from "@homeward/logger";
import type { WorkQueue } from "@homeward/sqs";
import { markEnqueued, type PendingJob } from "./notifier-store.ts";

/**
 * Puts committed deliveries on the SQS alerts queue, then marks them enqueued. Rows are written
 * first, so a crash between the two leaves a queued row without `enqueued_at`, which the sweeper
 * sends again; the worker's idempotency key makes the possible second job harmless.
 */
export async function enqueueJobs(
  queue: WorkQueue,
  pool: Pool,
  jobs: readonly PendingJob[],
  logger: Logger,
): Promise<number> {
  const sent: string[] = [];
  await Promise.all(
    jobs.map(async (j) => {
      const job: DeliveryJob = {
        schemaVersion: 1,
        deliveryId: j.id,
        channel: j.channel,
        purpose: j.purpose,
        recipientId: j.recipientId,
        ...(j.notAfter === undefined ? {} : { notAfter: j.notAfter.toISOString() }),
        enqueuedAt: new Date().toISOString(),
      };
      try {
        await queue.send(JSON.stringify(job), { attributes: { purpose: j.purpose, channel: j.channel } });
        sent.push(j.id);
      } catch (err) {
        // Left for the sweeper's outbox pass.
        logger.warn({ err, deliveryId: j.id }, "enqueue failed; the sweeper will retry");
      }
    }),
  );
  await markEnqueued(pool, sent);
  return sent.length;
}
