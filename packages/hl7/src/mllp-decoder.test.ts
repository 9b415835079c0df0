import { performance } from "node:perf_hooks";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type MllpDecodeEvent, MllpDecoder } from "./mllp-decoder.ts";
import { encodeMllp } from "./mllp-encoder.ts";

const SB = "\x0b";
const END = "\x1c\r";

function decodeAll(chunks: (string | Buffer)[], decoder = new MllpDecoder()): MllpDecodeEvent[] {
  const events = chunks.flatMap((c) => decoder.push(typeof c === "string" ? Buffer.from(c, "latin1") : c));
  return [...events, ...decoder.end()];
}

const frame = (payload: string): MllpDecodeEvent => ({
  type: "frame",
  payload: Buffer.from(payload, "latin1"),
});

describe("MllpDecoder", () => {
  it("decodes many frames in one chunk", () => {
    expect(decodeAll([`${SB}MSH|1${END}${SB}MSH|2${END}${SB}${END}`])).toEqual([
      frame("MSH|1"),
      frame("MSH|2"),
      frame(""),
    ]);
  });

  it("decodes one frame split byte by byte, including between 0x1C and 0x0D", () => {
    const wire = `${SB}MSH|^~\\&|A\rPID|1${END}`;
    expect(decodeAll([...wire])).toEqual([frame("MSH|^~\\&|A\rPID|1")]);
    expect(decodeAll([`${SB}MSH|1\x1c`, "\r"])).toEqual([frame("MSH|1")]);
  });

  it("holds a partial frame until its end arrives", () => {
    const decoder = new MllpDecoder();
    expect(decoder.push(Buffer.from(`${SB}MSH|1`))).toEqual([]);
    expect(decoder.pendingBytes).toBe(5);
    expect(decoder.push(Buffer.from(`|2${END}`))).toEqual([frame("MSH|1|2")]);
    expect(decoder.pendingBytes).toBe(0);
  });

  it("skips garbage between frames and reports it once per run", () => {
    expect(decodeAll([`${SB}A${END}junk`, "more", `${SB}B${END}`])).toEqual([
      frame("A"),
      { type: "error", reason: "unexpected-bytes", discardedBytes: 8 },
      frame("B"),
    ]);
  });

  it("ignores white space between frames", () => {
    expect(decodeAll([`\r\n${SB}A${END}\n`, `\r\n ${SB}B${END}\r\n`])).toEqual([frame("A"), frame("B")]);
  });

  it("reports a missing start block and emits nothing for it", () => {
    expect(decodeAll([`MSH|1${END}${SB}B${END}`])).toEqual([
      { type: "error", reason: "missing-start-block", discardedBytes: 7 },
      frame("B"),
    ]);
    expect(decodeAll([`MSH|1\x1c`, `\r${SB}B${END}`])).toEqual([
      { type: "error", reason: "missing-start-block", discardedBytes: 7 },
      frame("B"),
    ]);
  });

  it("drops a frame whose 0x1C is not followed by 0x0D and resyncs at the next 0x0B", () => {
    expect(decodeAll([`${SB}bad\x1cX${SB}good${END}`])).toEqual([
      { type: "error", reason: "invalid-end-block", discardedBytes: 5 },
      { type: "error", reason: "unexpected-bytes", discardedBytes: 1 },
      frame("good"),
    ]);
    expect(decodeAll([`${SB}bad\x1c`, `${SB}good${END}`])).toEqual([
      { type: "error", reason: "invalid-end-block", discardedBytes: 5 },
      frame("good"),
    ]);
  });

  it("drops a frame cut short by a new start block", () => {
    expect(decodeAll([`${SB}partial`, `${SB}whole${END}`])).toEqual([
      { type: "error", reason: "unterminated-frame", discardedBytes: 8 },
      frame("whole"),
    ]);
  });

  it("discards an oversized frame as it streams and resyncs", () => {
    const decoder = new MllpDecoder({ maxFrameBytes: 4 });
    expect(decodeAll([`${SB}12345`, "6789", `${END}${SB}1234${END}`], decoder)).toEqual([
      { type: "error", reason: "frame-too-large", discardedBytes: 12 },
      frame("1234"),
    ]);
    expect(decodeAll([`${SB}123456789${SB}ok${END}`], new MllpDecoder({ maxFrameBytes: 4 }))).toEqual([
      { type: "error", reason: "frame-too-large", discardedBytes: 10 },
      frame("ok"),
    ]);
    expect(decodeAll([`${SB}123456\x1c`, "\r"], new MllpDecoder({ maxFrameBytes: 4 }))).toEqual([
      { type: "error", reason: "frame-too-large", discardedBytes: 9 },
    ]);
  });

  it("reads a chunk full of block characters in one pass (each looked up once, not once per turn)", () => {
    // A million stray end blocks between frames, then a good frame: looking the start block up afresh
    // after each of them read the rest of the chunk every time, seconds for a few MB.
    const strays = Buffer.alloc(2_000_000, 0x1c);
    for (let i = 1; i < strays.length; i += 2) strays[i] = 0x41;
    const good = encodeMllp("MSH|^~\\&|A|B|||||ADT^A01|1|P|2.5");
    const decoder = new MllpDecoder();
    const started = performance.now();
    const events = decoder.push(Buffer.concat([strays, good]));
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(events.at(-1)).toMatchObject({ type: "frame" });
    expect(events.filter((e) => e.type === "error")).toHaveLength(1);
    const inFrame = new MllpDecoder().push(
      Buffer.concat([Buffer.from([0x0b]), Buffer.alloc(200_000, 0x0b), good]),
    );
    expect(inFrame.at(-1)).toMatchObject({ type: "frame" });
  });

  it("reports what is left when the connection ends", () => {
    expect(decodeAll([`${SB}MSH|1`])).toEqual([
      { type: "error", reason: "incomplete-frame", discardedBytes: 6 },
    ]);
    expect(decodeAll(["trailing"])).toEqual([
      { type: "error", reason: "unexpected-bytes", discardedBytes: 8 },
    ]);
    expect(decodeAll(["\r\n"])).toEqual([]);
  });

  it("returns payloads that do not alias the pushed chunk", () => {
    const chunk = Buffer.from(`${SB}abc${END}`);
    const [event] = new MllpDecoder().push(chunk);
    chunk.fill(0);
    expect(event).toEqual(frame("abc"));
  });
});

describe("encodeMllp", () => {
  it("wraps a payload in a block", () => {
    expect(encodeMllp("MSH|é")).toEqual(
      Buffer.concat([Buffer.from([0x0b]), Buffer.from("MSH|é"), Buffer.from([0x1c, 0x0d])]),
    );
    expect(encodeMllp("é", "latin1")).toEqual(Buffer.from([0x0b, 0xe9, 0x1c, 0x0d]));
  });

  it("refuses a payload that would break framing", () => {
    expect(() => encodeMllp("a\x1cb")).toThrow(RangeError);
    expect(() => encodeMllp(Buffer.from([0x0b]))).toThrow(RangeError);
  });
});

describe("MLLP round trip (property)", () => {
  const payload = fc
    .uint8Array({ maxLength: 300 })
    .map((a) => Buffer.from(a.filter((b) => b !== 0x0b && b !== 0x1c)));

  it("any payloads, encoded back to back and split anywhere, decode to the same payloads", () => {
    fc.assert(
      fc.property(
        fc.array(payload, { maxLength: 8 }),
        fc.array(fc.nat(), { maxLength: 20 }),
        (payloads, cuts) => {
          const wire = Buffer.concat(payloads.map((p) => encodeMllp(p)));
          const points = [...new Set(cuts.map((c) => c % (wire.length + 1)))].sort((a, b) => a - b);
          const chunks: Buffer[] = [];
          let from = 0;
          for (const at of [...points, wire.length]) {
            chunks.push(wire.subarray(from, at));
            from = at;
          }
          const decoder = new MllpDecoder();
          const events = [...chunks.flatMap((c) => decoder.push(c)), ...decoder.end()];
          expect(events).toEqual(payloads.map((p) => ({ type: "frame", payload: p })));
        },
      ),
      { numRuns: 500 },
    );
  });

  it("garbage between frames never loses a good frame", () => {
    const garbage = fc.uint8Array({ maxLength: 20 }).map((a) => Buffer.from(a.filter((b) => b !== 0x0b)));
    fc.assert(
      fc.property(
        fc.array(fc.tuple(garbage, payload), { maxLength: 6 }),
        fc.integer({ min: 1, max: 64 }),
        (parts, size) => {
          const wire = Buffer.concat(parts.flatMap(([g, p]) => [g, encodeMllp(p)]));
          const decoder = new MllpDecoder();
          const events: MllpDecodeEvent[] = [];
          for (let at = 0; at < wire.length; at += size)
            events.push(...decoder.push(wire.subarray(at, at + size)));
          events.push(...decoder.end());
          const frames = events.flatMap((e) => (e.type === "frame" ? [e.payload] : []));
          expect(frames).toEqual(parts.map(([, p]) => p));
        },
      ),
      { numRuns: 300 },
    );
  });
});
