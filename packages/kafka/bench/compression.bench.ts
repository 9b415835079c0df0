/**
 * Why records are ZSTD-compressed (packages/kafka/src/compression.ts): CPU and size of gzip (the
 * codec kafkajs ships) and zstd on what the listener writes. Run: `npm run bench:compression -w @homeward/kafka`.
 */
import { randomBytes } from "node:crypto";
import { promisify } from "node:util";
import { gzip } from "node:zlib";
import { compress } from "@mongodb-js/zstd";

const gz = promisify(gzip);
const codecs: Record<string, (b: Buffer) => Promise<Buffer>> = {
  "gzip -6 (kafkajs)": (b) => gz(b),
  "gzip -1": (b) => gz(b, { level: 1 }),
  "zstd -3 (chosen)": (b) => compress(b, 3),
};

/** A raw record as the listener writes it: the message as base64 in JSON. */
const rawRecord = (message: Buffer) =>
  Buffer.from(JSON.stringify({ schemaVersion: 1, message: { base64: message.toString("base64") } }));

const words = "patient reports chest pain radiating to left arm denies shortness of breath history of ".split(
  " ",
);
const text = (n: number) => {
  let s = "";
  for (let i = 0; s.length < n; i++) s += `${words[(i * 7919) % words.length]} `;
  return Buffer.from(s.slice(0, n));
};
const pdf = (n: number) =>
  Buffer.from(
    randomBytes(Math.ceil(n * 0.75))
      .toString("base64")
      .slice(0, n),
  );
const small = Array.from({ length: 64 }, (_, i) => rawRecord(text(1500 + i)));

const inputs: [string, Buffer, number][] = [
  ["64 small messages (raw records)", Buffer.concat(small), 200],
  ["4 MiB message, embedded PDF (raw record)", rawRecord(pdf(4 * 1024 * 1024)), 5],
  ["4 MiB message, narrative text (raw record)", rawRecord(text(4 * 1024 * 1024)), 5],
];
for (const [name, input, reps] of inputs) {
  console.log(`\n${name}: ${(input.length / 1024).toFixed(0)} KiB`);
  for (const [codec, run] of Object.entries(codecs)) {
    await run(input);
    const cpu0 = process.cpuUsage();
    let out = Buffer.alloc(0);
    for (let i = 0; i < reps; i++) out = await run(input);
    const cpu = process.cpuUsage(cpu0);
    const ms = (cpu.user + cpu.system) / 1000 / reps;
    const ratio = ((100 * out.length) / input.length).toFixed(1);
    console.log(`  ${codec.padEnd(18)} ${ratio.padStart(5)}% of input   ${ms.toFixed(2)} ms CPU`);
  }
}
