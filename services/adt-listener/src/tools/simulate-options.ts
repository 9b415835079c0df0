import { parseArgs } from "node:util";

export const SIMULATE_USAGE = `usage: npm run simulate -w @homeward/adt-listener -- [--rate 30/min] [--count N]
         [--host 127.0.0.1] [--port 2575] [--seed 1] [--patients .stack/demo/patients.json]
         [--strangers 0.2] [--run-tag TAG] [--ack-timeout 15000] [--connect-timeout 60000]
Sends a realistic hospital ADT feed over MLLP with node-hl7-client: ED arrivals and discharges,
admissions, transfers, updates, cancels and merges from the synthetic hospitals of
config/facilities.example.json, about the demo roster's patients (--patients, written by the demo
seed) and strangers who match nobody. Waits for each ACK and prints one line per message (control
id, trigger, intended event kind, facility, ACK code; no patient data), then totals. Runs until
Ctrl-C unless --count is given. --rate is messages per minute, or N/s, N/min, N/h.`;

export interface SimulateArgs {
  host: string;
  port: number;
  /** Messages per minute. */
  ratePerMinute: number;
  /** Stop after this many messages; undefined: until interrupted. */
  count: number | undefined;
  seed: number;
  /** The patients file, as given (the caller resolves it); undefined: use the default if it exists. */
  patientsFile: string | undefined;
  strangerShare: number;
  /** Undefined: the caller derives one from the clock. */
  runTag: string | undefined;
  ackTimeoutMs: number;
  connectTimeoutMs: number;
  help: boolean;
}

const PER_MINUTE: Record<string, number> = { s: 60, sec: 60, min: 1, m: 1, h: 1 / 60, hour: 1 / 60 };

/** `30`, `30/min`, `2/s`, `600/h` → messages per minute; undefined if not a positive rate. */
export function parseRate(text: string): number | undefined {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(?:\/\s*([a-z]+))?\s*$/i.exec(text);
  if (match === null) return undefined;
  const factor = match[2] === undefined ? 1 : PER_MINUTE[match[2].toLowerCase()];
  const rate = Number(match[1]) * (factor ?? Number.NaN);
  return Number.isFinite(rate) && rate > 0 ? rate : undefined;
}

const wholeNumber = (text: string, min: number): number | undefined => {
  const n = Number(text);
  return Number.isInteger(n) && n >= min ? n : undefined;
};

/** Reads the command line; every problem is listed, so a typo costs one run, not several. */
export function parseSimulateArgs(
  argv: string[],
): { ok: true; args: SimulateArgs } | { ok: false; problems: string[] } {
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({
      args: argv,
      options: {
        host: { type: "string", default: "127.0.0.1" },
        port: { type: "string", default: "2575" },
        rate: { type: "string", default: "30/min" },
        count: { type: "string" },
        seed: { type: "string", default: "1" },
        patients: { type: "string" },
        strangers: { type: "string", default: "0.2" },
        "run-tag": { type: "string" },
        "ack-timeout": { type: "string", default: "15000" },
        "connect-timeout": { type: "string", default: "60000" },
        help: { type: "boolean", default: false },
      },
    }).values;
  } catch (err) {
    return { ok: false, problems: [err instanceof Error ? err.message : String(err)] };
  }
  const text = (name: string) => String(values[name] ?? "");
  const problems: string[] = [];
  const port = wholeNumber(text("port"), 1);
  if (port === undefined || port > 65535) problems.push("--port must be 1-65535");
  const rate = parseRate(text("rate"));
  if (rate === undefined) problems.push("--rate must be a positive rate: 30, 30/min, 2/s or 600/h");
  const count = values.count === undefined ? undefined : wholeNumber(text("count"), 1);
  if (values.count !== undefined && count === undefined) problems.push("--count must be a whole number ≥ 1");
  const seed = wholeNumber(text("seed"), 0);
  if (seed === undefined) problems.push("--seed must be a whole number");
  const strangers = Number(text("strangers"));
  if (!(strangers >= 0 && strangers <= 1)) problems.push("--strangers must be a share between 0 and 1");
  const runTag = values["run-tag"] === undefined ? undefined : text("run-tag").toUpperCase();
  if (runTag !== undefined && !/^[A-Z0-9]{1,8}$/.test(runTag))
    problems.push("--run-tag must be 1-8 letters or digits");
  const ackTimeout = wholeNumber(text("ack-timeout"), 100);
  if (ackTimeout === undefined) problems.push("--ack-timeout must be milliseconds ≥ 100");
  const connectTimeout = wholeNumber(text("connect-timeout"), 0);
  if (connectTimeout === undefined) problems.push("--connect-timeout must be milliseconds");
  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    args: {
      host: text("host"),
      port: port ?? 2575,
      ratePerMinute: rate ?? 30,
      count,
      seed: seed ?? 1,
      patientsFile: values.patients === undefined ? undefined : text("patients"),
      strangerShare: strangers,
      runTag,
      ackTimeoutMs: ackTimeout ?? 15_000,
      connectTimeoutMs: connectTimeout ?? 60_000,
      help: values.help === true,
    },
  };
}

/** A run tag from the clock: seconds since 2020 in base 36 (6 characters until 2090), so reruns never reuse ids. */
export function runTagFor(now: Date): string {
  return Math.floor((now.getTime() - Date.UTC(2020, 0, 1)) / 1000)
    .toString(36)
    .toUpperCase();
}
