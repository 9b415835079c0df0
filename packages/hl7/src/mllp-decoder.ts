/**
 * MLLP (HL7 Minimal Lower Layer Protocol, release 2) framing: `0x0B <payload> 0x1C 0x0D`.
 *
 * Written by hand on purpose: a persistent TCP connection delivers frames in arbitrary chunks
 * (several frames per chunk, one frame over many, the two end bytes split across chunks), and a
 * decoder must resynchronise after any framing fault without losing the next good frame.
 *
 * Decisions taken from the spec, which says the payload holds bytes > 0x1F plus CR and never
 * the block characters:
 * - Bytes between frames are skipped; they are reported once per run (`unexpected-bytes`),
 *   except runs made only of white space (CR, LF, space, tab), which many senders add after
 *   `0x1C 0x0D` and which are harmless.
 * - `... 0x1C 0x0D` with no `0x0B` before it: `missing-start-block`, nothing is emitted.
 * - `0x1C` followed by anything but `0x0D` is not payload (the spec forbids 0x1C in the data):
 *   the frame is dropped with `invalid-end-block` and we resync at the next `0x0B`. What to
 *   answer is the transport's choice (the listener sends an AR NAK so the sender resends).
 * - `0x0B` inside an open frame: the open frame was cut short (sender restarted); it is
 *   dropped with `unterminated-frame` and a new frame starts at this `0x0B`.
 * - A frame over `maxFrameBytes` is discarded as it streams (memory stays bounded) and reported
 *   once with `frame-too-large` when it ends or the next `0x0B` arrives.
 */

import { MLLP_CARRIAGE_RETURN as CR, MLLP_END_BLOCK as EB, MLLP_START_BLOCK as SB } from "./mllp-encoder.ts";

export type MllpErrorReason =
  | "frame-too-large"
  | "missing-start-block"
  | "unexpected-bytes"
  | "invalid-end-block"
  | "unterminated-frame"
  | "incomplete-frame";

/** What `push` found: a complete payload (framing removed), or a framing fault and how many bytes it cost. */
export type MllpDecodeEvent =
  | { readonly type: "frame"; readonly payload: Buffer }
  | { readonly type: "error"; readonly reason: MllpErrorReason; readonly discardedBytes: number };

export interface MllpDecoderOptions {
  /** Largest payload accepted, in bytes (default 8 MiB). Protects the listener's memory. */
  readonly maxFrameBytes?: number;
}

export const DEFAULT_MAX_FRAME_BYTES = 8 * 1024 * 1024;

type State = "outside" | "outside-end" | "frame" | "frame-end" | "oversize" | "oversize-end";

function isWhitespace(b: number): boolean {
  return b === 0x0d || b === 0x0a || b === 0x20 || b === 0x09;
}

/**
 * Streaming MLLP decoder, one per connection. Feed it socket chunks; it returns the events the
 * chunk completed. Chunk slices are kept until their frame ends and concatenated once per frame,
 * so a frame split into many small chunks costs linear time. `push` keeps references to the
 * chunk: do not mutate a chunk after pushing it.
 */
export class MllpDecoder {
  readonly #max: number;
  #state: State = "outside";
  #parts: Buffer[] = [];
  #size = 0;
  #gap = 0;
  #gapSignificant = false;
  #discard = 0;

  constructor(options: MllpDecoderOptions = {}) {
    this.#max = options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
  }

  /** Bytes held for a frame that has started but not ended. */
  get pendingBytes(): number {
    return this.#size;
  }

  /** Decodes one chunk; returns the frames and faults it completed, in stream order. */
  push(chunk: Buffer): MllpDecodeEvent[] {
    const events: MllpDecodeEvent[] = [];
    const n = chunk.length;
    let i = 0;
    // The next block characters at or after `i`, each looked up again only once `i` has passed it:
    // looking both up afresh on every turn read the rest of the chunk once per block character, so
    // a payload full of 0x1C (or 0x0B) bytes was quadratic (the fuzzing found it).
    let sbAt = -2;
    let ebAt = -2;
    const nextSb = (): number => {
      if (sbAt === -2 || (sbAt !== -1 && sbAt < i)) sbAt = chunk.indexOf(SB, i);
      return sbAt;
    };
    const nextEb = (): number => {
      if (ebAt === -2 || (ebAt !== -1 && ebAt < i)) ebAt = chunk.indexOf(EB, i);
      return ebAt;
    };
    while (i < n) {
      switch (this.#state) {
        case "outside": {
          const sb = nextSb();
          const eb = nextEb();
          const stop = sb === -1 ? (eb === -1 ? n : eb) : eb === -1 ? sb : Math.min(sb, eb);
          this.#skip(chunk, i, stop);
          i = stop;
          if (i === n) break;
          if (chunk[i] === SB) {
            this.#flushGap(events);
            this.#startFrame();
          } else {
            this.#gap += 1;
            this.#gapSignificant = true;
            this.#state = "outside-end";
          }
          i++;
          break;
        }
        case "outside-end": {
          if (chunk[i] === CR) {
            events.push({ type: "error", reason: "missing-start-block", discardedBytes: this.#gap + 1 });
            this.#resetGap();
            i++;
          }
          this.#state = "outside";
          break;
        }
        case "frame": {
          const eb = nextEb();
          const stop = eb === -1 ? n : eb;
          const sb = nextSb();
          if (sb !== -1 && sb < stop) {
            const size = this.#size + (sb - i);
            const reason = size > this.#max ? "frame-too-large" : "unterminated-frame";
            events.push({ type: "error", reason, discardedBytes: size + 1 });
            this.#startFrame();
            i = sb + 1;
            break;
          }
          if (stop > i) {
            this.#parts.push(chunk.subarray(i, stop));
            this.#size += stop - i;
          }
          if (this.#size > this.#max) {
            this.#discard = this.#size + 1;
            this.#parts = [];
            this.#size = 0;
            this.#state = stop === n ? "oversize" : "oversize-end";
            if (stop !== n) this.#discard += 1;
          } else if (stop !== n) {
            this.#state = "frame-end";
          }
          i = stop === n ? n : stop + 1;
          break;
        }
        case "frame-end": {
          if (chunk[i] === CR) {
            events.push({ type: "frame", payload: Buffer.concat(this.#parts, this.#size) });
            i++;
          } else {
            events.push({ type: "error", reason: "invalid-end-block", discardedBytes: this.#size + 2 });
          }
          this.#parts = [];
          this.#size = 0;
          this.#state = "outside";
          break;
        }
        case "oversize": {
          const eb = nextEb();
          const stop = eb === -1 ? n : eb;
          const sb = nextSb();
          if (sb !== -1 && sb < stop) {
            events.push({
              type: "error",
              reason: "frame-too-large",
              discardedBytes: this.#discard + (sb - i),
            });
            this.#startFrame();
            i = sb + 1;
            break;
          }
          this.#discard += stop - i + (stop === n ? 0 : 1);
          if (stop !== n) this.#state = "oversize-end";
          i = stop === n ? n : stop + 1;
          break;
        }
        case "oversize-end": {
          if (chunk[i] === CR) {
            events.push({ type: "error", reason: "frame-too-large", discardedBytes: this.#discard + 1 });
            this.#discard = 0;
            this.#state = "outside";
            i++;
          } else {
            this.#state = "oversize";
          }
          break;
        }
      }
    }
    return events;
  }

  /**
   * Call when the connection closes: reports a frame that never ended (`incomplete-frame`, or
   * `frame-too-large`) or trailing garbage, and resets the decoder.
   */
  end(): MllpDecodeEvent[] {
    const events: MllpDecodeEvent[] = [];
    switch (this.#state) {
      case "frame":
      case "frame-end": {
        const extra = this.#state === "frame" ? 1 : 2;
        events.push({ type: "error", reason: "incomplete-frame", discardedBytes: this.#size + extra });
        break;
      }
      case "oversize":
      case "oversize-end":
        events.push({ type: "error", reason: "frame-too-large", discardedBytes: this.#discard });
        break;
      case "outside":
      case "outside-end":
        this.#flushGap(events);
        break;
    }
    this.#parts = [];
    this.#size = 0;
    this.#discard = 0;
    this.#resetGap();
    this.#state = "outside";
    return events;
  }

  #startFrame(): void {
    this.#parts = [];
    this.#size = 0;
    this.#discard = 0;
    this.#state = "frame";
  }

  #skip(chunk: Buffer, from: number, to: number): void {
    this.#gap += to - from;
    for (let j = from; j < to && !this.#gapSignificant; j++) {
      if (!isWhitespace(chunk[j] ?? 0)) this.#gapSignificant = true;
    }
  }

  #flushGap(events: MllpDecodeEvent[]): void {
    if (this.#gap > 0 && this.#gapSignificant) {
      events.push({ type: "error", reason: "unexpected-bytes", discardedBytes: this.#gap });
    }
    this.#resetGap();
  }

  #resetGap(): void {
    this.#gap = 0;
    this.#gapSignificant = false;
  }
}
