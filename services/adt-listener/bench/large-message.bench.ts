/**
 * The `large-message` benchmark of issue 12: small-message ACK latency on other connections while a
 * 4 MB worst-case message (PID-5 of two million one-letter repetitions, src/fixtures/hostile-messages.ts
 * in @homeward/hl7) arrives every second. The real adt-listener runs as a child process against the
 * local Kafka; this process is the senders.
 *
 *   node --conditions=source --import tsx services/adt-listener/bench/large-message.bench.ts [--seconds 15] [--rate 200]
 *
 * Runs: small messages alone; with the hostile message refused at the default limits; with limits
 * raised so every byte is read (in the parse pool); and the same without the pool (everything on the
 * event loop, as before issue 12). Written into docs/benchmarks.md between the large-message markers
 * (`BENCH_NO_WRITE=1` to skip).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { connect, type Socket } from "node:net";
import { loadavg } from "node:os";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { encodeMllp, MllpDecoder } from "@homeward/hl7";
import { ADT_A01_ADMIT } from "@homeward/hl7/fixtures";
import { hostileMessage } from "@homeward/hl7/fixtures/hostile";
import { stackEnv, startStack } from "@homeward/local-stack";
import { createLogger } from "@homeward/logger";
import { machineLine, writeBenchmarkSection } from "@homeward/testing/bench";
import { freePort, waitForPort } from "./bench-ports.ts";

const { values } = parseArgs({
  options: {
    seconds: { type: "string", default: "15" },
    rate: { type: "string", default: "200" },
    connections: { type: "string", default: "4" },
    /** Run only these rows (1-based, comma-separated): for profiling one case. */
    only: { type: "string" },
  },
});
const SECONDS = Number(values.seconds);
const RATE = Number(values.rate);
const CONNECTIONS = Number(values.connections);
const run = Date.now().toString(36);
let seq = 0;
const nextId = () => `L${run}${(seq++).toString(36)}`;
const small = () => encodeMllp(ADT_A01_ADMIT.replace("MG20240305190512007", nextId()));
// Just under MLLP_MAX_FRAME_BYTES (4 MiB) with the rest of the A01 around it.
const HOSTILE = hostileMessage("repeated-name", 4 * 1024 * 1024 - 8 * 1024);
const hostile = () => encodeMllp(HOSTILE.replace("MG20240305190512007", nextId()));

/** One MLLP connection that sends a frame and resolves with the answer's MSA-1 when it comes. */
class Sender {
  readonly #socket: Socket;
  readonly #decoder = new MllpDecoder({ maxFrameBytes: 1 << 20 });
  readonly #waiting: ((code: string) => void)[] = [];
  constructor(port: number) {
    this.#socket = connect({ port, host: "127.0.0.1", noDelay: true });
    this.#socket.on("data", (chunk: Buffer) => {
      for (const e of this.#decoder.push(chunk)) {
        if (e.type !== "frame") continue;
        const msa =
          e.payload
            .toString("latin1")
            .split("\r")
            .find((s) => s.startsWith("MSA")) ?? "";
        this.#waiting.shift()?.(msa.split("|")[1] ?? "?");
      }
    });
    this.#socket.on("error", () => undefined);
  }
  ready(): Promise<void> {
    return new Promise((resolve) => this.#socket.once("connect", () => resolve()));
  }
  send(frame: Buffer): Promise<string> {
    return new Promise((resolve) => {
      this.#waiting.push(resolve);
      this.#socket.write(frame);
    });
  }
  close(): void {
    this.#socket.destroy();
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pct = (xs: number[], p: number) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN;
};

interface RunResult {
  latencies: number[];
  smallNotAa: number;
  hostileSent: number;
  hostileAnswers: Map<string, number>;
  hostileMs: number[];
}

/** Paced small messages on CONNECTIONS connections, and (if asked) a hostile frame every second. */
async function drive(port: number, withHostile: boolean): Promise<RunResult> {
  const senders = Array.from({ length: CONNECTIONS }, () => new Sender(port));
  const big = [new Sender(port), new Sender(port), new Sender(port)];
  await Promise.all([...senders, ...big].map((s) => s.ready()));
  const result: RunResult = {
    latencies: [],
    smallNotAa: 0,
    hostileSent: 0,
    hostileAnswers: new Map(),
    hostileMs: [],
  };
  const until = performance.now() + SECONDS * 1000;
  const interval = (1000 * CONNECTIONS) / RATE;
  const loops = senders.map(async (s, i) => {
    await sleep((interval * i) / CONNECTIONS);
    let next = performance.now();
    while (performance.now() < until) {
      const started = performance.now();
      const code = await s.send(small());
      result.latencies.push(performance.now() - started);
      if (code !== "AA") result.smallNotAa++;
      next += interval;
      await sleep(Math.max(0, next - performance.now()));
    }
  });
  const pending: Promise<void>[] = [];
  if (withHostile) {
    // A new 4 MB frame every second, on whichever of three connections is free (a sender waits for
    // its answer before the next frame, as MLLP senders do).
    const free = [...big];
    for (let t = performance.now(); t < until; t += 1000) {
      await sleep(Math.max(0, t - performance.now()));
      const s = free.shift();
      if (s === undefined) continue;
      result.hostileSent++;
      const started = performance.now();
      pending.push(
        s.send(hostile()).then((code) => {
          result.hostileAnswers.set(code, (result.hostileAnswers.get(code) ?? 0) + 1);
          result.hostileMs.push(performance.now() - started);
          free.push(s);
        }),
      );
    }
  }
  await Promise.all(loops);
  await Promise.race([Promise.all(pending), sleep(30_000)]);
  for (const s of [...senders, ...big]) s.close();
  return result;
}

async function withListener<T>(
  stack: Record<string, string | undefined>,
  env: Record<string, string>,
  body: (port: number) => Promise<T>,
): Promise<T> {
  const port = await freePort();
  const child: ChildProcess = spawn(
    process.execPath,
    [
      ...(process.env.BENCH_PROFILE ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : []),
      "--conditions=source",
      "--import",
      "tsx",
      fileURLToPath(new URL("../src/main.ts", import.meta.url)),
    ],
    {
      env: {
        ...process.env,
        ...stack,
        KAFKA_TOPIC_PREFIX: `bench${run}`,
        REDIS_KEY_PREFIX: `bench${run}:`,
        MLLP_HOST: "127.0.0.1",
        MLLP_PORT: String(port),
        OPS_PORT: "0",
        LOG_LEVEL: "error",
        ...env,
      },
      stdio: ["ignore", "ignore", "inherit"],
    },
  );
  try {
    await waitForPort(port);
    await drive(port, false); // warm-up: connections to Kafka, JIT
    return await body(port);
  } finally {
    child.kill("SIGTERM");
    await new Promise((r) => child.once("exit", r));
  }
}

const RUNS = [
  { label: "small messages only", env: {}, hostile: false },
  { label: "+ 4 MB hostile/s, default limits (refused at the 1,001st repetition)", env: {}, hostile: true },
  {
    label: "+ 4 MB hostile/s, limits raised (every byte read, in the parse pool)",
    env: { MLLP_MAX_REPETITIONS: "100000000" },
    hostile: true,
  },
  {
    label: "+ 4 MB hostile/s, limits raised, no pool (all on the event loop, as before)",
    env: { MLLP_MAX_REPETITIONS: "100000000", MLLP_PARSE_OFFTHREAD_BYTES: "100000000" },
    hostile: true,
  },
];

async function main() {
  const logger = createLogger({ service: "bench", level: "warn" });
  const stack = stackEnv(await startStack(logger));
  const rows: string[] = [];
  const loadBefore = loadavg()
    .map((l) => l.toFixed(1))
    .join(" / ");
  const only = values.only?.split(",").map(Number);
  for (const [i, r] of RUNS.entries()) {
    if (only !== undefined && !only.includes(i + 1)) continue;
    const result = await withListener(stack, r.env, (port) => drive(port, r.hostile));
    const l = result.latencies;
    const answers = [...result.hostileAnswers.entries()].map(([c, n]) => `${n} ${c}`).join(", ") || "–";
    const hostileP50 =
      result.hostileMs.length === 0 ? "–" : Math.round(pct(result.hostileMs, 0.5)).toLocaleString("en-US");
    const row = `| ${r.label} | ${l.length} | ${pct(l, 0.5).toFixed(1)} | ${pct(l, 0.99).toFixed(1)} | ${Math.max(...l).toFixed(1)} | ${result.smallNotAa} | ${r.hostile ? `${result.hostileSent} sent: ${answers}` : "–"} | ${hostileP50} |`;
    rows.push(row);
    console.log(row);
  }
  const markdown = `
## large-message

${machineLine()}. Kafka (local JVM) and Redis on the same 2 cores as the listener and the senders;
load average ${loadBefore} when the run started (other work on the machine shows in the p99s).
Run: \`node --conditions=source --import tsx services/adt-listener/bench/large-message.bench.ts --seconds ${SECONDS} --rate ${RATE}\`.
${CONNECTIONS} connections send the A01 fixture one at a time, ${RATE} messages/s in all, for ${SECONDS} s after a warm-up; the
latency is the sender's, frame written → ACK read. Where marked, another connection sends a 4 MB
worst case every second (PID-5 of two million one-letter repetitions, just under MLLP_MAX_FRAME_BYTES;
up to three outstanding, each waiting for its answer). The listener is the real one (child process,
default settings: frames of 64 KiB and more parsed in one worker thread on this machine).

| run | small msgs | ACK p50 ms | p99 ms | max ms | small not AA | 4 MB frames | 4 MB answer p50 ms |
| --- | ---: | ---: | ---: | ---: | ---: | --- | ---: |
${rows.join("\n")}

Target (issue 12): small-message ACK p99 ≤ 50 ms on other connections while a 4 MB worst case arrives
every second.
`;
  writeBenchmarkSection("large-message", markdown);
  console.log(markdown);
  process.exit(0);
}

await main();
