import type { Hl7Delimiters } from "./delimiters.ts";
import { Hl7Field } from "./field.ts";
import { parseHl7FieldPath, parseHl7Path } from "./path.ts";
import { fieldPrimitive, SourceText } from "./value-reader.ts";

// The field classes live in field.ts; the message module is where callers look for them.
export { Hl7Field, Hl7Repetition } from "./field.ts";

/**
 * One segment: a range of its message's text. The positions of its field separators are found on
 * the first read (one pass, no strings made) and every read after that cuts its value straight out
 * of the message text; segments nobody reads are never scanned. `Hl7Field` objects are made only
 * when asked for.
 * Field numbers follow the spec: for MSH, field 1 is the field separator and field 2 the
 * encoding characters, so `field(3)` is MSH-3 sending application.
 */
export class Hl7Segment {
  readonly #src: SourceText;
  readonly #start: number;
  readonly #end: number;
  readonly #siblings: readonly Hl7Segment[];
  readonly #index: number;
  /** Positions of the field separators, then `#end`: field k (0 = the id) ends at `#bounds[k]`. */
  #bounds: number[] | undefined;
  /** The three-character segment id, e.g. `PID`, `ZPV`. */
  readonly name: string;

  /**
   * The segment at `[start, end)` of its message's text, at `index` (0-based) in `siblings`, its
   * message's segments. Made by `Hl7Message`.
   */
  constructor(src: SourceText, start: number, end: number, siblings: readonly Hl7Segment[], index: number) {
    this.#src = src;
    this.#start = start;
    this.#end = end;
    this.#siblings = siblings;
    this.#index = index;
    this.name = src.text.slice(start, start + 3);
  }

  /**
   * Which occurrence of its id this segment is (1 = the first DG1, 2 = the second DG1): what ERR-2
   * (ERL-2 "segment sequence") means. Counted when asked, as only error reports need it.
   */
  get sequence(): number {
    let n = 1;
    for (let i = 0; i < this.#index; i++) if (this.#siblings[i]?.name === this.name) n++;
    return n;
  }

  /** The escaped segment text as received, without its terminator. */
  get raw(): string {
    return this.#src.text.slice(this.#start, this.#end);
  }

  #fieldBounds(): number[] {
    if (this.#bounds !== undefined) return this.#bounds;
    const bounds: number[] = [];
    const text = this.#src.text;
    const sep = this.#src.delimiters.field;
    const end = this.#end;
    // indexOf rather than a loop over characters: it is several times faster per character.
    for (let at = text.indexOf(sep, this.#start + 3); at !== -1 && at < end; at = text.indexOf(sep, at + 1)) {
      bounds.push(at);
    }
    bounds.push(end);
    this.#bounds = bounds;
    return bounds;
  }

  /**
   * Index `k` into the bounds for spec field `n` (-1 when absent): piece k of the segment runs from
   * `#pieceStart(k)` to `bounds[k]`, piece 0 being the id. MSH-1 is the separator itself, so MSH-n
   * is piece n-1.
   */
  #piece(n: number): number {
    const k = this.name === "MSH" ? n - 1 : n;
    return k >= 0 && k < this.#fieldBounds().length ? k : -1;
  }

  #pieceStart(k: number): number {
    return k === 0 ? this.#start : (this.#fieldBounds()[k - 1] ?? this.#end) + 1;
  }

  /** Number of the last field present (MSH counts MSH-1). */
  get fieldCount(): number {
    const n = this.#fieldBounds().length - 1;
    return this.name === "MSH" ? n + 1 : n;
  }

  /** Field `n` (1-based, as the spec numbers it); an empty field when absent. */
  field(n: number): Hl7Field {
    if (this.name === "MSH" && n === 1) {
      return new Hl7Field(
        this.#src,
        this.#src.delimiters,
        true,
        this.#start + 3,
        Math.min(this.#start + 4, this.#end),
      );
    }
    const literal = this.name === "MSH" && n <= 2;
    const k = this.#piece(n);
    if (k === -1) return new Hl7Field(this.#src, this.#src.delimiters, literal, this.#end, this.#end);
    return new Hl7Field(
      this.#src,
      this.#src.delimiters,
      literal,
      this.#pieceStart(k),
      this.#fieldBounds()[k],
    );
  }

  /** Reads `5.1`, `3[2].4.2`…: the part of a path after `PID-`. */
  get(fieldPath: string): string {
    const p = parseHl7FieldPath(fieldPath);
    return this.read(p.field, p.repetition, p.component, p.subcomponent);
  }

  /** Field `f`, repetition `r`, component `c`, subcomponent `s`, unescaped; "" when absent. */
  read(f: number, r = 1, c = 1, s = 1): string {
    if (this.name === "MSH" && f <= 2) return this.field(f).get(r, c, s);
    const k = this.#piece(f);
    if (k === -1) return "";
    return fieldPrimitive(this.#src, this.#pieceStart(k), this.#fieldBounds()[k] ?? this.#end, r, c, s);
  }

  toString(): string {
    return this.raw;
  }
}

/**
 * A parsed HL7 v2 message: immutable, lazily split, read with spec paths. It keeps the text it was
 * parsed from and its segments are ranges of it.
 * Make one with `parseHl7`; the constructor trusts its input.
 */
export class Hl7Message {
  readonly #segments: readonly Hl7Segment[];
  readonly delimiters: Hl7Delimiters;

  /** `segmentBounds` holds a start and an end offset into `text` for each segment, in order. */
  constructor(text: string, segmentBounds: readonly number[], delimiters: Hl7Delimiters) {
    this.delimiters = delimiters;
    const src = new SourceText(text, delimiters);
    const segments: Hl7Segment[] = [];
    for (let i = 0; i + 1 < segmentBounds.length; i += 2) {
      const start = segmentBounds[i] ?? 0;
      segments.push(new Hl7Segment(src, start, segmentBounds[i + 1] ?? start, segments, i >> 1));
    }
    this.#segments = Object.freeze(segments);
  }

  /** All segments named `name` in order (Z-segments included); every segment when no name is given. */
  segments(name?: string): readonly Hl7Segment[] {
    if (name === undefined) return this.#segments;
    return this.#segments.filter((s) => s.name === name);
  }

  /** The `occurrence`-th (1-based) segment named `name`, or undefined. */
  segment(name: string, occurrence = 1): Hl7Segment | undefined {
    let seen = 0;
    for (const s of this.#segments) {
      if (s.name === name && ++seen === occurrence) return s;
    }
    return undefined;
  }

  /**
   * The unescaped value at `PID-5.1`, `PID-3[2].1`, `DG1[2]-3.2`… ("" when absent).
   * A path without component or subcomponent reads the first one (HAPI Terser semantics), so
   * `PID-8` is the same as `PID-8.1.1`; use `segment().field()` for the whole raw field.
   * The HL7 null `""` reads as "" — ask `isNull` to tell "delete" from "not sent".
   */
  get(path: string): string {
    const p = parseHl7Path(path);
    const seg = this.segment(p.segment, p.occurrence);
    if (seg === undefined) return "";
    return seg.read(p.field, p.repetition, p.component, p.subcomponent);
  }

  /** True when the field at `path` is the HL7 null `""` (the sender asks to delete the value). */
  isNull(path: string): boolean {
    const p = parseHl7Path(path);
    return this.segment(p.segment, p.occurrence)?.field(p.field).isNull ?? false;
  }

  /** MSH-9.1, e.g. `ADT`. */
  get messageType(): string {
    return this.get("MSH-9.1");
  }

  /** MSH-9.2, e.g. `A01`. */
  get triggerEvent(): string {
    return this.get("MSH-9.2");
  }

  /** MSH-10, the sender's message control id that the ACK echoes in MSA-2. */
  get controlId(): string {
    return this.get("MSH-10");
  }

  /** MSH-12.1, e.g. `2.5.1`. */
  get version(): string {
    return this.get("MSH-12.1");
  }

  /** The message with CR segment terminators, as it goes on the wire. */
  toString(): string {
    return this.#segments.map((s) => s.raw).join("\r");
  }
}
