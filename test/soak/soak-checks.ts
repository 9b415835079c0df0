import { GetQueueAttributesCommand, GetQueueUrlCommand, SQSClient } from "@aws-sdk/client-sqs";
import type { Pool } from "@homeward/db";
import { createKafka } from "@homeward/kafka";
import type { Logger } from "@homeward/logger";
import type { SentMessage } from "./soak-feed.ts";
import { type SoakWorld, soakEventId } from "./soak-roster.ts";
import type { Arrival } from "./soak-sinks.ts";

/**
 * What a soak run proves, message by message: each accepted message is on adt.events.v1, opened
 * exactly its one task for the right person, and reached each expected recipient exactly once;
 * nothing is left in an outbox, a queue or the dead-letter queue.
 */

/** An alert the world says must arrive: to whom, by which channel, for which message. */
interface ExpectedAlert {
  controlId: string;
  recipientId: string;
  channel: "email" | "pager";
  address: string;
}

export function expectedAlerts(
  world: SoakWorld,
  sent: readonly SentMessage[],
  patientOf: (controlId: string) => number,
) {
  const out: ExpectedAlert[] = [];
  for (const m of sent) {
    const p = world.patients[patientOf(m.controlId)];
    if (p === undefined) continue;
    const cm = p.careManager;
    out.push({
      controlId: m.controlId,
      recipientId: world.recipients[cm],
      channel: "email",
      address: world.emails[cm],
    });
    out.push({
      controlId: m.controlId,
      recipientId: world.recipients.pcp,
      channel: "email",
      address: world.emails.pcp,
    });
    if (p.tier === "I")
      out.push({
        controlId: m.controlId,
        recipientId: world.recipients[cm],
        channel: "pager",
        address: world.pagers[cm],
      });
  }
  return out;
}

export interface SoakFindings {
  accepted: number;
  notAccepted: number;
  eventsOnTopic: { distinct: number; missing: number; extraCopies: number };
  tasks: {
    expected: number;
    exactlyOnce: number;
    missing: number;
    duplicated: number;
    wrongAssignee: number;
  };
  alerts: {
    expected: number;
    exactlyOnce: number;
    lost: number;
    duplicated: number;
    /**
     * Sent twice because a delivery worker was killed after the server took the first copy and
     * before the worker could record it (the SMTP/WCTP acceptance window, RFC 1047): both copies
     * carry the same idempotency key (Message-ID, WCTP messageID), so a receiver can drop the second.
     */
    resentAfterCrash: number;
    unexpected: number;
  };
  /** For each alert delivered more than once: its delivery id, every arrival time (ms), the notifier's attempts. */
  duplicates: { deliveryIds: string[]; arrivals: number[]; attempts?: unknown[] }[];
  stuck: { deliveriesNotSent: number; queued: number; inFlight: number; deadLettered: number };
  /** ADT first sent → alert received at the sink, ms. */
  latency: { calm: number[]; faulted: number[] };
}

/** Every record of adt.events.v1 (a fresh consumer group, from the beginning), as event ids. */
async function eventIdsOnTopic(brokers: string[], logger: Logger): Promise<string[]> {
  const kafka = createKafka({ brokers, clientId: "soak-check" }, logger.child({}, { level: "fatal" }));
  const admin = kafka.admin();
  await admin.connect();
  const offsets = await admin.fetchTopicOffsets("adt.events.v1");
  await admin.disconnect();
  const wanted = offsets.reduce((n, o) => n + Number(o.high) - Number(o.low), 0);
  const ids: string[] = [];
  const consumer = kafka.consumer({ groupId: `soak-check-${Date.now()}` });
  await consumer.connect();
  await consumer.subscribe({ topic: "adt.events.v1", fromBeginning: true });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`read ${ids.length} of ${wanted} events`)), 60_000);
    if (wanted === 0) {
      clearTimeout(timer);
      resolve();
    }
    consumer
      .run({
        eachMessage: async ({ message }) => {
          const value = JSON.parse(message.value?.toString() ?? "{}") as { eventId?: string };
          ids.push(value.eventId ?? "");
          if (ids.length >= wanted) {
            clearTimeout(timer);
            resolve();
          }
        },
      })
      .catch(reject);
  });
  await consumer.disconnect();
  return ids;
}

async function queueDepth(sqs: SQSClient, name: string) {
  const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: name }));
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl,
      AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    }),
  );
  return {
    visible: Number(Attributes?.ApproximateNumberOfMessages ?? 0),
    inFlight: Number(Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0),
  };
}

export async function checkSoak(input: {
  pool: Pool;
  brokers: string[];
  sqsEndpoint: string;
  logger: Logger;
  world: SoakWorld;
  sent: readonly SentMessage[];
  patientOf: (controlId: string) => number;
  arrivals: readonly Arrival[];
  /** [from, to] epoch ms windows when a fault was in force (and its recovery). */
  faultWindows: readonly [number, number][];
  /** When a process that sends (a notifier, with its delivery workers) was killed. */
  senderKills: readonly number[];
}): Promise<SoakFindings> {
  const { pool, world, sent } = input;
  const accepted = sent.filter((m) => m.acceptedAt !== undefined);

  const onTopic = await eventIdsOnTopic(input.brokers, input.logger);
  const copies = new Map<string, number>();
  for (const id of onTopic) copies.set(id, (copies.get(id) ?? 0) + 1);
  const acceptedIds = accepted.map((m) => soakEventId(m.controlId));
  const missingEvents = acceptedIds.filter((id) => !copies.has(id)).length;
  const extraCopies = acceptedIds.reduce((n, id) => n + Math.max(0, (copies.get(id) ?? 0) - 1), 0);

  const { rows: taskRows } = await pool.query<{ visit: string; n: number; assignees: string[] }>(
    `SELECT visit_number AS visit, count(*)::int AS n, array_agg(assignee_recipient_id::text) AS assignees
       FROM tasks GROUP BY visit_number`,
  );
  const tasksByVisit = new Map(taskRows.map((r) => [r.visit, r]));
  const tasks = { expected: accepted.length, exactlyOnce: 0, missing: 0, duplicated: 0, wrongAssignee: 0 };
  for (const m of accepted) {
    const row = tasksByVisit.get(`V${m.controlId}`);
    const cm = world.recipients[world.patients[input.patientOf(m.controlId)]?.careManager ?? "cm1"];
    if (row === undefined) tasks.missing++;
    else if (row.n > 1) tasks.duplicated++;
    else if (row.assignees[0] !== cm) tasks.wrongAssignee++;
    else tasks.exactlyOnce++;
  }

  // Deliveries: what the notifier planned, by idempotency key, and what reached the sinks.
  const { rows: deliveries } = await pool.query<{
    id: string;
    event_id: string | null;
    recipient_id: string;
    channel: "email" | "pager";
    status: string;
  }>("SELECT id, event_id, recipient_id::text, channel, status FROM deliveries WHERE purpose = 'alert'");
  const byDelivery = new Map(deliveries.map((d) => [d.id, d]));
  const arrivalsByDelivery = new Map<string, Arrival[]>();
  for (const a of input.arrivals) {
    const list = arrivalsByDelivery.get(a.deliveryId) ?? [];
    list.push(a);
    arrivalsByDelivery.set(a.deliveryId, list);
  }
  const controlOf = new Map(accepted.map((m) => [soakEventId(m.controlId), m]));
  const received = new Map<
    string,
    { count: number; firstAt: number; deliveryIds: Set<string>; arrivals: number[] }
  >();
  let unexpected = 0;
  for (const [deliveryId, list] of arrivalsByDelivery) {
    const d = byDelivery.get(deliveryId);
    const m = d?.event_id == null ? undefined : controlOf.get(d.event_id);
    if (d === undefined || m === undefined) {
      unexpected += list.length;
      continue;
    }
    const key = `${m.controlId}|${d.recipient_id}|${d.channel}`;
    const seen = received.get(key);
    received.set(key, {
      count: (seen?.count ?? 0) + list.length,
      firstAt: Math.min(seen?.firstAt ?? Number.POSITIVE_INFINITY, ...list.map((a) => a.at)),
      deliveryIds: new Set([...(seen?.deliveryIds ?? []), deliveryId]),
      arrivals: [...(seen?.arrivals ?? []), ...list.map((a) => a.at)],
    });
  }
  const expected = expectedAlerts(world, accepted, input.patientOf);
  const alerts = {
    expected: expected.length,
    exactlyOnce: 0,
    lost: 0,
    duplicated: 0,
    resentAfterCrash: 0,
    unexpected,
  };
  // The first copy arrived at most a second before the kill: the worker had it on the wire.
  const inCrashWindow = (firstAt: number) =>
    input.senderKills.some((k) => firstAt >= k - 1000 && firstAt <= k + 100);
  const latency = { calm: [] as number[], faulted: [] as number[] };
  const duplicates: SoakFindings["duplicates"] = [];
  const expectedKeys = new Set<string>();
  for (const e of expected) {
    const key = `${e.controlId}|${e.recipientId}|${e.channel}`;
    expectedKeys.add(key);
    const r = received.get(key);
    if (r === undefined) alerts.lost++;
    else if (r.count === 2 && r.deliveryIds.size === 1 && inCrashWindow(r.firstAt)) {
      alerts.resentAfterCrash++;
      duplicates.push({ deliveryIds: [...r.deliveryIds], arrivals: r.arrivals.sort((a, b) => a - b) });
    } else if (r.count > 1) {
      alerts.duplicated++;
      duplicates.push({ deliveryIds: [...r.deliveryIds], arrivals: r.arrivals.sort((a, b) => a - b) });
    } else alerts.exactlyOnce++;
    const m = accepted.find((x) => x.controlId === e.controlId);
    if (r !== undefined && m !== undefined) {
      const ms = r.firstAt - m.firstSentAt;
      const faulted = input.faultWindows.some(([from, to]) => m.firstSentAt <= to && r.firstAt >= from);
      (faulted ? latency.faulted : latency.calm).push(ms);
    }
  }
  for (const [key, r] of received) if (!expectedKeys.has(key)) alerts.unexpected += r.count;

  for (const d of duplicates) {
    const { rows } = await pool.query(
      `SELECT extract(epoch FROM at) * 1000 AS at, receive_count, outcome, error_code
         FROM delivery_attempts WHERE delivery_id = ANY($1::text[]) ORDER BY at`,
      [d.deliveryIds],
    );
    d.attempts = rows;
  }
  const sqs = new SQSClient({
    endpoint: input.sqsEndpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
  });
  const alertsQueue = await queueDepth(sqs, "homeward-alerts");
  const dlq = await queueDepth(sqs, "homeward-alerts-dlq");
  sqs.destroy();

  return {
    accepted: accepted.length,
    notAccepted: sent.length - accepted.length,
    eventsOnTopic: { distinct: copies.size, missing: missingEvents, extraCopies },
    tasks,
    alerts,
    duplicates,
    stuck: {
      deliveriesNotSent: deliveries.filter((d) => d.status !== "sent").length,
      queued: alertsQueue.visible,
      inFlight: alertsQueue.inFlight,
      deadLettered: dlq.visible + dlq.inFlight,
    },
    latency,
  };
}

/** Whether the run lost or doubled anything (what fails it). */
export function soakFailures(f: SoakFindings): string[] {
  const problems: string[] = [];
  if (f.notAccepted > 0) problems.push(`${f.notAccepted} messages never answered AA`);
  if (f.eventsOnTopic.missing > 0)
    problems.push(`${f.eventsOnTopic.missing} accepted messages not on adt.events.v1`);
  if (f.tasks.missing > 0) problems.push(`${f.tasks.missing} tasks missing`);
  if (f.tasks.duplicated > 0) problems.push(`${f.tasks.duplicated} tasks duplicated`);
  if (f.tasks.wrongAssignee > 0) problems.push(`${f.tasks.wrongAssignee} tasks assigned to the wrong person`);
  if (f.alerts.lost > 0) problems.push(`${f.alerts.lost} alerts lost`);
  if (f.alerts.duplicated > 0) problems.push(`${f.alerts.duplicated} alerts delivered more than once`);
  if (f.alerts.unexpected > 0) problems.push(`${f.alerts.unexpected} unexpected deliveries`);
  const s = f.stuck;
  if (s.deliveriesNotSent + s.queued + s.inFlight + s.deadLettered > 0)
    problems.push(`stuck: ${JSON.stringify(s)}`);
  return problems;
}
