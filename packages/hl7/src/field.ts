import type { Hl7Delimiters } from "./delimiters.ts";
import { unescapeHl7 } from "./escape.ts";
import {
  countScan,
  fieldPrimitive,
  firstAtOrAfter,
  HL7_NULL,
  narrowField,
  SourceText,
  spanText,
  spanValue,
  textAt,
  valueAt,
} from "./value-reader.ts";

/**
 * One repetition of a field: components separated by `^`, subcomponents by `&`.
 * Reads are 1-based like the spec and return unescaped text, "" when absent.
 * Made on its own from a string, or by a field as a view of `[start, end)` of its message's text,
 * which is not copied. A literal repetition (MSH-1, MSH-2: the delimiters themselves) is not split.
 */
export class Hl7Repetition {
  readonly #src: SourceText;
  readonly #start: number;
  readonly #end: number;
  readonly #literal: boolean;
  /** Positions of the component separators, then `#end`; found on the first component read. */
  #bounds: number[] | undefined;
  /** Found with `#bounds`: whether any subcomponent separator or escape character is inside. */
  #hasSubcomponents = false;
  #hasEscapes = false;

  constructor(
    text: string | SourceText,
    delimiters: Hl7Delimiters,
    start = 0,
    end?: number,
    literal = false,
  ) {
    this.#src = typeof text === "string" ? new SourceText(text, delimiters) : text;
    this.#start = start;
    this.#end = end ?? this.#src.text.length;
    this.#literal = literal;
  }

  /** The escaped text as received. */
  get raw(): string {
    return this.#src.text.slice(this.#start, this.#end);
  }

  /**
   * Component `c`, subcomponent `s` (both 1-based, `s` defaults to 1), unescaped.
   * The data-type readers take 5 to 10 components of one repetition, so the separators are indexed
   * once, on the first read, instead of rescanning from the start for every component; the same walk
   * tells whether any component needs splitting into subcomponents or unescaping at all.
   */
  component(c: number, s = 1): string {
    if (this.#literal) return c <= 1 && s <= 1 && this.raw !== HL7_NULL ? this.raw : "";
    const k = this.#componentIndex(c);
    if (k === -1) return "";
    const start = this.#componentStart(k);
    const end = this.#componentEnd(k);
    if (this.#hasSubcomponents)
      return narrowField(this.#src, start, end, 1, 1, s) ? spanValue(this.#src) : "";
    return s > 1 ? "" : valueAt(this.#src, start, end, this.#hasEscapes);
  }

  /**
   * Component `c`, subcomponent `s`, unescaped and trimmed; undefined when blank. The same as
   * `component` followed by a trim, for readers that keep only values with text in them.
   */
  componentText(c: number, s = 1): string | undefined {
    if (this.#literal) {
      const value = this.component(c, s).trim();
      return value === "" ? undefined : value;
    }
    const k = this.#componentIndex(c);
    if (k === -1) return undefined;
    const start = this.#componentStart(k);
    const end = this.#componentEnd(k);
    if (this.#hasSubcomponents)
      return narrowField(this.#src, start, end, 1, 1, s) ? spanText(this.#src) : undefined;
    return s > 1 ? undefined : textAt(this.#src, start, end, this.#hasEscapes);
  }

  /** Index into the component bounds for component `c` (below 1 reads as 1), -1 when absent. */
  #componentIndex(c: number): number {
    const bounds = this.#bounds ?? this.#indexComponents();
    const k = c < 1 ? 0 : c - 1;
    return k < bounds.length ? k : -1;
  }

  // Both for an index `#componentIndex` returned, so the bounds are there.
  #componentStart(k: number): number {
    return k === 0 ? this.#start : ((this.#bounds as number[])[k - 1] as number) + 1;
  }

  #componentEnd(k: number): number {
    return (this.#bounds as number[])[k] as number;
  }

  #indexComponents(): number[] {
    const bounds: number[] = [];
    const { text, component, subcomponent, escape: escapeChar } = this.#src;
    const end = this.#end;
    if (this.#src.isPlain(this.#start, end)) {
      // Only component separators to find (`componentIn`, never past the range), looking at the
      // next character first for the empty components (`^^^`) that XCN, XAD and PL are full of.
      let at = this.#src.componentIn(this.#start, end);
      while (at !== -1) {
        bounds.push(at);
        at =
          at + 1 < end && text.charCodeAt(at + 1) === component ? at + 1 : this.#src.componentIn(at + 1, end);
      }
    } else {
      for (let i = this.#start; i < end; i++) {
        const ch = text.charCodeAt(i);
        if (ch === component) bounds.push(i);
        else if (ch === subcomponent) this.#hasSubcomponents = true;
        else if (ch === escapeChar) this.#hasEscapes = true;
      }
    }
    bounds.push(end);
    this.#bounds = bounds;
    return bounds;
  }

  /** How many components are written (trailing empty ones included). */
  get componentCount(): number {
    if (this.#literal) return this.#start < this.#end ? 1 : 0;
    return countScan(this.#src.text, this.#start, this.#end, this.#src.component);
  }

  /** The unescaped subcomponents of component `c`; [] when the component is empty. */
  subcomponents(c: number): string[] {
    const d = this.#src.delimiters;
    let comp: string;
    if (this.#literal) comp = c <= 1 ? this.raw : "";
    else {
      // Through the component index, as `component` does: a walk from the start for each `c` made
      // reading every component of a long repetition quadratic.
      const k = this.#componentIndex(c);
      comp = k === -1 ? "" : this.#src.text.slice(this.#componentStart(k), this.#componentEnd(k));
    }
    if (comp === "") return [];
    if (this.#literal) return [comp === HL7_NULL ? "" : comp];
    return comp.split(d.subcomponent).map((s) => (s === HL7_NULL ? "" : unescapeHl7(s, d)));
  }

  toString(): string {
    return this.raw;
  }
}

/**
 * One field of a segment, with its repetitions. `MSH-1` and `MSH-2` are literal fields (the
 * delimiters themselves) and are never split. Like `Hl7Repetition`, made from a string or as a
 * view of `[start, end)` of a message's text.
 */
export class Hl7Field {
  readonly #src: SourceText;
  readonly #literal: boolean;
  readonly #start: number;
  readonly #end: number;

  constructor(
    text: string | SourceText,
    delimiters: Hl7Delimiters,
    literal = false,
    start = 0,
    end?: number,
  ) {
    this.#src = typeof text === "string" ? new SourceText(text, delimiters) : text;
    this.#literal = literal;
    this.#start = start;
    this.#end = end ?? this.#src.text.length;
  }

  /** The escaped text as received. */
  get raw(): string {
    return this.#src.text.slice(this.#start, this.#end);
  }

  /** How many repetitions are written (`~~` counts empty ones); 0 for an empty field. */
  get repetitionCount(): number {
    if (this.#start >= this.#end) return 0;
    if (this.#literal) return 1;
    const positions = this.#src.repetitionPositions;
    let n = 1;
    for (let j = firstAtOrAfter(positions, this.#start); (positions[j] ?? this.#end) < this.#end; j++) n++;
    return n;
  }

  /**
   * All repetitions (`~`-separated); [] for an empty field. A new array on every call, which the
   * caller may keep or change: freezing a shared one cost more than the reads it serves.
   */
  get repetitions(): Hl7Repetition[] {
    const out: Hl7Repetition[] = [];
    if (this.#start >= this.#end) return out;
    if (this.#literal) {
      out.push(this.repetition(1));
      return out;
    }
    const { delimiters } = this.#src;
    const positions = this.#src.repetitionPositions;
    let from = this.#start;
    for (let j = firstAtOrAfter(positions, from); (positions[j] ?? this.#end) < this.#end; j++) {
      const at = positions[j] as number;
      out.push(new Hl7Repetition(this.#src, delimiters, from, at));
      from = at + 1;
    }
    out.push(new Hl7Repetition(this.#src, delimiters, from, this.#end));
    return out;
  }

  /** Repetition `r` (1-based); an empty repetition when absent, so reads never need a guard. */
  repetition(r: number): Hl7Repetition {
    const d = this.#src.delimiters;
    if (this.#literal) {
      return r === 1 && this.#start < this.#end
        ? new Hl7Repetition(this.#src, d, this.#start, this.#end, true)
        : new Hl7Repetition(this.#src, d, this.#start, this.#start);
    }
    if (r < 1 || this.#start >= this.#end) return new Hl7Repetition(this.#src, d, this.#start, this.#start);
    const positions = this.#src.repetitionPositions;
    let from = this.#start;
    let j = firstAtOrAfter(positions, from);
    for (let k = 1; k < r; k++, j++) {
      const at = positions[j];
      if (at === undefined || at >= this.#end)
        return new Hl7Repetition(this.#src, d, this.#start, this.#start);
      from = at + 1;
    }
    const at = positions[j];
    return new Hl7Repetition(this.#src, d, from, at === undefined || at >= this.#end ? this.#end : at);
  }

  /** Component `c`, subcomponent `s` of the first repetition, unescaped. */
  component(c: number, s = 1): string {
    return this.get(1, c, s);
  }

  /** Repetition `r`, component `c`, subcomponent `s`, unescaped; "" when absent. */
  get(r: number, c = 1, s = 1): string {
    if (this.#literal) return r === 1 && c === 1 && s === 1 ? this.raw : "";
    return fieldPrimitive(this.#src, this.#start, this.#end, r, c, s);
  }

  /** The first primitive (first repetition, component and subcomponent), unescaped. */
  get value(): string {
    return this.get(1, 1, 1);
  }

  /** True when nothing was sent for this field. */
  get isEmpty(): boolean {
    return this.#start >= this.#end;
  }

  /** True when the sender wrote the HL7 null `""`, asking the receiver to delete its value. */
  get isNull(): boolean {
    return this.#end - this.#start === 2 && this.raw === HL7_NULL;
  }

  toString(): string {
    return this.raw;
  }
}
