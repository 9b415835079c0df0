/**
 * Frames for fuzzing the MLLP decoder and the parser, normalizer and ACK builder (issue 12): the
 * sample ADT messages, mutated the ways senders and attackers break them (truncations, delimiter
 * swaps, escape abuse, huge repetitions, invalid UTF-8, NULs, framing bytes inside the payload, nested
 * FHS/BHS batches, random bytes), framed as MLLP (sometimes badly) and cut into random chunks.
 * fast-check arbitraries, so the suite's short run and the long script (bench/fuzz.ts) share them and
 * a failure shrinks to a small case.
 */
import fc from "fast-check";
import { SAMPLE_ADT_MESSAGES } from "../fixtures/adt-messages.ts";

const SAMPLES = Object.values(SAMPLE_ADT_MESSAGES);
const SB = 0x0b;
const EB = 0x1c;
const CR = 0x0d;

/** One way to break a message's text (applied in order; positions are fractions of the length). */
export type Mutation =
  | { kind: "truncate"; at: number }
  | { kind: "swap-delimiters"; from: string; to: string }
  | { kind: "encoding-chars"; value: string }
  | { kind: "escape"; at: number; value: string }
  | { kind: "repeat"; at: number; unit: string; count: number }
  | { kind: "insert"; at: number; value: string }
  | { kind: "delete"; at: number; length: number }
  | { kind: "segment-terminators"; to: string }
  | { kind: "batch"; envelope: "FHS" | "BHS" | "both" | "nested" | "broken" }
  | { kind: "duplicate-segment"; at: number; times: number };

const at = fc.double({ min: 0, max: 1, noNaN: true });
const delimiter = fc.constantFrom("|", "^", "~", "\\", "&", "#", "\r", "\n", "", "A", " ", "\u0000");

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant("truncate" as const), at }),
  fc.record({ kind: fc.constant("swap-delimiters" as const), from: delimiter, to: delimiter }),
  fc.record({
    kind: fc.constant("encoding-chars" as const),
    value: fc.oneof(
      fc.constantFrom("^~\\&", "^~\\&#", "^~\\", "^^^^", "|~\\&", "", "^~\\&#$%"),
      fc.string({ maxLength: 6 }),
    ),
  }),
  fc.record({
    kind: fc.constant("escape" as const),
    at,
    value: fc.oneof(
      fc.constantFrom(
        "\\",
        "\\\\",
        "\\X\\",
        "\\XZZ\\",
        "\\X0D0A\\",
        "\\XFF\\",
        "\\XC3\\",
        "\\.br\\",
        "\\H\\\\N\\",
        "\\E\\E\\",
      ),
      fc
        .constantFrom("\\F\\", "\\S\\", "\\T\\", "\\R\\", "\\P\\", "\\Zabc\\", "\\C2842\\", "\\M2442\\")
        .chain((e) => fc.integer({ min: 1, max: 2000 }).map((n) => e.repeat(n))),
      fc.integer({ min: 1, max: 5000 }).map((n) => `\\X${"41".repeat(n)}\\`),
    ),
  }),
  fc.record({
    kind: fc.constant("repeat" as const),
    at,
    unit: fc.constantFrom("~", "~A", "^", "&", "|", "\r", "\rZZZ", "\rDG1|1||X^Y^I10", "~1^^^X^MR", "A"),
    count: fc.oneof(
      fc.integer({ min: 1, max: 50 }),
      fc.integer({ min: 900, max: 1100 }),
      fc.integer({ min: 1, max: 20_000 }),
    ),
  }),
  fc.record({
    kind: fc.constant("insert" as const),
    at,
    value: fc.oneof(
      fc.constantFrom(
        "\u0000",
        "\u0000\u0000\u0000",
        "\u000b",
        "\u001c",
        "\u001c\r",
        "\ufeff",
        "\ud800",
        "\udfff",
        "é",
        "😀",
        "\r\n",
        "\n\n\n",
        "MSH|^~\\&|",
        "\rMSH|^~\\&|X|Y|||||ADT^A01|1|P|2.5",
      ),
      fc.string({ maxLength: 12 }),
      fc.string({ unit: "binary", maxLength: 12 }),
    ),
  }),
  fc.record({ kind: fc.constant("delete" as const), at, length: fc.integer({ min: 1, max: 200 }) }),
  fc.record({
    kind: fc.constant("segment-terminators" as const),
    to: fc.constantFrom("\n", "\r\n", "\n\r", "\r\r", "", " "),
  }),
  fc.record({
    kind: fc.constant("batch" as const),
    envelope: fc.constantFrom("FHS", "BHS", "both", "nested", "broken"),
  }),
  fc.record({ kind: fc.constant("duplicate-segment" as const), at, times: fc.integer({ min: 1, max: 300 }) }),
);

/** A little over the listener's largest frame (4 MiB). */
const MAX_TEXT = 5 * 1024 * 1024;

const position = (text: string, fraction: number): number =>
  Math.min(text.length, Math.floor(fraction * text.length));

/** Applies one mutation to a message's text. */
export function mutate(text: string, m: Mutation): string {
  switch (m.kind) {
    case "truncate":
      return text.slice(0, position(text, m.at));
    case "swap-delimiters":
      return m.from === "" ? text : text.split(m.from).join(m.to);
    case "encoding-chars": {
      if (!text.startsWith("MSH") || text.length < 4) return text;
      const separator = text.charAt(3);
      const end = text.indexOf(separator, 4);
      return `MSH${separator}${m.value}${end === -1 ? "" : text.slice(end)}`;
    }
    case "escape":
    case "insert": {
      const p = position(text, m.at);
      return text.slice(0, p) + m.value + text.slice(p);
    }
    case "repeat": {
      const p = position(text, m.at);
      return text.slice(0, p) + m.unit.repeat(m.count) + text.slice(p);
    }
    case "delete": {
      const p = position(text, m.at);
      return text.slice(0, p) + text.slice(p + m.length);
    }
    case "segment-terminators":
      return text.split("\r").join(m.to);
    case "batch": {
      const fhs = "FHS|^~\\&|SEND|MERCYGEN|||20240305||||F1";
      const bhs = "BHS|^~\\&|SEND|MERCYGEN|||20240305||||B1";
      switch (m.envelope) {
        case "FHS":
          return [fhs, text, "FTS|1"].join("\r");
        case "BHS":
          return [bhs, text, text, "BTS|2"].join("\r");
        case "both":
          return [fhs, bhs, text, "BTS|1", "FTS|1"].join("\r");
        case "nested":
          return [fhs, bhs, bhs, text, fhs, text, "BTS|x", "BTS|1", "FTS|1", "FTS|1"].join("\r");
        case "broken":
          return [bhs, "ZZZ|orphan", text.slice(0, text.length >> 1), "BTS|99"].join("\r");
      }
      return text;
    }
    case "duplicate-segment": {
      const lines = text.split("\r");
      const i = Math.min(lines.length - 1, Math.floor(m.at * lines.length));
      const line = lines[i] ?? "";
      lines.splice(i, 0, ...new Array<string>(m.times).fill(line));
      return lines.join("\r");
    }
  }
}

/** How the payload becomes bytes: UTF-8 or Latin-1, and then some bytes no encoding gives. */
export interface PayloadBytes {
  readonly encoding: "utf8" | "latin1";
  /** Raw bytes spliced in after encoding (invalid UTF-8, NULs, block characters). */
  readonly splices: readonly { at: number; bytes: readonly number[] }[];
}

const payloadBytes: fc.Arbitrary<PayloadBytes> = fc.record({
  encoding: fc.constantFrom("utf8" as const, "latin1" as const),
  splices: fc.array(
    fc.record({
      at,
      bytes: fc.oneof(
        fc.constantFrom(
          [0xff],
          [0xc3],
          [0xe2, 0x82],
          [0xed, 0xa0, 0x80],
          [0xf8, 0x88, 0x80, 0x80, 0x80],
          [0x00],
          [0xc0, 0x80],
          [SB],
          [EB],
          [EB, CR],
          [SB, SB],
        ),
        fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 8 }),
      ),
    }),
    { maxLength: 3 },
  ),
});

/** How the payload is framed and delivered over the stream. */
export interface Framing {
  /** 0: proper `0x0B … 0x1C 0x0D`; others break it. */
  readonly style: "proper" | "no-start" | "no-end" | "bad-end" | "double-start" | "garbage-before" | "raw";
  /** Where the stream is cut into chunks (fractions of its length). */
  readonly cuts: readonly number[];
  /** A second, proper frame after this one, so resynchronisation is exercised. */
  readonly followedByGood: boolean;
}

const framing: fc.Arbitrary<Framing> = fc.record({
  style: fc.oneof(
    { weight: 6, arbitrary: fc.constant("proper" as const) },
    {
      weight: 1,
      arbitrary: fc.constantFrom("no-start", "no-end", "bad-end", "double-start", "garbage-before", "raw"),
    },
  ),
  cuts: fc.array(at, { maxLength: 6 }),
  followedByGood: fc.boolean(),
});

export interface FuzzCase {
  readonly base: number;
  readonly mutations: readonly Mutation[];
  readonly bytes: PayloadBytes;
  readonly framing: Framing;
  /** Instead of a message, this many random bytes (null: use the message). */
  readonly random: readonly number[] | null;
}

export const fuzzCase: fc.Arbitrary<FuzzCase> = fc.record({
  base: fc.integer({ min: 0, max: SAMPLES.length - 1 }),
  mutations: fc.array(mutation, { minLength: 0, maxLength: 4 }),
  bytes: payloadBytes,
  framing,
  random: fc.oneof(
    { weight: 19, arbitrary: fc.constant(null) },
    { weight: 1, arbitrary: fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 2048 }) },
  ),
});

/** The payload bytes of a case (what an MLLP frame would carry). */
export function payloadOf(c: FuzzCase): Buffer {
  if (c.random !== null) return Buffer.from(c.random);
  let text = SAMPLES[c.base] ?? "";
  // Mutations can compound (a duplicated line of duplicated lines): past the largest frame the
  // decoder only discards, so the rest of a bigger text would cost time and exercise nothing.
  for (const m of c.mutations) text = mutate(text, m).slice(0, MAX_TEXT);
  let bytes = Buffer.from(text, c.bytes.encoding);
  for (const s of c.bytes.splices) {
    const p = position(bytes.toString("latin1"), s.at);
    bytes = Buffer.concat([bytes.subarray(0, p), Buffer.from(s.bytes), bytes.subarray(p)]);
  }
  return bytes;
}

/** The byte stream a case sends, and the chunks it arrives in. */
export function streamOf(c: FuzzCase, good: Buffer): { stream: Buffer; chunks: Buffer[] } {
  const payload = payloadOf(c);
  const frame = (p: Buffer) => Buffer.concat([Buffer.from([SB]), p, Buffer.from([EB, CR])]);
  let first: Buffer;
  switch (c.framing.style) {
    case "proper":
      first = frame(payload);
      break;
    case "no-start":
      first = Buffer.concat([payload, Buffer.from([EB, CR])]);
      break;
    case "no-end":
      first = Buffer.concat([Buffer.from([SB]), payload]);
      break;
    case "bad-end":
      first = Buffer.concat([Buffer.from([SB]), payload, Buffer.from([EB, 0x41])]);
      break;
    case "double-start":
      first = Buffer.concat([Buffer.from([SB]), payload.subarray(0, payload.length >> 1), frame(payload)]);
      break;
    case "garbage-before":
      first = Buffer.concat([Buffer.from("garbage\r\n"), frame(payload)]);
      break;
    case "raw":
      first = payload;
      break;
  }
  const stream = c.framing.followedByGood ? Buffer.concat([first, frame(good)]) : first;
  const cuts = [...new Set(c.framing.cuts.map((f) => Math.floor(f * stream.length)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let from = 0;
  for (const cut of cuts) {
    if (cut > from && cut < stream.length) {
      chunks.push(stream.subarray(from, cut));
      from = cut;
    }
  }
  chunks.push(stream.subarray(from));
  return { stream, chunks };
}
