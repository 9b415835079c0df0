import type { Hl7Delimiters } from "./delimiters.ts";
import { Hl7Field } from "./field.ts";
import { parseHl7FieldPath, parseHl7Path } from "./path.ts";
import { piece, primitive } from "./value-reader.ts";

// The field classes live in field.ts; the message module is where callers look for them.
export { Hl7Field, Hl7Repetition } from "./field.ts";

/**
 * One segment line. Fields are split once, on first read, and `Hl7Field` objects are made only
 * when asked for: most of a message is never looked at.
 * Field numbers follow the spec: for MSH, field 1 is the field separator and field 2 the
 * encoding characters, so `field(3)` is MSH-3 sending application.
 */
export class Hl7Segment {
  readonly #d: Hl7Delimiters;
  #fields: readonly string[] | undefined;
  /** The three-character segment id, e.g. `PID`, `ZPV`. */
  readonly name: string;
  /** 1-based position of this segment in its message (ERR-2.2 counts this way). */
  readonly sequence: number;
  /** The escaped segment text as received, without its terminator. */
  readonly raw: string;

  constructor(raw: string, delimiters: Hl7Delimiters, sequence: number) {
    this.raw = raw;
    this.name = raw.slice(0, 3);
    this.sequence = sequence;
    this.#d = delimiters;
  }

  #split(): readonly string[] {
    if (this.#fields === undefined) this.#fields = this.raw.split(this.#d.field);
    return this.#fields;
  }

  #fieldRaw(n: number): string {
    if (this.name === "MSH") {
      if (n === 1) return this.#d.field;
      return this.#split()[n - 1] ?? "";
    }
    return this.#split()[n] ?? "";
  }

  /** Number of the last field present (MSH counts MSH-1). */
  get fieldCount(): number {
    const n = this.#split().length - 1;
    return this.name === "MSH" ? n + 1 : n;
  }

  /** Field `n` (1-based, as the spec numbers it); an empty field when absent. */
  field(n: number): Hl7Field {
    return new Hl7Field(this.#fieldRaw(n), this.#d, this.name === "MSH" && n <= 2);
  }

  /** Reads `5.1`, `3[2].4.2`…: the part of a path after `PID-`. */
  get(fieldPath: string): string {
    const p = parseHl7FieldPath(fieldPath);
    return this.read(p.field, p.repetition, p.component, p.subcomponent);
  }

  /** Field `f`, repetition `r`, component `c`, subcomponent `s`, unescaped; "" when absent. */
  read(f: number, r = 1, c = 1, s = 1): string {
    const raw = this.#fieldRaw(f);
    if (raw === "") return "";
    if (this.name === "MSH" && f <= 2) return r === 1 && c === 1 && s === 1 ? raw : "";
    return primitive(
      r === 1 && raw.indexOf(this.#d.repetition) === -1 ? raw : piece(raw, this.#d.repetition, r),
      this.#d,
      c,
      s,
    );
  }

  toString(): string {
    return this.raw;
  }
}

/**
 * A parsed HL7 v2 message: immutable, lazily split, read with spec paths.
 * Make one with `parseHl7`; the constructor trusts its input.
 */
export class Hl7Message {
  readonly #segments: readonly Hl7Segment[];
  readonly delimiters: Hl7Delimiters;

  constructor(segmentLines: readonly string[], delimiters: Hl7Delimiters) {
    this.delimiters = delimiters;
    this.#segments = Object.freeze(segmentLines.map((line, i) => new Hl7Segment(line, delimiters, i + 1)));
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
