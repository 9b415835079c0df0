import { openFeedConnection } from "./feed-connection.ts";
import { createFeed } from "./simulator-feed.ts";
import type { SimPatient } from "./simulator-patients.ts";
import type { DemoScenario } from "./simulator-scenario.ts";

export interface SimulationOptions {
  host: string;
  port: number;
  ratePerMinute: number;
  /** Undefined: until `signal` aborts. */
  count: number | undefined;
  seed: number;
  runTag: string;
  patients: readonly SimPatient[];
  strangerShare: number;
  ackTimeoutMs: number;
  connectTimeoutMs: number;
  /** The demo's recent past, sent first and at once (its messages carry their own past times). */
  scenario?: DemoScenario | undefined;
}

/** What a run did, by ACK code (MSA-1: AA, AE, AR, CA…; `none` when no ACK came in time). */
export interface SimulationTotals {
  sent: number;
  byAck: Record<string, number>;
  byTrigger: Record<string, number>;
  elapsedMs: number;
}

export interface SimulationIo {
  /** One line per message and the totals; never given patient data. */
  print(line: string): void;
  /** Stops the run after the message in flight (Ctrl-C). */
  signal?: AbortSignal;
  now?: () => Date;
}

/** MSA-1, the acknowledgment code, of an ACK's text. */
export function ackCodeOf(ack: string): string {
  const msa = ack.split(/\r\n|\r|\n/).find((s) => s.startsWith("MSA"));
  return msa?.split(msa.charAt(3))[1] || "?";
}

function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (ms <= 0 || signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}

const bump = (counts: Record<string, number>, key: string) => {
  counts[key] = (counts[key] ?? 0) + 1;
};

/**
 * Runs the feed: one message every 60/rate seconds (later if an ACK is slow), each sent only after
 * the previous one was answered, as an interface engine in "wait for ACK" mode does. The replayed
 * past goes first without waiting between messages, as an engine catching up on a backlog does.
 */
export async function runSimulation(options: SimulationOptions, io: SimulationIo): Promise<SimulationTotals> {
  const now = io.now ?? (() => new Date());
  const feed = createFeed({
    seed: options.seed,
    runTag: options.runTag,
    patients: options.patients,
    strangerShare: options.strangerShare,
    ...(options.scenario === undefined ? {} : { scenario: options.scenario }),
  });
  const connection = await openFeedConnection({
    host: options.host,
    port: options.port,
    connectTimeoutMs: options.connectTimeoutMs,
    onRetry: (attempt) => {
      if (attempt % 10 === 1) io.print(`waiting for the listener on ${options.host}:${options.port}…`);
    },
  });
  const totals: SimulationTotals = { sent: 0, byAck: {}, byTrigger: {}, elapsedMs: 0 };
  const interval = 60_000 / options.ratePerMinute;
  const started = performance.now();
  let paced = 0;
  let pacedFrom = started;
  try {
    while (options.count === undefined || totals.sent < options.count) {
      if (io.signal?.aborted) break;
      const message = feed.next(now());
      const t0 = performance.now();
      const ack = await connection.send(message.text, message.controlId, options.ackTimeoutMs);
      const code = ack === undefined ? "none" : ackCodeOf(ack);
      totals.sent++;
      bump(totals.byAck, code);
      bump(totals.byTrigger, message.trigger);
      io.print(
        `${String(totals.sent).padStart(5)} ${message.controlId} ${message.trigger} ${message.expectedKind.padEnd(17)} ` +
          `${message.facility.padEnd(9)} ${message.about.padEnd(8)} ${code.padEnd(4)} ${Math.round(performance.now() - t0)} ms`,
      );
      if (options.count !== undefined && totals.sent >= options.count) break;
      if (message.replayedAt !== undefined) {
        pacedFrom = performance.now();
        continue;
      }
      paced++;
      await pause(pacedFrom + paced * interval - performance.now(), io.signal);
    }
  } finally {
    await connection.close();
  }
  totals.elapsedMs = Math.round(performance.now() - started);
  return totals;
}

/** The closing summary lines. */
export function formatTotals(totals: SimulationTotals): string[] {
  const list = (counts: Record<string, number>) =>
    Object.entries(counts)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, n]) => `${k} ${n}`)
      .join(", ");
  return [
    `sent ${totals.sent} messages in ${(totals.elapsedMs / 1000).toFixed(1)} s`,
    `  ACKs: ${list(totals.byAck) || "none"}`,
    `  triggers: ${list(totals.byTrigger) || "none"}`,
  ];
}
