import type { Hl7Delimiters } from "./delimiters.ts";
import { unescapeHl7 } from "./escape.ts";
import {
  countAt,
  countScan,
  fieldPrimitive,
  HL7_NULL,
  narrowAt,
  narrowScan,
  primitive,
  SourceText,
  span,
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
  /** Positions of the component separators, then `#end`; found when a second component is read. */
  #bounds: number[] | undefined;

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
   * The data-type readers take 5 to 10 components of one repetition, so from the second component
   * read on, the separators are indexed once instead of rescanning from the start for every one.
   */
  component(c: number, s = 1): string {
    if (this.#literal) return c <= 1 && s <= 1 && this.raw !== HL7_NULL ? this.raw : "";
    let bounds = this.#bounds;
    if (bounds === undefined) {
      if (c <= 1) return primitive(this.#src, this.#start, this.#end, c, s);
      bounds = this.#indexComponents();
    }
    const k = c < 1 ? 0 : c - 1;
    if (k >= bounds.length) return "";
    const start = k === 0 ? this.#start : (bounds[k - 1] ?? this.#end) + 1;
    if (!narrowAt(this.#src.subcomponents, start, bounds[k] ?? this.#end, s)) return "";
    return valueAt(this.#src, span.start, span.end);
  }

  #indexComponents(): number[] {
    const bounds: number[] = [];
    const text = this.#src.text;
    const sep = this.#src.delimiters.component;
    const end = this.#end;
    for (let at = text.indexOf(sep, this.#start); at !== -1 && at < end; at = text.indexOf(sep, at + 1))
      bounds.push(at);
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
    else if (narrowScan(this.#src.text, this.#start, this.#end, this.#src.delimiters.component, c))
      comp = this.#src.text.slice(span.start, span.end);
    else comp = "";
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
  #repetitions: readonly Hl7Repetition[] | undefined;

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
    if (this.#literal) return this.#start < this.#end ? 1 : 0;
    return countAt(this.#src.repetitions, this.#start, this.#end);
  }

  /** All repetitions (`~`-separated); [] for an empty field. */
  get repetitions(): readonly Hl7Repetition[] {
    if (this.#repetitions === undefined) {
      const out: Hl7Repetition[] = [];
      for (let r = 1, n = this.repetitionCount; r <= n; r++) out.push(this.repetition(r));
      this.#repetitions = Object.freeze(out);
    }
    return this.#repetitions;
  }

  /** Repetition `r` (1-based); an empty repetition when absent, so reads never need a guard. */
  repetition(r: number): Hl7Repetition {
    const d = this.#src.delimiters;
    if (this.#literal) {
      return r === 1 && this.#start < this.#end
        ? new Hl7Repetition(this.#src, d, this.#start, this.#end, true)
        : new Hl7Repetition(this.#src, d, this.#start, this.#start);
    }
    if (r < 1 || this.#start >= this.#end || !narrowAt(this.#src.repetitions, this.#start, this.#end, r))
      return new Hl7Repetition(this.#src, d, this.#start, this.#start);
    return new Hl7Repetition(this.#src, d, span.start, span.end);
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
