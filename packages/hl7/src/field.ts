import type { Hl7Delimiters } from "./delimiters.ts";
import { unescapeHl7 } from "./escape.ts";
import { countPieces, HL7_NULL, piece, primitive } from "./value-reader.ts";

/** Delimiters that never occur, for MSH-1/MSH-2 whose text is the delimiters themselves. */
const NO_SPLIT: Hl7Delimiters = Object.freeze({
  field: "\u0000",
  component: "\u0000",
  repetition: "\u0000",
  escape: "\u0000",
  subcomponent: "\u0000",
  truncation: null,
});

/**
 * One repetition of a field: components separated by `^`, subcomponents by `&`.
 * Reads are 1-based like the spec and return unescaped text, "" when absent.
 */
export class Hl7Repetition {
  readonly #d: Hl7Delimiters;
  /** The escaped text as received. */
  readonly raw: string;

  constructor(raw: string, delimiters: Hl7Delimiters) {
    this.raw = raw;
    this.#d = delimiters;
  }

  /** Component `c`, subcomponent `s` (both 1-based, `s` defaults to 1), unescaped. */
  component(c: number, s = 1): string {
    return primitive(this.raw, this.#d, c, s);
  }

  /** How many components are written (trailing empty ones included). */
  get componentCount(): number {
    return countPieces(this.raw, this.#d.component);
  }

  /** The unescaped subcomponents of component `c`; [] when the component is empty. */
  subcomponents(c: number): string[] {
    const comp = piece(this.raw, this.#d.component, c);
    if (comp === "") return [];
    return comp.split(this.#d.subcomponent).map((s) => (s === HL7_NULL ? "" : unescapeHl7(s, this.#d)));
  }

  toString(): string {
    return this.raw;
  }
}

/**
 * One field of a segment, with its repetitions. `MSH-1` and `MSH-2` are literal fields (the
 * delimiters themselves) and are never split.
 */
export class Hl7Field {
  readonly #d: Hl7Delimiters;
  readonly #literal: boolean;
  #repetitions: readonly Hl7Repetition[] | undefined;
  /** The escaped text as received. */
  readonly raw: string;

  constructor(raw: string, delimiters: Hl7Delimiters, literal = false) {
    this.raw = raw;
    this.#d = delimiters;
    this.#literal = literal;
  }

  /** All repetitions (`~`-separated); [] for an empty field. */
  get repetitions(): readonly Hl7Repetition[] {
    if (this.#repetitions === undefined) {
      const parts = this.raw === "" ? [] : this.#literal ? [this.raw] : this.raw.split(this.#d.repetition);
      this.#repetitions = Object.freeze(
        parts.map((p) => new Hl7Repetition(p, this.#literal ? NO_SPLIT : this.#d)),
      );
    }
    return this.#repetitions;
  }

  /** Repetition `r` (1-based); an empty repetition when absent, so reads never need a guard. */
  repetition(r: number): Hl7Repetition {
    return this.repetitions[r - 1] ?? new Hl7Repetition("", this.#d);
  }

  /** Component `c`, subcomponent `s` of the first repetition, unescaped. */
  component(c: number, s = 1): string {
    return this.get(1, c, s);
  }

  /** Repetition `r`, component `c`, subcomponent `s`, unescaped; "" when absent. */
  get(r: number, c = 1, s = 1): string {
    if (this.#literal) return r === 1 && c === 1 && s === 1 ? this.raw : "";
    return primitive(piece(this.raw, this.#d.repetition, r), this.#d, c, s);
  }

  /** The first primitive (first repetition, component and subcomponent), unescaped. */
  get value(): string {
    return this.get(1, 1, 1);
  }

  /** True when nothing was sent for this field. */
  get isEmpty(): boolean {
    return this.raw === "";
  }

  /** True when the sender wrote the HL7 null `""`, asking the receiver to delete its value. */
  get isNull(): boolean {
    return this.raw === HL7_NULL;
  }

  toString(): string {
    return this.raw;
  }
}
