/**
 * The long fuzz run of issue 12: at least a million generated and mutated frames through the MLLP
 * decoder, the parser, the normalizer and the ACK builder (src/fuzz/), counting what happened.
 *
 *   npm run fuzz -w @homeward/hl7 -- [--frames 1000000] [--seed 12]
 *
 * Prints progress, the first violations in full (with the case, to replay), and a summary that is
 * written into docs/benchmarks.md between the fuzz markers (`BENCH_NO_WRITE=1` to skip). Exits 1 if
 * any frame broke a promise (an exception, an invalid or missing answer, a contract violation).
 */
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { machineLine, writeBenchmarkSection } from "@homeward/testing/bench";
import fc from "fast-check";
import { fuzzCase } from "../src/fuzz/fuzz-frames.test-support.ts";
import { runCase } from "../src/fuzz/fuzz-pipeline.test-support.ts";

const { values } = parseArgs({ options: { frames: { type: "string" }, seed: { type: "string" } } });
const FRAMES = Number(values.frames ?? 1_000_000);
const SEED = Number(values.seed ?? 12);

const outcomes = new Map<string, number>();
const times: number[] = [];
let violations = 0;
let answers = 0;
let slowestCase = "";
let slowest = 0;
const started = performance.now();

fc.assert(
  fc.property(fuzzCase, (c) => {
    const result = runCase(c);
    const ms = result.ms;
    times.push(ms);
    if (ms > slowest) {
      slowest = ms;
      slowestCase = JSON.stringify(c).slice(0, 300);
    }
    answers += result.outcomes.length;
    for (const o of result.outcomes) outcomes.set(o, (outcomes.get(o) ?? 0) + 1);
    if (result.violations.length > 0) {
      violations++;
      if (violations <= 5) console.error("VIOLATION", result.violations, JSON.stringify(c));
    }
    if (times.length % 100_000 === 0)
      console.log(`${times.length} frames, ${((performance.now() - started) / 1000).toFixed(0)} s`);
    return true;
  }),
  { numRuns: FRAMES, seed: SEED },
);

const seconds = (performance.now() - started) / 1000;
times.sort((a, b) => a - b);
const pct = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))] ?? 0;
const top = [...outcomes.entries()].sort((a, b) => b[1] - a[1]);
const table = top
  .slice(0, 15)
  .map(([o, n]) => `| \`${o}\` | ${n.toLocaleString("en-US")} |`)
  .join("\n");

const markdown = `
## fuzz

${machineLine()}. Run: \`npm run fuzz -w @homeward/hl7 -- --frames ${FRAMES} --seed ${SEED}\`.
Each frame: a sample ADT message with up to four mutations (truncation, delimiter swaps, MSH-2
changes, escape abuse, up to 20,000 repeated separators or segments, inserted NULs, block bytes,
BOMs, lone surrogates, nested or broken FHS/BHS batches), encoded as UTF-8 or Latin-1 with invalid
byte sequences spliced in, or 1 in 20 random bytes; framed properly or not (no start, no end, a bad
end, a double start, garbage before, unframed), cut into up to 7 chunks, and sometimes followed by a
good frame (texts cut at 5 MiB, a little over the largest frame). Times are the listener's side
(decoding, answering), without making the case. The decoder must give the same events chunked and whole; every frame and framing fault
an answer (ACK/NAK that parses, echoes MSH-10 in MSA-2, carries the ERR code, and is no larger than
the header it echoes plus 2 KB); every error fit the rejected-record contract; every event the
AdtEvent schema; the good frame after a bad one AA.

| frames | answers (messages and framing faults) | distinct outcomes | violations (crashes, bad answers) | per frame p50 / p99 / max ms | run |
| ---: | ---: | ---: | ---: | ---: | ---: |
| ${FRAMES.toLocaleString("en-US")} | ${answers.toLocaleString("en-US")} | ${outcomes.size} | ${violations} | ${pct(0.5).toFixed(3)} / ${pct(0.99).toFixed(2)} / ${slowest.toFixed(1)} | ${seconds.toFixed(0)} s |

Most frequent outcomes (MSA-1, then ERR-3 table 0357 code; \`framing:\` a decoder fault; \`batch:n\`
a batch of n messages, 3 meaning 3 or more):

| outcome | count |
| --- | ---: |
${table}

Found and fixed by the fuzzing: the MLLP decoder looked up the next start and end block afresh for
every block character, so a frame full of stray 0x1C or 0x0B bytes took seconds per MB (quadratic);
an error located at a line with no segment id (ERR-2 with an empty
segment, which the rejected record's contract refuses); an ACK that echoed an MSH-11 or MSH-12 that reads as
empty (the HL7 null \`""\`, \`~P\`), making the answer itself an invalid message.
`;
console.log(markdown);
console.log("slowest case:", slowestCase);
writeBenchmarkSection("fuzz", markdown);
process.exitCode = violations === 0 ? 0 : 1;
