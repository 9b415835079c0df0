import type { MatchedEvent } from "@homeward/contracts";
import { inTransaction, type Pool } from "@homeward/db";
import type { Logger } from "@homeward/logger";
import {
  type Endpoint,
  enabledEndpoints,
  findEndpoint,
  insertOutboundDeliveries,
  markOutboundEnqueued,
  type OutboundJob,
  type OutboundJobRow,
  pendingOutbound,
  planNotifications,
  planRetractions,
  retractNotifications,
} from "@homeward/outbound";
import { planSubscriptionNotifications } from "@homeward/outbound/subscriptions";
import type { WorkQueue } from "@homeward/sqs";

export interface OutboundPlanDeps {
  pool: Pool;
  /** The outbound queue (homeward-outbound). */
  queue: WorkQueue;
  /**
   * Whether the organizations' endpoints are planned (default true; false without
   * OUTBOUND_SECRET_KEY, when their secrets cannot be opened). FHIR Subscriptions are planned either way.
   */
  endpoints?: boolean;
  /** Homeward as the Da Vinci message source: its public base URL. */
  sourceEndpoint: string;
  /** As for alerts: an event this much older than now (a backfill) is recorded, not sent. */
  maxEventAgeHours: number;
  now: () => Date;
  logger: Logger;
}

/**
 * One adt.matched.v1 record for the organization's systems: an announcement becomes one delivery per
 * enabled endpoint of the record's own organization that wants it, and one per live FHIR
 * Subscription of that organization to the record's topic (numbered in the same transaction); a
 * retraction skips the notifications not yet sent (a subscription's too) and plans a cancel for each
 * endpoint's one sent. Rows first (keyed by (match, endpoint, purpose) or (match, subscription), so
 * a redelivered record plans nothing twice), then the jobs on SQS; a crash between leaves rows the
 * outbox pass enqueues.
 */
export async function handleMatchedOutbound(matched: MatchedEvent, deps: OutboundPlanDeps): Promise<number> {
  const now = deps.now();
  const ids =
    matched.kind === "retraction"
      ? await inTransaction(deps.pool, async (tx) => {
          const retracted = matched.retracts;
          if (retracted === undefined) return [];
          const sent = await retractNotifications(tx, retracted.matchId);
          const endpoints = new Map<string, Endpoint>();
          for (const id of new Set(sent.map((s) => s.endpointId))) {
            const e = await findEndpoint(tx, id);
            if (e !== undefined) endpoints.set(id, e);
          }
          return insertOutboundDeliveries(tx, planRetractions(matched, sent, endpoints, now));
        })
      : [
          ...(deps.endpoints !== false ? await announce(matched, deps, now) : []),
          ...(await planSubscriptionNotifications(deps.pool, matched, now)),
        ];
  if (ids.length === 0) return 0;
  return enqueueOutbound(deps.queue, deps.pool, await pendingOutbound(deps.pool, { ids }), deps.logger);
}

async function announce(matched: MatchedEvent, deps: OutboundPlanDeps, now: Date): Promise<string[]> {
  const endpoints = await enabledEndpoints(deps.pool, matched.practice.organizationId);
  if (endpoints.length === 0) return [];
  const ageHours = (now.getTime() - Date.parse(matched.event.occurredAt)) / 3_600_000;
  const planned = planNotifications(matched, endpoints, {
    now,
    source: { name: "Homeward", endpoint: deps.sourceEndpoint },
    ...(ageHours > deps.maxEventAgeHours
      ? {
          skipReason: `stale: the event happened more than ${deps.maxEventAgeHours} hours before it reached Homeward`,
        }
      : {}),
  });
  return insertOutboundDeliveries(deps.pool, planned);
}

/** Puts queued outbound deliveries on SQS, then marks them enqueued (the outbox's second half). */
export async function enqueueOutbound(
  queue: WorkQueue,
  pool: Pool,
  rows: readonly OutboundJobRow[],
  logger: Logger,
): Promise<number> {
  const sent: string[] = [];
  await Promise.all(
    rows.map(async (r) => {
      const job: OutboundJob = {
        schemaVersion: 1,
        deliveryId: r.id,
        kind: r.kind,
        purpose: r.purpose,
        enqueuedAt: new Date().toISOString(),
      };
      try {
        await queue.send(JSON.stringify(job), { attributes: { purpose: r.purpose, channel: r.kind } });
        sent.push(r.id);
      } catch (err) {
        logger.warn({ err, deliveryId: r.id }, "outbound enqueue failed; the outbox pass will retry");
      }
    }),
  );
  await markOutboundEnqueued(pool, sent);
  return sent.length;
}
