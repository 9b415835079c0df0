/*
 * Cutting values out of raw HL7 text without building arrays or intermediate strings: shared by the
 * segment and field classes, not part of the package API.
 *
 * Why it looks like this: a message is kept as the one string it arrived as, and segments, fields,
 * repetitions and components are ranges [start, end) of it. Reading PV1-3.1 narrows the range of
 * PV1-3 to its first repetition, then to its first component, then to its first subcomponent, and
 * only that last range is cut out with `slice`. The result is exactly what splitting would give,
 * without allocating the pieces.
 *
 * Repetition and subcomponent separators and escape characters are rare, so their positions are
 * found once per message (an `indexOf` sweep each, much faster than looking at every character) and
 * a range is narrowed by them by looking those positions up. Component separators are dense and
 * component ranges short, so those are scanned for directly.
 */
import type { Hl7Delimiters } from "./delimiters.ts";
import { unescapeHl7 } from "./escape.ts";

/** The HL7 explicit null: "delete the value the receiver holds". Read as "" by `get`, see `isNull`. */
export const HL7_NULL = '""';

const QUOTE = 0x22;

/** Every position of `char` in `text`, in order. */
function positionsOf(text: string, char: string): number[] {
  const out: number[] = [];
  for (let at = text.indexOf(char); at !== -1; at = text.indexOf(char, at + 1)) out.push(at);
  return out;
}

/** The text of one message (or one field made on its own) with the positions of its rare delimiters. */
export class SourceText {
  readonly text: string;
  readonly delimiters: Hl7Delimiters;
  /** Char code of the component separator. */
  readonly component: number;
  readonly repetitions: readonly number[];
  readonly subcomponents: readonly number[];
  readonly escapes: readonly number[];

  constructor(text: string, delimiters: Hl7Delimiters) {
    this.text = text;
    this.delimiters = delimiters;
    this.component = delimiters.component.charCodeAt(0);
    this.repetitions = positionsOf(text, delimiters.repetition);
    this.subcomponents = positionsOf(text, delimiters.subcomponent);
    this.escapes = positionsOf(text, delimiters.escape);
  }
}

/**
 * The range `narrow…` found. Module state rather than a returned object so the hot path allocates
 * nothing; safe because reads are synchronous and every caller copies it out before narrowing again.
 */
export const span = { start: 0, end: 0 };

/** Index of the first of the sorted `positions` at or after `at`. */
function firstFrom(positions: readonly number[], at: number): number {
  let lo = 0;
  let hi = positions.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((positions[mid] ?? 0) < at) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** True when one of `positions` lies in `[start, end)`. */
export function anyWithin(positions: readonly number[], start: number, end: number): boolean {
  if (positions.length === 0) return false;
  const at = positions[firstFrom(positions, start)];
  return at !== undefined && at < end;
}

/**
 * Narrows `[start, end)` to its `n`-th (1-based) piece between the separators at `positions` and
 * leaves it in `span`. Returns false when there is no such piece.
 */
export function narrowAt(positions: readonly number[], start: number, end: number, n: number): boolean {
  let from = start;
  let j = positions.length === 0 ? 0 : firstFrom(positions, start);
  for (let k = 1; k < n; k++) {
    const at = positions[j++];
    if (at === undefined || at >= end) return false;
    from = at + 1;
  }
  const at = positions[j];
  span.start = from;
  span.end = at === undefined || at >= end ? end : at;
  return true;
}

/**
 * `narrowAt` for a dense separator (the component separator), found with `indexOf`: that may look a
 * little past `end` for the next one, but these separators are close together and `indexOf` is
 * several times faster per character than a loop of `charCodeAt`.
 */
export function narrowScan(text: string, start: number, end: number, sep: string, n: number): boolean {
  let from = start;
  for (let k = 1; k < n; k++) {
    const at = text.indexOf(sep, from);
    if (at === -1 || at >= end) return false;
    from = at + 1;
  }
  const at = from >= end ? -1 : text.indexOf(sep, from);
  span.start = from;
  span.end = at === -1 || at > end ? end : at;
  return true;
}

/** How many pieces `[start, end)` has between the separators at `positions` (0 when empty). */
export function countAt(positions: readonly number[], start: number, end: number): number {
  if (start >= end) return 0;
  let n = 1;
  for (let j = firstFrom(positions, start); (positions[j] ?? end) < end; j++) n++;
  return n;
}

/** How many pieces `[start, end)` has between `sep` characters (0 when empty, trailing empty ones counted). */
export function countScan(text: string, start: number, end: number, sep: number): number {
  if (start >= end) return 0;
  let n = 1;
  for (let i = start; i < end; i++) if (text.charCodeAt(i) === sep) n++;
  return n;
}

/** The unescaped value of `[start, end)`: "" for the HL7 null `""`. */
export function valueAt(src: SourceText, start: number, end: number): string {
  if (start >= end) return "";
  const text = src.text;
  if (end - start === 2 && text.charCodeAt(start) === QUOTE && text.charCodeAt(start + 1) === QUOTE)
    return "";
  const value = text.slice(start, end);
  return anyWithin(src.escapes, start, end) ? unescapeHl7(value, src.delimiters) : value;
}

/** Component `c`, subcomponent `s` of the repetition at `[start, end)`, unescaped; "" when absent. */
export function primitive(src: SourceText, start: number, end: number, c: number, s: number): string {
  if (!narrowScan(src.text, start, end, src.delimiters.component, c)) return "";
  if (!narrowAt(src.subcomponents, span.start, span.end, s)) return "";
  return valueAt(src, span.start, span.end);
}

/** Repetition `r`, component `c`, subcomponent `s` of the field at `[start, end)`, unescaped. */
export function fieldPrimitive(
  src: SourceText,
  start: number,
  end: number,
  r: number,
  c: number,
  s: number,
): string {
  if (!narrowAt(src.repetitions, start, end, r)) return "";
  return primitive(src, span.start, span.end, c, s);
}
