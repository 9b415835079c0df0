/**
 * The `parse` benchmark of issue 3: what the listener does with every message, ours against the
 * peers, same messages, one process.
 *
 *   node --conditions=source --import tsx packages/hl7/bench/parse.bench.ts [seconds-per-row]
 *
 * Rows: (a) ours, decode the MLLP payload bytes + parse + normalizeAdt; (b) ours, decode + parse +
 * read 30 fields; (c) node-hl7-client 3.2.0 and (d) @medplum/core's `Hl7Message.parse` (when
 * installed), decode + parse + read the same 30 fields. After a warm-up the rows are timed in
 * round-robin slices (so drift on a shared machine hits every row alike) and each row reports its
 * median slice. The table is printed and written into docs/benchmarks.md between the parse markers.
 */
import { existsSync, readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { adtEventId, FacilityMapping } from "@homeward/contracts";
import { machineLine, writeBenchmarkSection } from "@homeward/testing/bench";
import { Message } from "node-hl7-client";
import { ADT_A01_ADMIT, ADT_A03_DISCHARGE, ADT_A04_ED } from "../src/fixtures/adt-messages.ts";
import { decodeHl7Bytes, normalizeAdt, parseHl7 } from "../src/index.ts";

const REPO_ROOT = new URL("../../../", import.meta.url);

/** The 30 primitives every reader takes out of every message, as `SEG-field[.component]`. */
const PATHS = [
  "MSH-3",
  "MSH-4.1",
  "MSH-7",
  "MSH-9.1",
  "MSH-9.2",
  "MSH-10",
  "MSH-11",
  "MSH-12",
  "EVN-2",
  "PID-3.1",
  "PID-3.4",
  "PID-3.5",
  "PID-5.1",
  "PID-5.2",
  "PID-5.3",
  "PID-7",
  "PID-8",
  "PID-11.1",
  "PID-11.3",
  "PID-11.4",
  "PID-11.5",
  "PID-18.1",
  "PD1-4.1",
  "PD1-4.2",
  "PV1-2",
  "PV1-3.1",
  "PV1-19.1",
  "PV1-44",
  "PV1-45",
  "DG1-3.1",
] as const;

const SPLIT_PATHS = PATHS.map((p) => {
  const [segment = "", rest = ""] = p.split("-");
  const [field = "1", component = "1"] = rest.split(".");
  return { segment, field: Number(field), component: Number(component) };
});
// node-hl7-client paths: `PID.5.1.1`, always down to the subcomponent like ours.
const REFERENCE_PATHS = SPLIT_PATHS.map((p) => `${p.segment}.${p.field}.${p.component}.1`);

// An ED-heavy mix of the fixtures (A04 ×3, A01, A03). The control id varies so no layer can cache a
// message; the average payload is about 2 KB.
const payloads = Array.from({ length: 300 }, (_, i) => {
  const text = [ADT_A04_ED, ADT_A01_ADMIT, ADT_A04_ED, ADT_A03_DISCHARGE, ADT_A04_ED][i % 5] ?? ADT_A04_ED;
  return Buffer.from(text.replace(/\|(MG\d+)\|P\|/, `|$1-${i}|P|`), "utf8");
});
const averageBytes = Math.round(payloads.reduce((n, p) => n + p.length, 0) / payloads.length);

const mapping = FacilityMapping.parse({
  sendingFacility: "MERCYGEN",
  displayName: "Mercy General",
  timeZone: "America/New_York",
  memberIdSources: ["IN1-36", "PID-3:MB"],
});

/** Reads the 30 values out of one payload; what each row does per message. */
type Reader = (payload: Buffer) => string[];

let sink = 0; // every value read is added here, so the JIT cannot drop the work

function oursRead(payload: Buffer): string[] {
  const result = parseHl7(decodeHl7Bytes(payload));
  if (!result.ok) throw new Error(result.error.text);
  return PATHS.map((path) => result.message.get(path));
}

function oursNormalize(payload: Buffer): number {
  const parsed = parseHl7(decodeHl7Bytes(payload));
  if (!parsed.ok) throw new Error(parsed.error.text);
  const normalized = normalizeAdt(parsed.message, mapping);
  if (!normalized.ok) throw new Error(normalized.error.text);
  return normalized.event.eventId.length + normalized.event.occurredAt.length;
}

function referenceRead(payload: Buffer): string[] {
  const message = new Message({ text: payload.toString("utf8") });
  return REFERENCE_PATHS.map((path) => message.get(path).toString());
}

/** The slice of @medplum/core's API the benchmark calls (it is an optional, untyped import here). */
interface MedplumCore {
  Hl7Message: {
    parse(text: string): {
      getSegment(name: string): { getComponent(field: number, component: number): string } | undefined;
    };
  };
}

async function loadMedplum(): Promise<{ version: string; read: Reader } | undefined> {
  const manifest = new URL("node_modules/@medplum/core/package.json", REPO_ROOT);
  if (!existsSync(manifest)) return undefined;
  const version = (JSON.parse(readFileSync(manifest, "utf8")) as { version: string }).version;
  const specifier = "@medplum/core"; // a variable, so the typecheck does not need the package
  const core = (await import(specifier)) as MedplumCore;
  return {
    version,
    read(payload) {
      const message = core.Hl7Message.parse(payload.toString("utf8"));
      return SPLIT_PATHS.map((p) => message.getSegment(p.segment)?.getComponent(p.field, p.component) ?? "");
    },
  };
}

interface Row {
  readonly id: string;
  readonly name: string;
  readonly run: ((payload: Buffer) => void) | undefined;
  readonly slices: number[];
}

const counted =
  (read: Reader) =>
  (payload: Buffer): void => {
    for (const value of read(payload)) sink += value.length;
  };

/** Values a peer reads differently from ours, over the distinct fixtures: the rows must do the same work. */
function disagreements(read: Reader): string[] {
  const out: string[] = [];
  for (const payload of payloads.slice(0, 5)) {
    const want = oursRead(payload);
    const got = read(payload);
    PATHS.forEach((path, i) => {
      if (got[i] !== want[i])
        out.push(`${path}: ${JSON.stringify(got[i])} (ours ${JSON.stringify(want[i])})`);
    });
  }
  return out;
}

/** Runs `run` over the payloads for `ms` milliseconds; returns messages per second. */
function slice(run: (payload: Buffer) => void, ms: number): number {
  let count = 0;
  const start = performance.now();
  const until = start + ms;
  let now = start;
  while (now < until) {
    for (let i = 0; i < 100; i++) run(payloads[(count + i) % payloads.length] as Buffer);
    count += 100;
    now = performance.now();
  }
  return count / ((now - start) / 1000);
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
};

const fmtInt = (n: number): string => Math.round(n).toLocaleString("en-US");

async function main(): Promise<void> {
  const seconds = Number(process.argv[2] ?? 4);
  if (!(seconds > 0)) throw new Error(`seconds must be a positive number, got ${process.argv[2]}`);
  const medplum = await loadMedplum();

  const rows: Row[] = [
    {
      id: "a",
      name: "@homeward/hl7: decode + parse + normalizeAdt",
      run: (p) => {
        sink += oursNormalize(p);
      },
      slices: [],
    },
    {
      id: "b",
      name: `@homeward/hl7: decode + parse + read ${PATHS.length} fields`,
      run: counted(oursRead),
      slices: [],
    },
    {
      id: "c",
      name: `node-hl7-client 3.2.0: decode + parse + read ${PATHS.length} fields`,
      run: counted(referenceRead),
      slices: [],
    },
    {
      id: "d",
      name:
        medplum === undefined
          ? "@medplum/core Hl7Message.parse: not installed"
          : `@medplum/core ${medplum.version} Hl7Message.parse + read ${PATHS.length} fields`,
      run: medplum === undefined ? undefined : counted(medplum.read),
      slices: [],
    },
  ];

  const notes: string[] = [];
  for (const [name, read] of [
    ["node-hl7-client", referenceRead],
    ["@medplum/core", medplum?.read],
  ] as const) {
    if (read === undefined) continue;
    const diff = disagreements(read);
    if (diff.length > 0)
      notes.push(
        `${name} reads ${diff.length} of ${PATHS.length * 5} values differently: ${diff.slice(0, 3).join("; ")}`,
      );
  }

  console.log(
    `parse benchmark: ${payloads.length} messages (fixtures A04/A01/A03, ~${averageBytes} bytes each), ${seconds}s per row`,
  );
  const timed = rows.filter((r) => r.run !== undefined);
  for (const row of timed) slice(row.run as (p: Buffer) => void, 500); // warm up the JIT
  const slices = 8;
  for (let s = 0; s < slices; s++) {
    for (const row of timed)
      row.slices.push(slice(row.run as (p: Buffer) => void, (seconds * 1000) / slices));
  }

  // For scale: the event id (SHA-256, @homeward/contracts) that every event of row (a) carries.
  const idSlices: number[] = [];
  let idCount = 0;
  for (let s = 0; s < slices; s++) {
    idSlices.push(
      slice(() => {
        sink += adtEventId("EPICADT", "MERCYGEN", `MG${idCount++}`).length;
      }, 100),
    );
  }
  const idMicros = 1e6 / median(idSlices);

  const rate = (id: string): number | undefined => {
    const row = rows.find((r) => r.id === id);
    return row === undefined || row.slices.length === 0 ? undefined : median(row.slices);
  };
  const a = rate("a") ?? 0;
  const b = rate("b") ?? 0;
  const lines = [
    "| row | what | msgs/s | µs/msg | (a) ÷ row | (b) ÷ row |",
    "| --- | --- | ---: | ---: | ---: | ---: |",
    ...rows.map((row) => {
      const r = rate(row.id);
      if (r === undefined) return `| ${row.id} | ${row.name} | – | – | – | – |`;
      return `| ${row.id} | ${row.name} | ${fmtInt(r)} | ${(1e6 / r).toFixed(2)} | ${(a / r).toFixed(2)}× | ${(b / r).toFixed(2)}× |`;
    }),
  ];
  const peers = ["c", "d"].map((id) => ({ id, r: rate(id) })).filter((p) => p.r !== undefined);
  const fastest = peers.reduce((best, p) => ((p.r ?? 0) > (best?.r ?? 0) ? p : best), peers[0]);
  const fastestRate = fastest?.r ?? 0;
  const target =
    `Target (issue 3): (a) ≥ 1,000,000 msgs/s per core and ≥ 5× the fastest peer. ` +
    `Measured: (a) ${fmtInt(a)} msgs/s (${((a / 1e6) * 100).toFixed(0)}% of 1M), ` +
    `${fastestRate > 0 ? (a / fastestRate).toFixed(1) : "?"}× the fastest peer (row ${fastest?.id ?? "?"}).`;
  const floor =
    `For scale: adtEventId alone (the SHA-256 event id in every event of row a) takes ${idMicros.toFixed(2)} µs, ` +
    `so row (a) cannot pass ${fmtInt(1e6 / idMicros)} msgs/s on this machine whatever the parser does.`;
  if (notes.length === 0)
    notes.push(
      `all rows read the same ${PATHS.length * 5} values from the five distinct fixtures (checked before timing).`,
    );
  const machine = machineLine();

  console.log(lines.join("\n"));
  console.log(target);
  console.log(floor);
  for (const note of notes) console.log(`note: ${note}`);
  console.log(`${machine}; checksum ${sink}`);
  console.log(
    `Run: node --conditions=source --import tsx packages/hl7/bench/parse.bench.ts [seconds-per-row]`,
  );

  const section = [
    "## parse",
    "",
    `${machine}. Run: \`node --conditions=source --import tsx packages/hl7/bench/parse.bench.ts [seconds-per-row]\`.`,
    `One process, one core; ${payloads.length} messages cycled (fixtures A04 ×3, A01, A03; ~${averageBytes} bytes each);`,
    `warm-up, then ${slices} round-robin slices per row (${seconds}s per row), median shown. Every row starts from`,
    "the MLLP payload bytes (UTF-8 decode included).",
    "",
    ...lines,
    "",
    target,
    "",
    floor,
    ...notes.map((n) => `\nNote: ${n}`),
  ].join("\n");
  writeBenchmarkSection("parse", section);
}

await main();
