/**
 * Ingest benchmark: N concurrent MLLP connections send a realistic ADT mix through the real
 * adt-listener (a child process) into the local Kafka, acks=all. Phase 1 finds the sustained
 * throughput with pipelining; phase 2 offers half that rate and measures ACK latency. The same
 * client then runs against node-hl7-server's bare ACK server, as a reference point.
 *
 *   node --conditions=source --import tsx services/adt-listener/bench/ingest.bench.ts [--connections 8] [--seconds 10]
 */
import { type ChildProcess, spawn } from "node:child_process";
import { connect, createServer, type Socket } from "node:net";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { encodeMllp, MllpDecoder } from "@homeward/hl7";
import { ADT_A01_ADMIT, ADT_A03_DISCHARGE, ADT_A04_ED, ADT_A08_UPDATE } from "@homeward/hl7/fixtures";
import { stackEnv, startStack } from "@homeward/local-stack";
import { createLogger } from "@homeward/logger";
import { machineLine, writeBenchmarkSection } from "@homeward/testing/bench";

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

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const port = (server.address() as { port: number }).port;
  await new Promise((r) => server.close(r));
  return port;
}

async function waitForPort(port: number): Promise<void> {
  for (let i = 0; i < 300; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, "127.0.0.1");
      s.once("connect", () => {
        s.destroy();
        resolve(true);
      });
      s.once("error", () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`nothing listening on ${port}`);
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
    const max = await drive(port, { connections: CONNECTIONS, seconds: SECONDS, window: WINDOW });
    const throughput = max.positive / max.seconds;
    const half = await drive(port, {
      connections: CONNECTIONS,
      seconds: SECONDS,
      window: 10_000,
      ratePerSecond: throughput / 2,
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

Target (issue 3): ≥ 20,000 msgs/s durable, ACK p99 ≤ 5 ms at half that load.`;
    console.log(section);
    writeBenchmarkSection("ingest", section);
  } finally {
    listener.kill("SIGTERM");
  }
}

await main();
process.exit(0);
