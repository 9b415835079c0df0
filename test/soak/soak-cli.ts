import { parseArgs } from "node:util";
import { parseEnv, StackEnv, stackSettingsFromEnv } from "@homeward/config";
import { createLogger } from "@homeward/logger";
import { machineLine, writeBenchmarkSection } from "@homeward/testing/bench";
import { soakFailures } from "./soak-checks.ts";
import { capacityTable, soakTable } from "./soak-report.ts";
import { type Fault, type FaultKind, runSoak, SOAK_LOG_DIR, type SoakResult } from "./soak-run.ts";

/**
 * `npm run soak`: the fault-injection soak, several runs, the table printed and written to
 * docs/benchmarks.md ("soak"). Exit 1 when any run lost or doubled anything. Needs the local
 * stack's PostgreSQL (DATABASE_URL), the cached Kafka and ElasticMQ jars (`npm run stack start`
 * fetches them) and Debian's redis-server; it starts its own Kafka, ElasticMQ and Redis.
 */
const { values } = parseArgs({
  options: {
    runs: { type: "string", default: "3" },
    messages: { type: "string", default: "1500" },
    rate: { type: "string", default: "10" },
    patients: { type: "string", default: "300" },
    connections: { type: "string", default: "4" },
    /** `all` (every kind, services twice), or `none`: the same pipeline as a capacity run. */
    faults: { type: "string", default: "all" },
    /** With --faults none: one capacity run per rate (comma-separated), instead of --runs at --rate. */
    rates: { type: "string" },
    /** The first run's fault-plan seed (run i uses seed + i). */
    seed: { type: "string", default: "1" },
  },
});

/** Every fault kind, the services each killed twice, at moments spread over the feed. */
function faultPlan(seed: number): Fault[] {
  const kinds: FaultKind[] = [
    "kill-listener",
    "kill-listener",
    "kill-matcher",
    "kill-matcher",
    "kill-notifier",
    "kill-notifier",
    "restart-kafka",
    "restart-sqs",
    "restart-redis",
    "restart-smtp",
  ];
  // A fixed, seeded shuffle of moments between 5% and 85% of the feed, one fault at a time.
  let x = seed;
  const next = () => {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    return x / 2 ** 31;
  };
  const slots = kinds.map((_, i) => 0.05 + (0.8 * i) / kinds.length);
  const order = kinds.map((k) => ({ k, r: next() })).sort((a, b) => a.r - b.r);
  return order.map(({ k }, i) => ({
    kind: k,
    at: slots[i] ?? 0.5,
    downMs:
      k === "restart-kafka" ? 5_000 : k.startsWith("restart-") ? 4_000 : 1_000 + Math.floor(next() * 2_000),
  }));
}

// The stack's PostgreSQL (DATABASE_URL, as every service reads it); the engines are the soak's own.
const stack = stackSettingsFromEnv(parseEnv(StackEnv, process.env));
const logger = createLogger({ service: "soak", level: "info" });
const capacity = values.faults === "none";
const rates = capacity && values.rates !== undefined ? values.rates.split(",").map(Number) : undefined;
const plan = rates ?? Array.from({ length: Number(values.runs) }, () => Number(values.rate));
const results: SoakResult[] = [];
for (const [i, rate] of plan.entries()) {
  const result = await runSoak({
    messages: Number(values.messages),
    rate,
    patients: Number(values.patients),
    connections: Number(values.connections),
    faults: capacity ? [] : faultPlan(Number(values.seed) + i),
    databaseUrl: stack.postgres.url,
    logger,
    logDir: SOAK_LOG_DIR,
  });
  results.push(result);
  const problems = soakFailures(result.findings);
  if (result.findings.duplicates.length > 0)
    console.log(
      JSON.stringify({
        run: i + 1,
        duplicates: result.findings.duplicates,
        faults: result.faultsDone,
      }),
    );
  console.log(
    `run ${i + 1}: ${problems.length === 0 ? "nothing lost, nothing doubled" : problems.join("; ")}`,
  );
}
const failed = results.some((r) => soakFailures(r.findings).length > 0);
if (capacity) {
  const table = capacityTable(results);
  console.log(`\n${table}`);
  writeBenchmarkSection(
    "soak-capacity",
    `## Pipeline capacity (\`npm run soak -- --faults none --rates …\`)

${machineLine()}. The soak's pipeline without faults (listener, two matchers, two notifiers as separate
processes, the soak's own Kafka, ElasticMQ and Redis, all on this machine's 2 cores), ${values.messages}
ED arrivals per rate, about 2.3 alerts each (care manager and PCP emails, a page for Priority I).
Latency is from the message's first send to the alert's arrival at the SMTP/WCTP sink; CPU is each
process's user + system time over the run, per message.
${failed ? "\n**A run lost or doubled something: see the row.**\n" : ""}
${table}`,
  );
} else {
  const table = soakTable(results);
  console.log(`\n${table}`);
  writeBenchmarkSection(
    "soak",
    `## Soak: faults injected while the whole pipeline runs (\`npm run soak\`)

${machineLine()}. Each run: ${values.messages} ED arrivals of enrolled patients at ${values.rate}/s over
${values.connections} MLLP connections, every one expected to open one follow-up call for the
patient's care manager and alert the care manager (email, and a WCTP page for Priority I) and the PCP
of record (email). The listener, two matchers and two notifiers (with their delivery workers) run as
separate processes; faults: each kind of service killed with SIGKILL twice and restarted, Kafka,
ElasticMQ (persistent, as SQS is), Redis (no persistence: every key forgotten) and the SMTP sink
stopped and started, at seeded moments. "Lost" counts messages never answered AA, accepted messages
missing from adt.events.v1, and missing tasks or alerts; "duplicated" counts a second task, a second
delivery of one alert, or a delivery nobody expected. Extra copies on the topic (a listener killed
after the write, before its ACK: the engine resends) are consumed once by event id.
${failed ? "\n**A run lost or doubled something: see the row.**\n" : ""}
${table}`,
  );
}
process.exit(failed ? 1 : 0);
