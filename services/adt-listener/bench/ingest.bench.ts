/**
 * Ingest benchmark: N concurrent MLLP connections send a realistic ADT mix through the real
 * adt-listener (a child process) into the local Kafka, acks=all. Phase 1 finds the sustained
 * throughput with pipelining; phase 2 offers half that rate and measures ACK latency. The same
 * client then runs against node-hl7-server's bare ACK server, as a reference point.
 *
 *   node --conditions=source --import tsx services/adt-listener/bench/ingest.bench.ts [--connections 8] [--seconds 10]
 */
import { type ChildProcess, spawn } from "node:child_process";
import { connect, type Socket } from "node:net";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { indexFacilityMappings } from "@homeward/contracts";
import { encodeMllp, MllpDecoder } from "@homeward/hl7";
import { ADT_A01_ADMIT, ADT_A03_DISCHARGE, ADT_A04_ED, ADT_A08_UPDATE } from "@homeward/hl7/fixtures";
import { createEventLog, createKafka, type OutgoingRecord } from "@homeward/kafka";
import { stackEnv, startStack } from "@homeward/local-stack";
import { createLogger, type Logger } from "@homeward/logger";
import {
  kafkaBrokerPid,
  machineLine,
  processCpuSeconds,
  writeBenchmarkSection,
} from "@homeward/testing/bench";
import { readFacilityMappings } from "../src/app.ts";
import { controlIdGenerator } from "../src/control-ids.ts";
import { Ingest } from "../src/ingest.ts";
import { freePort, waitForPort } from "./bench-ports.ts";

const { values } = parseArgs({
  options: {
    connections: { type: "string", default: "8" },
    seconds: { type: "string", default: "10" },
    window: { type: "string", default: "64" },
  },
});
const CONNECTIONS = Number(values.connections);
const SECONDS = Number(values.seconds);
const WINDOW = Number(values.window);
const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

/** A realistic mix: ED arrivals, admits, discharges, updates, from two facilities. */
const TEMPLATES = [
  { text: ADT_A04_ED, id: "MG20240305143015001", weight: 3 },
  { text: ADT_A01_ADMIT, id: "MG20240305190512007", weight: 2 },
  { text: ADT_A03_DISCHARGE, id: "MG20240309111502042", weight: 2 },
  { text: ADT_A08_UPDATE, id: "SL000981223", weight: 3 },
].flatMap((t) => Array.from({ length: t.weight }, () => t));
const run = Date.now().toString(36);
let seq = 0;
function nextFrame(): Buffer {
  const t = TEMPLATES[seq % TEMPLATES.length] ?? TEMPLATES[0];
  if (t === undefined) throw new Error("no templates");
  return encodeMllp(t.text.replace(t.id, `B${run}${(seq++).toString(36)}`));
}

interface Load {
  acked: number;
  positive: number;
  latenciesMs: number[];
  seconds: number;
}

/**
 * Drives `connections` sockets for `seconds`. Each keeps at most `window` frames unanswered; with
 * `ratePerSecond`, frames are paced to that total rate instead of sent as fast as ACKs allow.
 */
async function drive(
  port: number,
  opts: { connections: number; seconds: number; window: number; ratePerSecond?: number },
): Promise<Load> {
  const load: Load = { acked: 0, positive: 0, latenciesMs: [], seconds: opts.seconds };
  const sockets: Socket[] = [];
  const stopAt = performance.now() + opts.seconds * 1000;
  let stopped = false;
  const pumps: (() => void)[] = [];
  for (let c = 0; c < opts.connections; c++) {
    const socket = connect(port, "127.0.0.1");
    socket.setNoDelay(true);
    await new Promise<void>((r) => socket.once("connect", () => r()));
    sockets.push(socket);
    const decoder = new MllpDecoder();
    const sentAt: number[] = [];
    let head = 0;
    let credit = 0;
    const pump = () => {
      while (
        !stopped &&
        sentAt.length - head < opts.window &&
        (opts.ratePerSecond === undefined || credit >= 1)
      ) {
        if (opts.ratePerSecond !== undefined) credit--;
        sentAt.push(performance.now());
        socket.write(nextFrame());
      }
    };
    pumps.push(() => {
      credit += (opts.ratePerSecond ?? 0) / opts.connections / 1000;
      pump();
    });
    socket.on("data", (chunk: Buffer) => {
      const now = performance.now();
      for (const e of decoder.push(chunk)) {
        if (e.type !== "frame") continue;
        const started = sentAt[head++] ?? now;
        if (now <= stopAt) {
          load.acked++;
          load.latenciesMs.push(now - started);
          const answer = e.payload.toString("latin1");
          if (/\rMSA\|(AA|CA)\|/.test(answer)) load.positive++;
          else if (process.env.BENCH_DEBUG && load.acked - load.positive < 3) console.error(answer);
        }
      }
      if (opts.ratePerSecond === undefined) pump();
    });
    if (opts.ratePerSecond === undefined) pump();
  }
  const pacer =
    opts.ratePerSecond === undefined
      ? undefined
      : setInterval(() => {
          for (const p of pumps) p();
        }, 1);
  await new Promise((r) => setTimeout(r, opts.seconds * 1000));
  stopped = true;
  if (pacer) clearInterval(pacer);
  await new Promise((r) => setTimeout(r, 500));
  for (const s of sockets) s.destroy();
  return load;
}

interface Floor {
  perSecond: number;
  producerCpuUs: number;
  brokerCpuUs: number | undefined;
}

/**
 * What kafkajs alone costs for what the listener writes: the exact records of each message (made
 * by the listener's own `Ingest`, which here hands them over instead of writing them), published
 * by our acks=all idempotent `EventLog` in groups of `group` messages, one write at a time as the
 * group committer does. No sockets, parsing, Redis or ACKs in the timed part: the ceiling that the
 * Kafka client and broker put on the listener on this machine.
 */
async function kafkaFloor(
  logger: Logger,
  brokers: string[],
  prefix: string,
  opts: { group: number; seconds: number },
): Promise<Floor> {
  const topics = {
    raw: `${prefix}.adt.raw.v1`,
    events: `${prefix}.adt.events.v1`,
    rejected: `${prefix}.adt.rejected.v1`,
  };
  const captured: OutgoingRecord[][] = [];
  const ingest = new Ingest({
    topics,
    lookupMapping: indexFacilityMappings(readFacilityMappings(here("../config/facilities.example.json"))),
    allowedFacilities: new Set(),
    acceptedProcessingIds: new Set(["P"]),
    submit: async (request) => {
      captured.push([...request.records]);
      return "written";
    },
    holdMs: 10_000,
    now: () => new Date(),
    newControlId: controlIdGenerator(),
    logger,
  });
  const connection = { listenerId: "bench", remoteAddress: "127.0.0.1", remotePort: 1, tls: false };
  for (let i = 0; i < 2_000; i++) {
    const frame = nextFrame();
    await (await ingest.stage({ bytes: frame.subarray(1, -2), connection, receivedAt: new Date() })).result;
  }
  if (captured.length !== 2_000) throw new Error(`expected 2,000 messages' records, got ${captured.length}`);
  const kafka = createKafka({ brokers, clientId: "bench-floor" }, logger);
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    topics: [topics.raw, topics.events].map((topic) => ({ topic, numPartitions: 6, replicationFactor: 1 })),
    waitForLeaders: true,
  });
  const log = await createEventLog(kafka);
  let next = 0;
  const group = () => {
    const out: OutgoingRecord[] = [];
    for (let i = 0; i < opts.group; i++) out.push(...(captured[next++ % captured.length] ?? []));
    return out;
  };
  try {
    for (let i = 0; i < 10; i++) await log.publish(group()); // warm-up
    const pid = kafkaBrokerPid();
    const broker0 = processCpuSeconds(pid);
    const cpu0 = process.cpuUsage();
    const started = performance.now();
    let messages = 0;
    while (performance.now() - started < opts.seconds * 1000) {
      await log.publish(group());
      messages += opts.group;
    }
    const elapsed = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const broker1 = processCpuSeconds(pid);
    return {
      perSecond: messages / elapsed,
      producerCpuUs: (cpu.user + cpu.system) / messages,
      brokerCpuUs:
        broker0 === undefined || broker1 === undefined ? undefined : ((broker1 - broker0) * 1e6) / messages,
    };
  } finally {
    await log.close();
    await admin.deleteTopics({ topics: [topics.raw, topics.events] }).catch(() => undefined);
    await admin.disconnect();
  }
}

const pct = (xs: number[], p: number) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
};
const fmt = (n: number) => Math.round(n).toLocaleString("en-US");
const ms = (n: number) => n.toFixed(2);

function startChild(args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  const profile = process.env.BENCH_PROFILE
    ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_PROFILE}`]
    : [];
  return spawn(process.execPath, [...profile, "--conditions=source", "--import", "tsx", ...args], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "ignore", "inherit"],
  });
}

async function main() {
  const logger = createLogger({ service: "bench", level: "warn" });
  const stack = await startStack(logger);
  const floor = await kafkaFloor(
    logger,
    stackEnv(stack).KAFKA_BROKERS?.split(",") ?? [],
    `bench${run}floor`,
    {
      group: 200,
      seconds: SECONDS,
    },
  );
  const port = await freePort();
  const listener = startChild([here("../src/main.ts")], {
    ...stackEnv(stack),
    KAFKA_TOPIC_PREFIX: `bench${run}`,
    REDIS_KEY_PREFIX: `bench${run}:`,
    MLLP_HOST: "127.0.0.1",
    MLLP_PORT: String(port),
    OPS_PORT: "0",
    LOG_LEVEL: "warn",
  });
  try {
    await waitForPort(port);
    await drive(port, { connections: CONNECTIONS, seconds: 2, window: WINDOW }); // warm-up
    const brokerPid = kafkaBrokerPid();
    const cpuBefore = [listener.pid, brokerPid].map((pid) => processCpuSeconds(pid));
    const max = await drive(port, { connections: CONNECTIONS, seconds: SECONDS, window: WINDOW });
    const cpuAfter = [listener.pid, brokerPid].map((pid) => processCpuSeconds(pid));
    const throughput = max.positive / max.seconds;
    // CPU per message at max, from /proc (counted from the sends to the last ACK read).
    const cpuPerMessageUs = cpuBefore.map((before, i) => {
      const after = cpuAfter[i];
      return before === undefined || after === undefined ? undefined : ((after - before) * 1e6) / max.acked;
    });
    const [listenerUs, brokerUs] = cpuPerMessageUs;
    const half = await drive(port, {
      connections: CONNECTIONS,
      seconds: SECONDS,
      window: 10_000,
      ratePerSecond: throughput / 2,
    });
    // A large health system's ADT traffic is tens to a few hundred messages a second.
    const steady = await drive(port, {
      connections: CONNECTIONS,
      seconds: SECONDS,
      window: 10_000,
      ratePerSecond: 500,
    });

    const refPort = await freePort();
    const reference = startChild([here("bare-ack-server.ts"), String(refPort)], {});
    let ref: Load | undefined;
    try {
      await waitForPort(refPort);
      await drive(refPort, { connections: CONNECTIONS, seconds: 2, window: WINDOW });
      ref = await drive(refPort, { connections: CONNECTIONS, seconds: SECONDS, window: WINDOW });
    } finally {
      reference.kill("SIGTERM");
    }

    const rows = [
      ["adt-listener → Kafka (acks=all), max", max, throughput],
      [
        `adt-listener → Kafka, half load (${fmt(throughput / 2)}/s offered)`,
        half,
        half.positive / half.seconds,
      ],
      ["adt-listener → Kafka, 500/s offered", steady, steady.positive / steady.seconds],
      ["node-hl7-server bare ACK (reference), max", ref, ref.acked / ref.seconds],
    ] as const;
    const table = [
      "| run | msgs/s ACKed | ACK p50 ms | p99 ms | p99.9 ms | non-AA answers |",
      "| --- | ---: | ---: | ---: | ---: | ---: |",
      ...rows.map(
        ([name, l, rate]) =>
          `| ${name} | ${fmt(rate)} | ${ms(pct(l.latenciesMs, 50))} | ${ms(pct(l.latenciesMs, 99))} | ${ms(pct(l.latenciesMs, 99.9))} | ${fmt(l.acked - (name.startsWith("node-hl7") ? l.acked : l.positive))} |`,
      ),
    ].join("\n");
    const section = `## ingest

${machineLine()}. Kafka (local JVM, KRaft, one broker) and Redis on the same 2 cores as the listener
and the load generator. ${CONNECTIONS} connections, up to ${WINDOW} unanswered frames each, ${SECONDS}s per run after a 2s
warm-up; ADT mix A04 ED / A01 / A03 / A08 from two facilities, every message a new control id.
Latency is the client's: frame written → ACK read.
Run: \`node --conditions=source --import tsx services/adt-listener/bench/ingest.bench.ts --connections ${CONNECTIONS} --seconds ${SECONDS}\`.

${table}

**Ceiling from the Kafka client** (no listener running): the same two records per message (made
by the listener's own \`Ingest\`), published by our acks=all idempotent kafkajs producer in groups
of 200 messages, one write at a time: **${fmt(floor.perSecond)} msgs/s**, kafkajs ${fmt(floor.producerCpuUs)} µs of CPU per
message${floor.brokerCpuUs === undefined ? "" : `, broker ${fmt(floor.brokerCpuUs)} µs`}. At 20,000 msgs/s kafkajs alone would need ${((floor.producerCpuUs * 20_000) / 1e6).toFixed(2)} cores${floor.brokerCpuUs === undefined ? "" : ` and the broker ${((floor.brokerCpuUs * 20_000) / 1e6).toFixed(2)} more`}, before any parsing, socket or ACK work.
${
  listenerUs === undefined || brokerUs === undefined
    ? ""
    : `In the max run the listener process used ${fmt(listenerUs)} µs of CPU per message (kafkajs included) and the broker ${fmt(brokerUs)} µs: 20,000 msgs/s at that cost is ${(((listenerUs + brokerUs) * 20_000) / 1e6).toFixed(1)} cores, without the load generator, on a machine of 2.`
}

Target (issue 3): ≥ 20,000 msgs/s durable, ACK p99 ≤ 5 ms at half that load.`;
    console.log(section);
    writeBenchmarkSection("ingest", section);
  } finally {
    listener.kill("SIGTERM");
  }
}

await main();
process.exit(0);
