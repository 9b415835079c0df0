import { AlertContent } from "@homeward/contracts";
import { inTransaction, notifyWorkspaceChanged, type Pool } from "@homeward/db";
import type { Logger } from "@homeward/logger";
import type { ProtocolsFile } from "@homeward/protocols";
import type { WorkQueue } from "@homeward/sqs";
import { markTimerFired, recordTimerFired, takeDueTimers } from "@homeward/tasks";
import { taskUrl } from "./alert-content.ts";
import { deliveryId } from "./delivery-ids.ts";
import { markInDigest, releaseScheduled, takeDueHeld } from "./delivery-plan-store.ts";
import {
  insertDeliveries,
  loadRecipients,
  type NewDelivery,
  pendingJobs,
  type Tx,
} from "./notifier-store.ts";
import { enqueueJobs } from "./outbox.ts";
import { openDueReviews } from "./review-tasks.ts";

export interface SweeperDeps {
  pool: Pool;
  queue: WorkQueue;
  baseUrl: string;
  logger: Logger;
  /** Queued rows older than this that are still not on SQS are sent again (crash between commit and send). */
  outboxGraceSeconds: number;
  /** The protocols in force: their periodic reviews (the tracking list's) are opened here; none without. */
  protocols?: ProtocolsFile;
  /** The clock reviews open by (default: the system clock). */
  now?: () => Date;
}

export interface SweepResult {
  reminders: number;
  escalations: number;
  released: number;
  digests: number;
  enqueued: number;
  /** Periodic reviews opened, and open ones cancelled because the patient left the list. */
  reviewsOpened: number;
  reviewsCancelled: number;
}

/**
 * One pass of the sweeper: fire due reminders and escalations, release pages whose quiet hours
 * ended, gather held emails into digests, and resend the outbox. Safe with many notifier instances:
 * each pass locks the rows it takes with FOR UPDATE SKIP LOCKED and marks them in the same
 * transaction, and every delivery it makes has a deterministic id, so nothing goes out twice.
 */
export async function sweep(deps: SweeperDeps): Promise<SweepResult> {
  const timers = await inTransaction(deps.pool, (tx) => fireTimers(tx, deps.baseUrl));
  const released = await inTransaction(deps.pool, (tx) => releaseScheduled(tx, 500));
  const digests = await inTransaction(deps.pool, (tx) => buildDigests(tx, deps.baseUrl));
  const fresh = await pendingJobs(deps.pool, { ids: [...timers.ids, ...released, ...digests] });
  const outbox = await pendingJobs(deps.pool, { olderThanSeconds: deps.outboxGraceSeconds, limit: 500 });
  const jobs = new Map([...fresh, ...outbox].map((j) => [j.id, j]));
  const enqueued = await enqueueJobs(deps.queue, deps.pool, [...jobs.values()], deps.logger);
  const reviews = await reviewPass(deps);
  return {
    reminders: timers.reminders,
    escalations: timers.escalations,
    released: released.length,
    digests: digests.length,
    enqueued,
    reviewsOpened: reviews.opened,
    reviewsCancelled: reviews.cancelled,
  };
}

/** The periodic reviews, last and on their own: a failure there holds up no alert or reminder. */
async function reviewPass(deps: SweeperDeps): Promise<{ opened: number; cancelled: number }> {
  if (deps.protocols === undefined) return { opened: 0, cancelled: 0 };
  try {
    return await openDueReviews(deps.pool, deps.protocols, (deps.now ?? (() => new Date()))());
  } catch (err) {
    deps.logger.error({ err }, "opening due reviews failed; the next sweep tries again");
    return { opened: 0, cancelled: 0 };
  }
}

async function fireTimers(tx: Tx, baseUrl: string) {
  const rows = await takeDueTimers(tx, 200);
  const deliveries: NewDelivery[] = [];
  // Organizations whose open tasks were reminded or escalated: their open inboxes reload.
  const changed = new Set<string>();
  let reminders = 0;
  let escalations = 0;
  for (const t of rows) {
    await markTimerFired(tx, t);
    if (t.status !== "open" && t.status !== "in_progress") continue;
    const people =
      t.kind === "reminder"
        ? t.assigneeRecipientId === null
          ? []
          : await loadRecipients(tx, { ids: [t.assigneeRecipientId] })
        : await loadRecipients(tx, {
            organizationId: t.organizationId,
            role: t.toRole ?? "supervisor",
          });
    const base = AlertContent.parse(t.alertContent);
    const content: AlertContent = {
      ...base,
      purpose: t.kind,
      copy: "lead",
      tasks: [
        {
          taskId: t.taskId,
          title: t.title,
          dueAt: t.dueAt.toISOString(),
          url: taskUrl(baseUrl, t.taskId),
          status: t.status,
        },
      ],
    };
    for (const person of people.filter((p) => p.active)) {
      const channel = t.channel === "pager" && person.pagerId !== undefined ? "pager" : "email";
      if (channel === "email" && person.email === undefined) continue;
      deliveries.push({
        id: deliveryId(t.taskId, t.kind, String(t.seq), person.recipientId, channel),
        purpose: t.kind,
        channel,
        recipientId: person.recipientId,
        organizationId: t.organizationId,
        taskId: t.taskId,
        content,
        status: "queued",
      });
    }
    await recordTimerFired(tx, t, people.length);
    if (t.kind === "reminder") reminders++;
    else escalations++;
    changed.add(t.organizationId);
  }
  await insertDeliveries(tx, deliveries);
  for (const organizationId of changed) await notifyWorkspaceChanged(tx, { organizationId, kind: "task" });
  return { reminders, escalations, ids: deliveries.map((d) => d.id) };
}

/** Held (digest) emails whose digest time has come: one digest per recipient and digest instant. */
async function buildDigests(tx: Tx, baseUrl: string): Promise<string[]> {
  const rows = await takeDueHeld(tx, 1000);
  const groups = new Map<string, typeof rows>();
  for (const r of rows) {
    const key = `${r.recipientId}|${r.organizationId}|${r.sendAfter.toISOString()}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const digests: NewDelivery[] = [];
  for (const [key, held] of groups) {
    const first = held[0];
    if (first === undefined) continue;
    const id = deliveryId("digest", key);
    const contents = held.map((h) => AlertContent.parse(h.content));
    const lead = contents[0] as AlertContent;
    digests.push({
      id,
      purpose: "digest",
      channel: "email",
      recipientId: first.recipientId,
      organizationId: first.organizationId,
      status: "queued",
      content: {
        ...lead,
        purpose: "digest",
        patient: undefined,
        tasks: contents.flatMap((c) => c.tasks),
        items: contents.map((c) => ({
          eventKind: c.eventKind,
          occurredAt: c.occurredAt,
          facility: c.facility.name ?? c.facility.code,
          url: c.url,
        })),
        url: `${baseUrl}/tasks`,
      },
    });
    await markInDigest(
      tx,
      held.map((h) => h.id),
      id,
    );
  }
  await insertDeliveries(tx, digests);
  return digests.map((d) => d.id);
}

/** Runs `sweep` every `intervalMs` until stopped (one pass at a time). */
export function startSweeper(
  deps: SweeperDeps,
  intervalMs: number,
): { stop(): Promise<void>; runNow(): Promise<SweepResult> } {
  let running: Promise<SweepResult> | undefined;
  const runNow = () => {
    running ??= sweep(deps).finally(() => {
      running = undefined;
    });
    return running;
  };
  const timer = setInterval(() => {
    runNow().catch((err: unknown) => deps.logger.error({ err }, "sweep failed"));
  }, intervalMs);
  return {
    runNow,
    async stop() {
      clearInterval(timer);
      await running?.catch(() => undefined);
    },
  };
}
