/*
 * Cutting values out of raw HL7 text without building arrays or intermediate strings: shared by the
 * segment and field classes, not part of the package API.
 *
 * Why it looks like this: a message is kept as the one string it arrived as, and segments, fields,
 * repetitions and components are ranges [start, end) of it. Reading PV1-3.1 narrows the range of
 * PV1-3 to its first repetition, component and subcomponent, and only that last range is cut out
 * with `slice`. The result is exactly what splitting would give, without allocating the pieces.
 *
 * Two ways to narrow, chosen per range. Repetition and subcomponent separators and escape characters
 * are rare, so their positions are found once per message (an `indexOf` sweep each) and most ranges
 * turn out to hold none of them: a plain range (`SourceText.isPlain`) only has component separators
 * to find, which `indexOf` does. Any other range is walked character by character, noting all three
 * kinds of separator at once and whether an escape character falls inside the value, so that only
 * such values go through `unescapeHl7`.
 *
 * Where this trades clarity for speed (module state in `span`, char codes, looking at the next
 * character before calling `indexOf`), bench/parse.bench.ts is why: these functions run a few hundred
 * times per message.
 */
import type { Hl7Delimiters } from "./delimiters.ts";
import { unescapeHl7 } from "./escape.ts";

/** The HL7 explicit null: "delete the value the receiver holds". Read as "" by `get`, see `isNull`. */
export const HL7_NULL = '""';

const QUOTE = 0x22;

/** The text of one message (or one field made on its own) with its delimiters as char codes. */
export class SourceText {
  readonly text: string;
  readonly delimiters: Hl7Delimiters;
  readonly field: number;
  readonly component: number;
  readonly repetition: number;
  readonly subcomponent: number;
  readonly escape: number;

  constructor(text: string, delimiters: Hl7Delimiters) {
    this.text = text;
    this.delimiters = delimiters;
    this.field = delimiters.field.charCodeAt(0);
    this.component = delimiters.component.charCodeAt(0);
    this.repetition = delimiters.repetition.charCodeAt(0);
    this.subcomponent = delimiters.subcomponent.charCodeAt(0);
    this.escape = delimiters.escape.charCodeAt(0);
  }

  #repetitions: number[] | undefined;

  /**
   * Every position of the repetition separator, found on first use with one `indexOf` sweep: it is
   * rare, so a field's repetitions are found by looking these up instead of walking the field.
   */
  get repetitionPositions(): readonly number[] {
    this.#repetitions ??= positionsOf(this.text, this.delimiters.repetition);
    return this.#repetitions;
  }

  /**
   * True when `[start, end)` holds no repetition separator, subcomponent separator or escape
   * character: a plain range, whose values are found by their component separators alone.
   * Ranges are mostly asked about in message order, so the last answer nearly always still holds
   * (none of the three lies between where it was looked up from and what was found).
   */
  isPlain(start: number, end: number): boolean {
    if (this.#rareFrom === -1 || start < this.#rareFrom || this.#rareAt < start) {
      this.#rare ??= merged(
        this.repetitionPositions,
        merged(
          positionsOf(this.text, this.delimiters.subcomponent),
          positionsOf(this.text, this.delimiters.escape),
        ),
      );
      this.#rareFrom = start;
      this.#rareAt = this.#rare[firstAtOrAfter(this.#rare, start)] ?? this.text.length;
    }
    return this.#rareAt >= end;
  }

  /** Every position of the three characters `isPlain` looks for, in order; found on first use. */
  #rare: readonly number[] | undefined;
  /** Where `isPlain` last looked from, and the first of the three it found there (text length: none). */
  #rareFrom = -1;
  #rareAt = -1;

  /**
   * The first component separator in `[from, end)`, or -1.
   *
   * `indexOf` cannot be told where to stop, so asking it about a range with no separator in it reads
   * on to the next one in the message: harmless in real messages, where the next `^` is a few
   * characters on, but a field of a million repetitions with no `^` (`A~A~A…`) made each repetition
   * read to the end of the field, which was quadratic. So what lookups read past their ranges is
   * counted, and once it reaches the length of the message every separator is indexed (one sweep)
   * and lookups after that are binary searches: linear in all, and real messages never index.
   */
  componentIn(from: number, end: number): number {
    const positions = this.#components;
    if (positions === undefined) {
      if (from >= end) return -1;
      const at = this.text.indexOf(this.delimiters.component, from);
      if (at !== -1 && at < end) return at;
      this.#readPast += (at === -1 ? this.text.length : at) - end;
      if (this.#readPast > this.text.length)
        this.#components = positionsOf(this.text, this.delimiters.component);
      return -1;
    }
    const at = positions[firstAtOrAfter(positions, from)];
    return at !== undefined && at < end ? at : -1;
  }

  /** How far `componentIn` lookups have read past their ranges, until `#components` is made. */
  #readPast = 0;
  /** Every position of the component separator, once lookups have read far enough past their ranges. */
  #components: number[] | undefined;
}

/** The sorted union of two sorted lists of positions. */
function merged(a: readonly number[], b: readonly number[]): number[] {
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length)
    out.push((a[i] as number) < (b[j] as number) ? (a[i++] as number) : (b[j++] as number));
  while (i < a.length) out.push(a[i++] as number);
  while (j < b.length) out.push(b[j++] as number);
  return out;
}

/** Every position of `char` in `text`, in order. */
function positionsOf(text: string, char: string): number[] {
  const out: number[] = [];
  for (let at = text.indexOf(char); at !== -1; at = text.indexOf(char, at + 1)) out.push(at);
  return out;
}

/** Index of the first of the sorted `positions` at or after `at` (`positions.length` when none). */
export function firstAtOrAfter(positions: readonly number[], at: number): number {
  let lo = 0;
  let hi = positions.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((positions[mid] as number) < at) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The range `narrow…` found, and whether an escape character lies in it. Module state rather than a
 * returned object so the hot path allocates nothing; safe because reads are synchronous and every
 * caller copies it out before narrowing again.
 */
export const span = { start: 0, end: 0, escaped: false };

/**
 * Narrows the field at `[start, end)` to repetition `r`, component `c`, subcomponent `s` (1-based;
 * below 1 reads as 1) and leaves that range in `span`. Returns false when there is no such piece.
 */
export function narrowField(
  src: SourceText,
  start: number,
  end: number,
  r: number,
  c: number,
  s: number,
): boolean {
  const text = src.text;
  const repetitionSep = src.repetition;
  const componentSep = src.component;
  const subcomponentSep = src.subcomponent;
  const escapeChar = src.escape;
  const wantR = Math.max(r, 1);
  const wantC = Math.max(c, 1);
  const wantS = Math.max(s, 1);
  let rep = 1;
  let comp = 1;
  let sub = 1;
  let from = start;
  let to = end;
  let lastEscape = -1;
  for (let i = start; i < end; i++) {
    const ch = text.charCodeAt(i);
    if (ch === repetitionSep) {
      if (rep === wantR) {
        to = i;
        break;
      }
      rep++;
      comp = 1;
      sub = 1;
      from = i + 1;
    } else if (rep !== wantR) {
      // Still before the wanted repetition: only its separator matters.
    } else if (ch === componentSep) {
      if (comp === wantC) {
        to = i;
        break;
      }
      comp++;
      sub = 1;
      from = i + 1;
    } else if (ch === subcomponentSep) {
      if (comp !== wantC) continue;
      if (sub === wantS) {
        to = i;
        break;
      }
      sub++;
      from = i + 1;
    } else if (ch === escapeChar) {
      lastEscape = i;
    }
  }
  if (rep !== wantR || comp !== wantC || sub !== wantS) return false;
  span.start = from;
  span.end = to;
  // The walk stopped at `to`, so the last escape it saw is inside the value if it is at or after `from`.
  span.escaped = lastEscape >= from;
  return true;
}

/**
 * `narrowField` for a plain field (see `SourceText.isPlain`), which has one repetition, no
 * subcomponents and nothing to unescape, as most fields of most messages: only its components are
 * left to find, and `indexOf` finds a separator faster than a walk over more than a few characters.
 * Empty components (`^^`) are common, so the next character is looked at before calling it.
 */
export function narrowPlainField(
  src: SourceText,
  start: number,
  end: number,
  r: number,
  c: number,
  s: number,
): boolean {
  if (r > 1 || s > 1) return false;
  const text = src.text;
  const code = src.component;
  let from = start;
  for (let k = 1; k < c; k++) {
    const at = from < end && text.charCodeAt(from) === code ? from : src.componentIn(from, end);
    if (at === -1) return false;
    from = at + 1;
  }
  const at = from >= end ? -1 : text.charCodeAt(from) === code ? from : src.componentIn(from, end);
  span.start = from;
  span.end = at === -1 ? end : at;
  span.escaped = false;
  return true;
}

/** How many pieces `[start, end)` has between `sep` characters (0 when empty, trailing empty ones counted). */
export function countScan(text: string, start: number, end: number, sep: number): number {
  if (start >= end) return 0;
  let n = 1;
  for (let i = start; i < end; i++) if (text.charCodeAt(i) === sep) n++;
  return n;
}

/** The unescaped value of `[start, end)` (`escaped`: an escape character lies in it); "" for the HL7 null `""`. */
export function valueAt(src: SourceText, start: number, end: number, escaped: boolean): string {
  if (start >= end) return "";
  const text = src.text;
  if (end - start === 2 && text.charCodeAt(start) === QUOTE && text.charCodeAt(start + 1) === QUOTE)
    return "";
  const value = text.slice(start, end);
  return escaped ? unescapeHl7(value, src.delimiters) : value;
}

/** A value end that trimming and unescaping both leave alone: printable ASCII, not the escape character. */
const isPlainEnd = (code: number, escapeChar: number): boolean =>
  code > 0x20 && code < 0x7f && code !== escapeChar;

/**
 * `valueAt`, trimmed of white space, or undefined when that leaves nothing: what the normalizer keeps
 * of a value. The ends are checked in the message text before the value is cut out, so the usual
 * value (printable at both ends, which no escape sequence can change) is taken as it is, without
 * looking at its characters again.
 */
export function textAt(src: SourceText, start: number, end: number, escaped: boolean): string | undefined {
  if (start >= end) return undefined;
  const text = src.text;
  if (isPlainEnd(text.charCodeAt(start), src.escape) && isPlainEnd(text.charCodeAt(end - 1), src.escape)) {
    const value = valueAt(src, start, end, escaped);
    return value === "" ? undefined : value; // "" here only for the HL7 null `""`
  }
  const trimmed = valueAt(src, start, end, escaped).trim();
  return trimmed === "" ? undefined : trimmed;
}

/** `valueAt` the range in `span`. */
export const spanValue = (src: SourceText): string => valueAt(src, span.start, span.end, span.escaped);

/** `textAt` the range in `span`. */
export const spanText = (src: SourceText): string | undefined =>
  textAt(src, span.start, span.end, span.escaped);

/** Repetition `r`, component `c`, subcomponent `s` of the field at `[start, end)`, unescaped. */
export function fieldPrimitive(
  src: SourceText,
  start: number,
  end: number,
  r: number,
  c: number,
  s: number,
): string {
  return narrowField(src, start, end, r, c, s) ? spanValue(src) : "";
}
