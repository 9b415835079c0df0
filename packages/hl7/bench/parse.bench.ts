/**
 * Messages per second for what the listener does with every message: decode the MLLP payload
 * bytes, parse, and read ~30 primitives. Ours against node-hl7-client 3.2.0 (the reference).
 *
 *   node --conditions=source --import tsx packages/hl7/bench/parse.bench.ts
 */
import { performance } from "node:perf_hooks";
import { Message } from "node-hl7-client";
import { ADT_A01_ADMIT, ADT_A03_DISCHARGE, ADT_A04_ED } from "../src/fixtures/adt-messages.ts";
import { decodeHl7Bytes, parseHl7 } from "../src/index.ts";

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

// node-hl7-client paths: `PID.5.1`, always down to the subcomponent like ours.
const REFERENCE_PATHS = PATHS.map((p) => {
  const [segment = "", rest = ""] = p.split("-");
  const [field = "1", component = "1"] = rest.split(".");
  return `${segment}.${field}.${component}.1`;
});

// Vary the control id so no layer can cache a message; the average payload is about 2 KB.
const payloads = Array.from({ length: 300 }, (_, i) => {
  const text = [ADT_A04_ED, ADT_A01_ADMIT, ADT_A04_ED, ADT_A03_DISCHARGE, ADT_A04_ED][i % 5] ?? ADT_A04_ED;
  return Buffer.from(text.replace(/\|(MG\d+)\|P\|/, `|$1-${i}|P|`), "utf8");
});
const averageBytes = Math.round(payloads.reduce((n, p) => n + p.length, 0) / payloads.length);

let sink = 0;

function ours(payload: Buffer): void {
  const result = parseHl7(decodeHl7Bytes(payload));
  if (!result.ok) throw new Error(result.error.text);
  for (const path of PATHS) sink += result.message.get(path).length;
}

function reference(payload: Buffer): void {
  const message = new Message({ text: payload.toString("utf8") });
  for (const path of REFERENCE_PATHS) sink += message.get(path).toString().length;
}

function measure(name: string, run: (payload: Buffer) => void, seconds: number): number {
  for (let i = 0; i < 2000; i++) run(payloads[i % payloads.length] as Buffer); // warm up the JIT
  let count = 0;
  const start = performance.now();
  const until = start + seconds * 1000;
  while (performance.now() < until) {
    for (let i = 0; i < 100; i++) run(payloads[(count + i) % payloads.length] as Buffer);
    count += 100;
  }
  const rate = count / ((performance.now() - start) / 1000);
  console.log(`${name.padEnd(22)} ${Math.round(rate).toLocaleString("en-US").padStart(10)} msg/s`);
  return rate;
}

const seconds = Number(process.argv[2] ?? 3);
console.log(`decode + parse + read ${PATHS.length} fields, ~${averageBytes} bytes/message, ${seconds}s each`);
const ourRate = measure("@homeward/hl7", ours, seconds);
const refRate = measure("node-hl7-client 3.2.0", reference, seconds);
console.log(`speed-up: ${(ourRate / refRate).toFixed(1)}x  (checksum ${sink})`);
