import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createPool, migrate } from "@homeward/db";
import { createKafka } from "@homeward/kafka";
import type { Logger } from "@homeward/logger";
import { processCpuSeconds } from "@homeward/testing/bench";
import { checkSoak, type SoakFindings, soakFailures } from "./soak-checks.ts";
import { type Engine, freshKafka, freshSqs, redisEngine } from "./soak-engines.ts";
import { runFeed, type SentMessage } from "./soak-feed.ts";
import { ServiceProcess } from "./soak-processes.ts";
import { seedSoakWorld, soakMessage, soakPatients } from "./soak-roster.ts";
import { type Sink, smtpSink, wctpSink } from "./soak-sinks.ts";

/**
 * The fault-injection soak: the whole pipeline as separate processes (MLLP → listener → Kafka →
 * two matchers → two notifiers with their delivery workers → SQS → SMTP and WCTP sinks), a steady
 * feed whose every outcome is known, and faults at planned moments while it runs. At the end it
 * checks that nothing was lost and nothing was done twice (soak-checks.ts).
 */

const REPO_ROOT = fileURLToPath(new URL("../..", import.meta.url));
const MLLP_PORT = 22575;
const SMTP_PORT = 21025;
const WCTP_PORT = 21080;

/** What can be done to the running pipeline. */
export type FaultKind =
  | "kill-listener"
  | "kill-matcher"
  | "kill-notifier"
  | "restart-kafka"
  | "restart-sqs"
  | "restart-redis"
  | "restart-smtp";

export interface Fault {
  /** When, as a fraction of the feed's planned duration. */
  at: number;
  kind: FaultKind;
  /** How long the thing stays down before it is started again. */
  downMs: number;
}

export interface SoakOptions {
  messages: number;
  /** ADT messages per second. */
  rate: number;
  patients: number;
  connections: number;
  faults: readonly Fault[];
  databaseUrl: string;
  logger: Logger;
  logDir: string;
  /** How long to wait, after the feed, for every expected effect. */
  settleMs?: number;
}

export interface SoakResult {
  /** The rate the feed was asked for (messages per second). */
  offeredRate: number;
  findings: SoakFindings;
  /** CPU seconds each service process used during the feed and settling (one process each: meaningful without kills). */
  cpuSeconds: Record<string, number>;
  faultsDone: { kind: FaultKind; at: number; downMs: number }[];
  feedSeconds: number;
  sent: SentMessage[];
}

export async function runSoak(options: SoakOptions): Promise<SoakResult> {
  const { logger } = options;
  const schema = `soak_${Date.now().toString(36)}`;
  const db = { url: options.databaseUrl, schema };
  await migrate(db);
  const pool = createPool(db);
  const patients = soakPatients(options.patients);
  const world = await seedSoakWorld(pool, patients);

  const kafka = await freshKafka(logger);
  const sqs = await freshSqs(logger);
  const redis = redisEngine();
  await redis.start();
  const smtp = smtpSink(SMTP_PORT);
  const wctp = wctpSink(WCTP_PORT);
  await smtp.start();
  await wctp.start();

  const shared: Record<string, string> = {
    KAFKA_BROKERS: kafka.brokers.join(","),
    SQS_ENDPOINT: sqs.endpoint,
    AWS_REGION: "us-east-1",
    AWS_ACCESS_KEY_ID: "local",
    AWS_SECRET_ACCESS_KEY: "local",
    REDIS_URL: redis.url,
    DATABASE_URL: options.databaseUrl,
    DATABASE_SCHEMA: schema,
    SMTP_URL: `smtp://127.0.0.1:${SMTP_PORT}`,
    LOG_LEVEL: "warn",
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
  };
  const notifierEnv = {
    ...shared,
    WCTP_URL: `http://127.0.0.1:${WCTP_PORT}/wctp`,
    DELIVERY_POLL_SECONDS: "1",
    SWEEP_INTERVAL_SECONDS: "2",
    DELIVERY_BACKOFF_BASE_SECONDS: "1",
    DELIVERY_BACKOFF_MAX_SECONDS: "4",
    DELIVERY_MAX_ATTEMPTS: "20",
  };
  const service = (name: string, entry: string, env: Record<string, string>, opsPort: number) =>
    new ServiceProcess(name, entry, env, opsPort, REPO_ROOT, options.logDir);
  const listener = service(
    "adt-listener",
    "services/adt-listener/src/main.ts",
    { ...shared, MLLP_HOST: "127.0.0.1", MLLP_PORT: String(MLLP_PORT) },
    29464,
  );
  const matchers = [29465, 29475].map((port, i) =>
    service(
      `matcher-${i + 1}`,
      "services/matcher/src/main.ts",
      { ...shared, REFERENCE_HISTORY_DAYS: "30" },
      port,
    ),
  );
  const notifiers = [29466, 29476].map((port, i) =>
    service(`notifier-${i + 1}`, "services/notifier/src/main.ts", notifierEnv, port),
  );
  const services = [listener, ...matchers, ...notifiers];
  let keepEvidence = true;
  try {
    await Promise.all(services.map((s) => s.start()));
    // The feed starts once both consumer groups have settled with every instance in them, so what
    // the run measures is the pipeline, not its first rebalance.
    await groupsStable(kafka.brokers, logger, {
      "homeward-matcher": matchers.length,
      "homeward-notifier": notifiers.length,
    });

    const engines: Record<string, Engine | Sink> = { kafka, sqs, redis, smtp };
    const faultsDone: SoakResult["faultsDone"] = [];
    const windows: [number, number][] = [];
    const senderKills: number[] = [];
    const durationMs = (options.messages / options.rate) * 1000;
    let kills = 0;
    const inject = async (fault: Fault) => {
      await new Promise((r) => setTimeout(r, fault.at * durationMs));
      const from = Date.now();
      logger.info({ fault: fault.kind }, "fault");
      if (fault.kind.startsWith("kill-")) {
        const pool =
          fault.kind === "kill-listener" ? [listener] : fault.kind === "kill-matcher" ? matchers : notifiers;
        const target = pool[kills++ % pool.length] ?? listener;
        if (pool === notifiers) senderKills.push(Date.now());
        await target.kill9();
        await new Promise((r) => setTimeout(r, fault.downMs));
        await target.start();
      } else {
        const engine = engines[fault.kind.slice("restart-".length)];
        if (engine === undefined) throw new Error(`no engine for ${fault.kind}`);
        await engine.stop();
        await new Promise((r) => setTimeout(r, fault.downMs));
        await engine.start();
      }
      faultsDone.push({ kind: fault.kind, at: from, downMs: Date.now() - from });
      // Effects delayed by a fault show up to a few seconds after it ends.
      windows.push([from, Date.now() + 5_000]);
    };

    // Control ids of this run only (MSH-10, at most 20 characters), so no run meets another's in a
    // duplicate-detection store.
    const tag = Date.now().toString(36).slice(-6).toUpperCase();
    const patientOf = (controlId: string) => Number(controlId.split("-")[1]) % patients.length;
    const cpuAt = () =>
      Object.fromEntries(services.map((p) => [p.name, processCpuSeconds(p.pid) ?? Number.NaN]));
    const cpuBefore = cpuAt();
    const feedStart = Date.now();
    const [sent] = await Promise.all([
      runFeed({
        port: MLLP_PORT,
        connections: options.connections,
        rate: options.rate,
        count: options.messages,
        deadline: Date.now() + durationMs + 180_000,
        message: (index) => {
          const controlId = `SOAK${tag}-${String(index).padStart(8, "0")}`;
          const patient = patients[index % patients.length];
          if (patient === undefined) throw new Error("no patients");
          return { controlId, text: (at) => soakMessage(controlId, patient, at) };
        },
      }),
      Promise.all(options.faults.map(inject)),
    ]);
    const feedSeconds = (Date.now() - feedStart) / 1000;

    // Let every effect land: tasks and deliveries, and every delivery sent.
    const settleUntil = Date.now() + (options.settleMs ?? 120_000);
    const expectedArrivals =
      sent.length * 2 + sent.filter((m) => patients[patientOf(m.controlId)]?.tier === "I").length;
    while (Date.now() < settleUntil) {
      const { rows } = await pool.query<{ pending: number }>(
        "SELECT count(*)::int AS pending FROM deliveries WHERE status NOT IN ('sent', 'skipped', 'dead')",
      );
      const arrived = smtp.arrivals.length + wctp.arrivals.length;
      if ((rows[0]?.pending ?? 1) === 0 && arrived >= expectedArrivals) break;
      await new Promise((r) => setTimeout(r, 1000));
    }
    // A last few seconds for late duplicates to show themselves.
    await new Promise((r) => setTimeout(r, 3000));
    const cpuAfter = cpuAt();
    const cpuSeconds = Object.fromEntries(
      services.map((p) => [p.name, (cpuAfter[p.name] ?? Number.NaN) - (cpuBefore[p.name] ?? Number.NaN)]),
    );

    const findings = await checkSoak({
      pool,
      brokers: kafka.brokers,
      sqsEndpoint: sqs.endpoint,
      logger,
      world,
      sent,
      patientOf,
      arrivals: [...smtp.arrivals, ...wctp.arrivals],
      faultWindows: windows,
      senderKills,
    });
    keepEvidence = soakFailures(findings).length > 0;
    return { offeredRate: options.rate, findings, cpuSeconds, faultsDone, feedSeconds, sent };
  } finally {
    // Whatever happened, nothing of the run is left running (a failed run must not leave
    // processes or engines on the soak's ports for the next one to meet).
    await Promise.allSettled(services.map((s) => s.stop()));
    for (const s of services) s.close();
    await Promise.allSettled([smtp.stop(), wctp.stop(), redis.stop(), sqs.stop(), kafka.stop()]);
    // A run that found something keeps its schema (tasks, deliveries, attempts) to look into.
    if (keepEvidence) logger.warn({ schema }, "soak found a problem; its schema is kept for inspection");
    else await pool.query(`DROP SCHEMA ${schema} CASCADE`).catch(() => undefined);
    await pool.end();
  }
}

export const SOAK_LOG_DIR = join(REPO_ROOT, ".stack", "logs", "soak");

/** Waits (up to 120 s) until each group is Stable with the given number of members. */
async function groupsStable(brokers: string[], logger: Logger, want: Record<string, number>): Promise<void> {
  const admin = createKafka(
    { brokers, clientId: "soak-admin" },
    logger.child({}, { level: "fatal" }),
  ).admin();
  await admin.connect();
  try {
    const deadline = Date.now() + 120_000;
    while (Date.now() < deadline) {
      const { groups } = await admin.describeGroups(Object.keys(want));
      if (groups.every((g) => g.state === "Stable" && g.members.length === want[g.groupId])) return;
      await new Promise((r) => setTimeout(r, 500));
    }
    throw new Error(`consumer groups not stable: ${JSON.stringify(want)}`);
  } finally {
    await admin.disconnect();
  }
}
