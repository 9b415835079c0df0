import type { Hl7Error } from "./errors.ts";

/**
 * How much of one message a receiver takes (`parseHl7`'s `limits`). Parsing is linear in the message's
 * size whatever these say; they bound what a message can make the rest of the pipeline do and store
 * (an event with a million identifiers, a million segment objects) and answer a sender that exceeds
 * them with a located error instead.
 *
 * A message over a limit is a content error (the listener answers AE, so the sender does not resend
 * it), with a table 0357 code and the place of the first part over the limit in ERR-2:
 * - 207 application internal error: more segments than this receiver takes (at the first one over);
 * - 102 data type error: a segment with too many fields, or a field too long or with too many
 *   repetitions, components or subcomponents (at the first one over: `PID^1^5^1001` is the 1001st
 *   repetition of PID-5).
 */
export interface Hl7Limits {
  /** Segments in one message (MSH included). */
  readonly maxSegments: number;
  /** Fields in one segment (MSH counts MSH-1 and MSH-2). */
  readonly maxFieldsPerSegment: number;
  /** Repetitions of one field. */
  readonly maxRepetitions: number;
  /** Components of one repetition. */
  readonly maxComponents: number;
  /** Subcomponents of one component. */
  readonly maxSubcomponents: number;
  /** Length of one field (all its repetitions), in bytes as UTF-8, escapes as written. */
  readonly maxFieldBytes: number;
}

/**
 * Generous for ADT: the largest segments the standard defines have about 60 fields and its widest
 * data types about 25 components. Segments and field length leave room for embedded documents (an
 * OBX-5 of several MB, or a report split over tens of thousands of OBX segments).
 */
export const DEFAULT_HL7_LIMITS: Hl7Limits = Object.freeze({
  maxSegments: 100_000,
  maxFieldsPerSegment: 256,
  maxRepetitions: 1_000,
  maxComponents: 100,
  maxSubcomponents: 100,
  maxFieldBytes: 4 * 1024 * 1024,
});

/** The smallest number of separators a count limit allows: a shorter range cannot break one. */
export function smallestCount(limits: Hl7Limits): number {
  return Math.min(
    limits.maxFieldsPerSegment,
    limits.maxRepetitions,
    limits.maxComponents,
    limits.maxSubcomponents,
  );
}

/**
 * A message with more segments than `limits` allow: 207 (application internal error, i.e. more than
 * this receiver takes) at the first segment over, before a segment object is made for any of them.
 * `bounds` are the segments' start and end offsets in `text`, ids already checked.
 */
export function segmentCountBreach(
  text: string,
  bounds: readonly number[],
  limits: Hl7Limits,
): Hl7Error | undefined {
  if (bounds.length / 2 <= limits.maxSegments) return undefined;
  const at = limits.maxSegments * 2;
  const id = text.slice(bounds[at], (bounds[at] ?? 0) + 3);
  let sequence = 1;
  for (let j = 0; j < at; j += 2) if (text.startsWith(id, bounds[j] ?? 0)) sequence++;
  return {
    code: "207",
    text: `Message has more than ${limits.maxSegments} segments`,
    location: { segment: id, sequence },
  };
}

/** Where in a field a limit is broken, and what to say (no message content in it). */
export interface FieldBreach {
  readonly text: string;
  readonly repetition?: number;
  readonly component?: number;
  readonly subcomponent?: number;
}

/**
 * The first limit the field at `[start, end)` of `text` breaks: too long, or too many repetitions,
 * components or subcomponents (one walk over its characters). `codes` are the repetition, component
 * and subcomponent separators as char codes. Callers skip fields too short to break any (`smallestCount`).
 */
export function fieldBreach(
  text: string,
  start: number,
  end: number,
  codes: { readonly repetition: number; readonly component: number; readonly subcomponent: number },
  limits: Hl7Limits,
): FieldBreach | undefined {
  if ((end - start) * 3 > limits.maxFieldBytes && utf8Length(text, start, end) > limits.maxFieldBytes)
    return { text: `Field is longer than ${limits.maxFieldBytes} bytes` };
  let repetition = 1;
  let component = 1;
  let subcomponent = 1;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === codes.repetition) {
      if (++repetition > limits.maxRepetitions)
        return { text: `Field has more than ${limits.maxRepetitions} repetitions`, repetition };
      component = 1;
      subcomponent = 1;
    } else if (c === codes.component) {
      if (++component > limits.maxComponents)
        return { text: `Field has more than ${limits.maxComponents} components`, repetition, component };
      subcomponent = 1;
    } else if (c === codes.subcomponent) {
      if (++subcomponent > limits.maxSubcomponents)
        return {
          text: `Component has more than ${limits.maxSubcomponents} subcomponents`,
          repetition,
          component,
          subcomponent,
        };
    }
  }
  return undefined;
}

/** Bytes that `[start, end)` of `text` takes as UTF-8 (a lone surrogate as the 3 bytes of U+FFFD). */
function utf8Length(text: string, start: number, end: number): number {
  let n = 0;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < end) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        n += 4;
        i++;
      } else n += 3;
    } else n += 3;
  }
  return n;
}
