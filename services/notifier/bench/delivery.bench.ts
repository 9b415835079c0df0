/**
 * Delivery throughput: alerts through SQS to SMTP. A practice and its recipients in a fresh
 * PostgreSQL schema, the real notifier (startNotifier) on the local stack, an in-process SMTP sink.
 *
 * (a) End to end: adt.matched.v1 records on Kafka → tasks and deliveries in PostgreSQL → jobs on
 *     SQS → workers → SMTP. A burst (mails/s from first to last mail) and a paced run at half
 *     the burst rate (latency, record published → mail accepted by the sink).
 * (b) Workers only: delivery rows inserted and their jobs put on SQS (enqueueJobs) before the
 *     notifier starts, for each DELIVERY_WORKERS × SMTP_POOL_CONNECTIONS: deliveries/s.
 * (c) Reference: the SMTP leg alone (SmtpProvider → the same sink), the ceiling of (a) and (b).
 *
 *   node --conditions=source --import tsx services/notifier/bench/delivery.bench.ts \
 *     [--alerts 300] [--per-alert 2] [--paced-seconds 8] [--deliveries 200] \
 *     [--workers 1,4,16] [--pools 5,20] [--recipients 50] [--reference 500] [--dry-run]
 *
 * `--alerts 0`, `--deliveries 0` or `--reference 0` skips (a), (b) or (c); `--dry-run` prints
 * without touching docs/. For a profile, add `--cpu-prof --cpu-prof-dir=…` after `node`.
 */
import { readFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { parseArgs } from "node:util";
import {
  type AdtEvent,
  indexFacilityMappings,
  loadFacilityMappings,
  type MatchedEvent,
} from "@homeward/contracts";
import { createPool, inTransaction, migrate } from "@homeward/db";
import { createOrganization, createRecipient } from "@homeward/directory";
import { normalizeAdt, parseHl7 } from "@homeward/hl7";
import { ADT_A04_ED } from "@homeward/hl7/fixtures";
import { createEventLog, createKafka, ensureTopics, HOMEWARD_TOPICS, topicName } from "@homeward/kafka";
import { stackEnv, startStack } from "@homeward/local-stack";
import { createLogger } from "@homeward/logger";
import { createSqsClient, ensureQueue, HOMEWARD_QUEUES, openWorkQueue } from "@homeward/sqs";
// @homeward/testing's entry point imports vitest (its `inject`), which throws outside a vitest run,
// and the package exports no path to the sink alone: so the sink's file, by path.
import { type SmtpSink, startSmtpSink } from "@homeward/testing";
import { machineLine, writeBenchmarkSection } from "@homeward/testing/bench";
import { buildAlertContent } from "../src/alert-content.ts";
import { startNotifier } from "../src/app.ts";
import { deliveryId } from "../src/delivery-ids.ts";
import { loadNotifierEnv } from "../src/env.ts";
import { insertDeliveries, type NewDelivery, pendingJobs } from "../src/notifier-store.ts";
import { enqueueJobs } from "../src/outbox.ts";
import { SmtpProvider } from "../src/providers/smtp/smtp.provider.ts";
import { renderAlertEmail } from "../src/render/alert-email.ts";

const { values } = parseArgs({
  options: {
    alerts: { type: "string", default: "300" },
    "per-alert": { type: "string", default: "2" },
    "paced-seconds": { type: "string", default: "8" },
    deliveries: { type: "string", default: "200" },
    workers: { type: "string", default: "1,4,16" },
    pools: { type: "string", default: "5,20" },
    recipients: { type: "string", default: "50" },
    reference: { type: "string", default: "500" },
    "dry-run": { type: "boolean", default: false },
  },
});
const ALERTS = Number(values.alerts);
const PER_ALERT = Number(values["per-alert"]);
const PACED_SECONDS = Number(values["paced-seconds"]);
const DELIVERIES = Number(values.deliveries);
const WORKERS = values.workers.split(",").map(Number);
const POOLS = values.pools.split(",").map(Number);
const RECIPIENTS = Number(values.recipients);
const REFERENCE = Number(values.reference);
const WARM_UP = 100;
/** What profiles of this bench showed: written down once, not re-measured by the script. */
const FINDINGS = `Profile taken before each worker handled the jobs of one receive side by side (1 worker then did 17 deliveries/s; now see above). Profile (\`--cpu-prof\`, 2026-11-23, AMD EPYC, 2 cores; not re-measured by the script). Workers only,
16 workers, 20 connections, 1,000 deliveries, with other work on the machine: the process's one
thread was busy 94% of the time at 68 deliveries/s, about 14.5 ms CPU per delivery: the sink 19%
(bench only), nodemailer 18%, socket writes, timers and promise jobs 16%, email rendering 15%, AWS
SDK (SQS) 11%, pg 9%, ioredis 4%, GC 4%. A delivery costs 4 Redis, 3 PostgreSQL (2 at the time of
that profile; the late-send correction check added one) and 1 SQS round trip (DeleteMessage, one per
message) plus a tenth of a ReceiveMessage; a matched record about 13 PostgreSQL statements and one
SendMessage per delivery. Two costs stand out in the notifier: (1) nodemailer's socket keeps Nagle's
algorithm on, so each message waits for the receiver's delayed ACK (~40 ms): one pooled connection
carries about 20 mails/s, which bounds 1 worker (15–18/s), the SMTP-only row at 5 connections, and
16 workers at 5 connections (which reach that row); with TCP_NODELAY on that socket (an experiment,
not in the code) 1 worker gave 31–45 deliveries/s and the SMTP leg at 5 connections 233–273 mails/s.
(2) Every time in an email goes through luxon's \`IANAZone.isValidZone\` and its \`ZZZZ\` token, each
building a new \`Intl.DateTimeFormat\`: one alert email takes about 1.5 ms CPU to render here, 0.45 ms
with both cached (same output).`;
const PATIENTS = 500;

const run = `benchn${Date.now().toString(36)}`;
const logger = createLogger({ service: "notifier-bench", level: "warn" });
const stack = await startStack(logger);
const baseEnv = {
  ...stackEnv(stack),
  DATABASE_SCHEMA: run,
  KAFKA_TOPIC_PREFIX: run,
  SQS_QUEUE_PREFIX: run,
  REDIS_KEY_PREFIX: `${run}:`,
  NOTIFIER_GROUP_ID: `${run}-notifier`,
  PUBLIC_BASE_URL: "https://homeward.bench",
  // Short long-polls so each configuration stops in a second; a busy queue answers at once anyway.
  DELIVERY_POLL_SECONDS: "1",
  SWEEP_INTERVAL_SECONDS: "3600",
  IDEMPOTENCY_TTL_HOURS: "1",
  OPS_PORT: "0",
};
const configWith = (sink: SmtpSink, overrides: Record<string, string> = {}) =>
  loadNotifierEnv({ ...baseEnv, SMTP_URL: sink.url, ...overrides });

// ---- Seed: one practice, its recipients (email only), patients for the tasks to point at.
const seedConfig = loadNotifierEnv({ ...baseEnv, SMTP_URL: "smtp://127.0.0.1:25" });
await migrate(seedConfig.stack.postgres);
const pool = createPool(seedConfig.stack.postgres);
const practice = await createOrganization(
  pool,
  {
    kind: "practice",
    code: "BENCH",
    name: "Bench Family Medicine",
    npi: null,
    tin: null,
    timeZone: "America/New_York",
    parentId: null,
  },
  new Date(),
);
if (typeof practice === "string") throw new Error(`bench practice not created: ${practice}`);
const practiceId = practice.id;
const recipients: { id: string; role: "care_manager" | "pcp" }[] = [];
for (let g = 0; g < RECIPIENTS; g++) {
  const role = g % 2 === 0 ? "care_manager" : "pcp";
  const created = await createRecipient(pool, practiceId, {
    role,
    displayName: `Recipient ${g}`,
    email: `r${g}@bench.example`,
    pagerId: null,
    timeZone: "America/New_York",
    active: true,
    npi: null,
  });
  if (typeof created === "string") throw new Error(`bench recipient not created: ${created}`);
  recipients.push({ id: created.id, role });
}
const patients = (
  await pool.query<{ id: string }>(
    `INSERT INTO patients (family_name, given_name, birth_date, sex)
     SELECT 'BENCH' || g, 'PATIENT', date '1950-01-01' + g, 'F' FROM generate_series(1, $1) g RETURNING id`,
    [PATIENTS],
  )
).rows.map((r) => String(r.id));

// ---- adt.matched.v1 records: the ED-arrival fixture, each with its own visit, for one practice.
const mappings = (() => {
  const file = new URL("../../adt-listener/config/facilities.example.json", import.meta.url);
  const loaded = loadFacilityMappings(readFileSync(file, "utf8"));
  if (!loaded.ok) throw new Error(loaded.problems.join("; "));
  return indexFacilityMappings(loaded.mappings.facilities);
})();
function edArrival(visit: string): AdtEvent {
  const hl7 = ADT_A04_ED.replace("MG20240305143015001", `MG-${visit}`).replaceAll("V40012345001", visit);
  const parsed = parseHl7(hl7);
  if (!parsed.ok) throw new Error(parsed.error.text);
  const mapping = mappings("MERCYGEN", "EPICADT");
  if (mapping === undefined) throw new Error("no facility mapping for MERCYGEN");
  const occurredAt = new Date(Date.now() - 60_000).toISOString();
  const normalized = normalizeAdt(parsed.message, mapping, { receivedAt: occurredAt });
  if (!normalized.ok) throw new Error(normalized.error.text);
  return { ...normalized.event, occurredAt };
}
/** Record `i` of a run: its own visit and match, a rotating patient, PER_ALERT rotating recipients. */
function matchedRecord(label: string, i: number): MatchedEvent {
  const event = edArrival(`${run}-${label}-${i}`);
  const to = Array.from({ length: PER_ALERT }, (_, k) => recipients[(i * PER_ALERT + k) % recipients.length]);
  return {
    schemaVersion: 1,
    matchId: `match-${event.eventId}`,
    kind: "announcement",
    event,
    patientId: patients[i % patients.length] ?? "1",
    practice: {
      organizationId: practiceId,
      code: "BENCH",
      name: "Bench Family Medicine",
      timeZone: "America/New_York",
    },
    enrollment: {
      program: "complex-care",
      riskTier: "I",
      status: "active",
      leadOrganization: "practice",
      copy: "lead",
    },
    recipients: to.flatMap((r) =>
      r === undefined
        ? []
        : [{ recipientId: r.id, role: r.role === "pcp" ? "pcp" : "care-manager", copy: "lead" as const }],
    ),
    flags: {},
    encounter: {
      facility: event.facility.sendingFacility,
      visitNumber: event.visit?.visitNumber ?? "none",
      setting: "ed",
      status: "active",
    },
    match: { method: "identifier", fields: [{ field: "identifier:MR", agreement: "exact" }] },
    matchedAt: new Date().toISOString(),
  };
}
const mailIds = (m: MatchedEvent) =>
  m.recipients.map((r) => deliveryId(m.matchId, r.recipientId, "email", "alert"));

// ---- Measuring helpers.
/** The delivery id a mail carries in its Message-ID (`<dlv_…@domain>`, see deliveryMessageId). */
const idOfMail = (messageId: string) => /^<([^@]+)@/.exec(messageId)?.[1] ?? "";
/**
 * Stamps every mail the sink accepts from index `from` on with the moment it arrived (the sink's
 * waiters fire as each mail is pushed), until `count` have arrived. Rejects after `timeoutMs`.
 */
async function collect(sink: SmtpSink, from: number, count: number, timeoutMs = 300_000) {
  const at: number[] = [];
  const deadline = performance.now() + timeoutMs;
  let cpuAtFirst: NodeJS.CpuUsage | undefined;
  let machineAtFirst: ReturnType<typeof machineTimes> | undefined;
  while (at.length < count) {
    await sink.waitFor(from + at.length + 1, Math.max(1, deadline - performance.now()));
    const now = performance.now();
    if (at.length === 0) {
      cpuAtFirst = process.cpuUsage();
      machineAtFirst = machineTimes();
    }
    while (from + at.length < sink.received.length) at.push(now);
  }
  const cpu = process.cpuUsage(cpuAtFirst);
  const machine = machineTimes();
  const first = at[0] ?? Number.NaN;
  const last = at[count - 1] ?? Number.NaN;
  return {
    at,
    ids: sink.received.slice(from, from + count).map((m) => idOfMail(m.messageId)),
    seconds: (last - first) / 1000,
    /** Mails/s from the first mail to the last (the first one opens the window). */
    rate: (count - 1) / ((last - first) / 1000),
    /** This process's CPU (notifier + sink + bench) per mail after the first, in µs. */
    cpuPerMail: (cpu.user + cpu.system) / Math.max(1, count - 1),
    /** How busy both cores were over the window (Kafka, ElasticMQ, PostgreSQL, Redis included). */
    machineBusy:
      machineAtFirst === undefined
        ? Number.NaN
        : 1 - (machine.idle - machineAtFirst.idle) / (machine.total - machineAtFirst.total),
  };
}
function machineTimes() {
  let idle = 0;
  let total = 0;
  for (const c of cpus()) {
    idle += c.times.idle;
    total += c.times.idle + c.times.user + c.times.sys + c.times.nice + c.times.irq;
  }
  return { idle, total };
}
const pct = (xs: readonly number[], p: number) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
};
const fmt = (n: number) => Math.round(n).toLocaleString("en-US");
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const sentCount = async (ids: readonly string[]) =>
  Number(
    (
      await pool.query<{ n: string }>(
        "SELECT count(*) AS n FROM deliveries WHERE id = ANY($1::text[]) AND status = 'sent' AND attempts = 1",
        [ids],
      )
    ).rows[0]?.n,
  );
/** Every expected mail exactly once, and every row sent on its first attempt. */
async function check(label: string, sink: SmtpSink, from: number, expected: readonly string[]) {
  await sleep(1000); // a late duplicate would arrive by now
  const got = sink.received.slice(from).map((m) => idOfMail(m.messageId));
  const unique = new Set(got);
  const missing = expected.filter((id) => !unique.has(id)).length;
  const sent = await sentCount(expected);
  if (got.length !== expected.length || missing > 0 || sent !== expected.length) {
    throw new Error(
      `${label}: ${got.length} mails (${unique.size} distinct, ${missing} missing) and ${sent} rows sent once, for ${expected.length} deliveries`,
    );
  }
}

const kafka = createKafka({ brokers: seedConfig.stack.kafka.brokers, clientId: run }, logger);
await ensureTopics(kafka, HOMEWARD_TOPICS, { prefix: run });
const matchedTopic = topicName(run, "adt.matched.v1");
const admin = kafka.admin();
await admin.connect();
/** Waits until the notifier's consumer group has its member and partitions. */
async function groupStable(groupId: string) {
  for (let i = 0; i < 600; i++) {
    const { groups } = await admin.describeGroups([groupId]);
    if (groups[0]?.state === "Stable" && groups[0].members.length > 0) return;
    await sleep(100);
  }
  throw new Error(`consumer group ${groupId} never became stable`);
}

// ---- (a) End to end.
interface EndToEnd {
  burst: Awaited<ReturnType<typeof collect>> & { records: number; latency: number[] };
  paced: { offered: number; records: number; rate: number; latency: number[] };
  config: ReturnType<typeof loadNotifierEnv>;
}
async function endToEnd(): Promise<EndToEnd> {
  const sink = await startSmtpSink();
  const config = configWith(sink);
  const notifier = await startNotifier(config, logger);
  const eventLog = await createEventLog(kafka);
  const publishedAt = new Map<string, number>();
  const publish = async (records: readonly MatchedEvent[]) => {
    const now = performance.now();
    for (const m of records) for (const id of mailIds(m)) publishedAt.set(id, now);
    await eventLog.publish(
      records.map((m) => ({
        topic: matchedTopic,
        key: `${m.event.facility.sendingFacility}|${m.patientId}`,
        value: JSON.stringify(m),
      })),
    );
  };
  const latencies = (c: { at: number[]; ids: string[] }) =>
    c.ids.map((id, k) => (c.at[k] ?? Number.NaN) - (publishedAt.get(id) ?? Number.NaN));
  try {
    await groupStable(config.NOTIFIER_GROUP_ID);
    // Warm-up: JIT, connection pools, the SMTP pool.
    const warm = Array.from({ length: WARM_UP }, (_, i) => matchedRecord("warm", i));
    await publish(warm);
    await collect(sink, 0, warm.length * PER_ALERT);
    await check("warm-up", sink, 0, warm.flatMap(mailIds));

    // Burst: every record on Kafka at once (in batches of 500, as a matcher would write them).
    const records = Array.from({ length: ALERTS }, (_, i) => matchedRecord("burst", i));
    const from = sink.received.length;
    const burstCollect = collect(sink, from, ALERTS * PER_ALERT);
    for (let i = 0; i < records.length; i += 500) await publish(records.slice(i, i + 500));
    const burst = await burstCollect;
    await check("burst", sink, from, records.flatMap(mailIds));

    // Paced at half the burst's record rate: the latency of a notifier that keeps up.
    const offered = burst.rate / PER_ALERT / 2;
    const count = Math.max(1, Math.round(offered * PACED_SECONDS));
    const paced = Array.from({ length: count }, (_, i) => matchedRecord("paced", i));
    const pacedFrom = sink.received.length;
    const pacedCollect = collect(sink, pacedFrom, count * PER_ALERT);
    const start = performance.now();
    let sent = 0;
    const inFlight: Promise<void>[] = [];
    while (sent < count) {
      const due = Math.min(count, Math.floor(((performance.now() - start) / 1000) * offered) + 1);
      if (due > sent) {
        inFlight.push(publish(paced.slice(sent, due)));
        sent = due;
      }
      await sleep(5);
    }
    await Promise.all(inFlight);
    const pacedResult = await pacedCollect;
    await check("paced", sink, pacedFrom, paced.flatMap(mailIds));
    return {
      burst: { ...burst, records: ALERTS, latency: latencies(burst) },
      paced: {
        offered,
        records: count,
        rate: pacedResult.rate,
        latency: latencies(pacedResult),
      },
      config,
    };
  } finally {
    await notifier.stop();
    await eventLog.close();
    await sink.close();
  }
}

// ---- (b) Workers only: rows and jobs ready before the notifier starts.
const template = matchedRecord("template", 0);
const templateContent = buildAlertContent({
  matched: template,
  purpose: "alert",
  copy: "lead",
  tasks: [{ taskId: "task_bench", title: "Follow-up call", dueAt: new Date(Date.now() + 86_400_000) }],
  detailLevel: "minimal",
  baseUrl: baseEnv.PUBLIC_BASE_URL,
});
const sqs = createSqsClient(seedConfig.stack.sqs);
const spec = HOMEWARD_QUEUES.find((q) => q.name === "homeward-alerts");
if (spec === undefined) throw new Error("homeward-alerts queue spec missing");
const queueUrls = await ensureQueue(sqs, { ...spec, maxReceiveCount: seedConfig.DELIVERY_MAX_ATTEMPTS }, run);
const alertsQueue = openWorkQueue(sqs, queueUrls.url);

interface WorkerRun {
  workers: number;
  connections: number;
  result: Awaited<ReturnType<typeof collect>>;
}
async function workersOnly(workers: number, connections: number): Promise<WorkerRun> {
  const label = `w${workers}p${connections}`;
  const deliveries: NewDelivery[] = Array.from({ length: DELIVERIES }, (_, i) => {
    const r = recipients[i % recipients.length];
    if (r === undefined) throw new Error("no recipients");
    const matchId = `match-${run}-${label}-${i}`;
    return {
      id: deliveryId(matchId, r.id, "email", "alert"),
      purpose: "alert",
      channel: "email",
      recipientId: r.id,
      organizationId: practiceId,
      matchId,
      content: templateContent,
      status: "queued",
    };
  });
  const ids = deliveries.map((d) => d.id);
  for (let i = 0; i < deliveries.length; i += 1000) {
    await inTransaction(pool, (tx) => insertDeliveries(tx, deliveries.slice(i, i + 1000)));
  }
  const jobs = await pendingJobs(pool, { ids });
  for (let i = 0; i < jobs.length; i += 250) {
    await enqueueJobs(alertsQueue, pool, jobs.slice(i, i + 250), logger);
  }
  const sink = await startSmtpSink();
  const notifier = await startNotifier(
    configWith(sink, { DELIVERY_WORKERS: String(workers), SMTP_POOL_CONNECTIONS: String(connections) }),
    logger,
  );
  try {
    const result = await collect(sink, 0, DELIVERIES);
    await check(label, sink, 0, ids);
    return { workers, connections, result };
  } finally {
    await notifier.stop();
    await sink.close();
  }
}

// ---- (c) The SMTP leg alone: the same mail through SmtpProvider into the same kind of sink.
async function smtpOnly(connections: number, count: number) {
  const sink = await startSmtpSink();
  const provider = new SmtpProvider({
    host: "127.0.0.1",
    port: sink.port,
    from: "Homeward <alerts@homeward.local>",
    maxConnections: connections,
  });
  const rendered = renderAlertEmail(templateContent, { timeZone: "America/New_York" });
  try {
    await provider.send({ deliveryId: `warm-${connections}`, to: "r0@bench.example", ...rendered });
    const done = collect(sink, 1, count);
    let next = 0;
    const sender = async () => {
      while (next < count) {
        const i = next++;
        const r = await provider.send({
          deliveryId: `smtp-${connections}-${i}`,
          to: "r0@bench.example",
          ...rendered,
        });
        if (r.status !== "sent") throw new Error(`smtp-only send failed: ${r.code}`);
      }
    };
    await Promise.all(Array.from({ length: 64 }, sender));
    return await done;
  } finally {
    await provider.close();
    await sink.close();
  }
}

// ---- Run, report.
const loadAtStart = loadavg()[0] ?? Number.NaN;
const t0 = performance.now();
const e2e = ALERTS > 0 ? await endToEnd() : undefined;
if (e2e !== undefined) {
  const b = e2e.burst;
  console.log(
    `e2e burst: ${b.records} records → ${b.at.length} mails in ${b.seconds.toFixed(1)} s: ${fmt(b.rate)} mails/s; ` +
      `latency p50 ${fmt(pct(b.latency, 50))} ms, p99 ${fmt(pct(b.latency, 99))} ms; CPU ${fmt(b.cpuPerMail)} µs/mail, machine ${Math.round(b.machineBusy * 100)}% busy`,
  );
  const p = e2e.paced;
  console.log(
    `e2e paced: ${p.records} records at ${p.offered.toFixed(1)}/s: latency p50 ${fmt(pct(p.latency, 50))} ms, p99 ${fmt(pct(p.latency, 99))} ms`,
  );
}
const workerRuns: WorkerRun[] = [];
if (DELIVERIES > 0) {
  for (const connections of POOLS) {
    for (const workers of WORKERS) {
      const w = await workersOnly(workers, connections);
      workerRuns.push(w);
      console.log(
        `workers ${workers}, SMTP connections ${connections}: ${fmt(w.result.rate)} deliveries/s (${DELIVERIES} in ${w.result.seconds.toFixed(1)} s), CPU ${fmt(w.result.cpuPerMail)} µs/delivery, machine ${Math.round(w.result.machineBusy * 100)}% busy`,
      );
    }
  }
}
const smtpRuns: { connections: number; result: Awaited<ReturnType<typeof collect>> }[] = [];
for (const connections of REFERENCE > 0 ? POOLS : []) {
  const result = await smtpOnly(connections, REFERENCE);
  smtpRuns.push({ connections, result });
  console.log(
    `SMTP only, ${connections} connections: ${fmt(result.rate)} mails/s, CPU ${fmt(result.cpuPerMail)} µs/mail`,
  );
}
const totalSeconds = (performance.now() - t0) / 1000;

await admin.deleteTopics({ topics: HOMEWARD_TOPICS.map((t) => topicName(run, t.name)) }).catch(() => {});
await admin.disconnect();
sqs.destroy();
await pool.query(`DROP SCHEMA ${run} CASCADE`);
await pool.end();

const busy = (x: number) => `${Math.round(x * 100)}%`;
const e2eTable =
  e2e === undefined
    ? "(skipped)"
    : [
        "| run | records | mails | mails/s | latency p50 ms | p99 ms | CPU µs/mail | machine busy |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        `| burst (all on Kafka at once) | ${fmt(e2e.burst.records)} | ${fmt(e2e.burst.at.length)} | **${fmt(e2e.burst.rate)}** | ${fmt(pct(e2e.burst.latency, 50))} | ${fmt(pct(e2e.burst.latency, 99))} | ${fmt(e2e.burst.cpuPerMail)} | ${busy(e2e.burst.machineBusy)} |`,
        `| paced at ${e2e.paced.offered.toFixed(1)} records/s (half the burst) | ${fmt(e2e.paced.records)} | ${fmt(e2e.paced.latency.length)} | ${fmt(e2e.paced.rate)} | **${fmt(pct(e2e.paced.latency, 50))}** | **${fmt(pct(e2e.paced.latency, 99))}** | | |`,
      ].join("\n");
const workerTable =
  workerRuns.length === 0
    ? "(skipped)"
    : [
        "| DELIVERY_WORKERS | SMTP_POOL_CONNECTIONS | deliveries/s | CPU µs/delivery | machine busy |",
        "| ---: | ---: | ---: | ---: | ---: |",
        ...workerRuns.map(
          (w) =>
            `| ${w.workers} | ${w.connections} | **${fmt(w.result.rate)}** | ${fmt(w.result.cpuPerMail)} | ${busy(w.result.machineBusy)} |`,
        ),
      ].join("\n");
const smtpTable =
  smtpRuns.length === 0
    ? "(skipped)"
    : [
        "| SMTP_POOL_CONNECTIONS | mails/s | CPU µs/mail | machine busy |",
        "| ---: | ---: | ---: | ---: |",
        ...smtpRuns.map(
          (s) =>
            `| ${s.connections} | ${fmt(s.result.rate)} | ${fmt(s.result.cpuPerMail)} | ${busy(s.result.machineBusy)} |`,
        ),
      ].join("\n");
const c = e2e?.config;
const section = `## delivery

${machineLine()}; load average ${loadAtStart.toFixed(1)} when the run started.
Kafka, ElasticMQ (both JVMs), PostgreSQL and Redis share the cores with this process, which runs the
real notifier (\`startNotifier\`) and an in-process SMTP sink (smtp-server + mailparser,
\`startSmtpSink\`). One practice, ${RECIPIENTS} email-only recipients, a fresh schema; the bench sets
DELIVERY_POLL_SECONDS=1 (so each configuration stops quickly), the rest is the notifier's defaults.
${totalSeconds.toFixed(0)} s in all. Run: \`node --conditions=source --import tsx services/notifier/bench/delivery.bench.ts --alerts ${ALERTS} --per-alert ${PER_ALERT} --deliveries ${DELIVERIES} --reference ${REFERENCE}\`.
CPU is this process's (notifier and sink, all threads) per mail; "machine busy" is both cores,
engines and anything else running included.

**End to end**: adt.matched.v1 records (ED arrival, Priority I, ${PER_ALERT} recipients each: one task and
${PER_ALERT} emails per record) → notifier consumer (${c?.NOTIFIER_PARTITIONS_CONCURRENTLY ?? "-"} partitions at once) → tasks and deliveries in
PostgreSQL → jobs on SQS → ${c?.DELIVERY_WORKERS ?? "-"} workers → SMTP (${c?.SMTP_POOL_CONNECTIONS ?? "-"} pooled connections). ${WARM_UP} records warm up first.
mails/s from the first mail to the last; latency from just before the record is handed to the
producer to the sink accepting the mail. In the burst, latency is mostly waiting in line.

${e2eTable}

**Workers only**: ${fmt(DELIVERIES)} queued delivery rows and their SQS jobs (\`enqueueJobs\`) in place before
the notifier starts; deliveries/s from the first mail to the last.

${workerTable}

**SMTP leg only** (reference): the same rendered mail, \`SmtpProvider.send\` with 64 sends in flight
straight into a fresh sink, ${fmt(REFERENCE)} mails: the ceiling of the SMTP leg in this process.

${smtpTable}

${FINDINGS}`;
console.log(section);
if (!values["dry-run"]) writeBenchmarkSection("delivery", section);
process.exit(0);
