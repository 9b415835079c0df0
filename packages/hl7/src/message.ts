import type { Hl7Delimiters } from "./delimiters.ts";
import type { Hl7Error, Hl7ErrorLocation } from "./errors.ts";
import { Hl7Field } from "./field.ts";
import { fieldBreach, type Hl7Limits, smallestCount } from "./limits.ts";
import { parseHl7FieldPath, parseHl7Path } from "./path.ts";
import { narrowField, narrowPlainField, SourceText, spanText, spanValue } from "./value-reader.ts";

// The field classes live in field.ts; the message module is where callers look for them.
export { Hl7Field, Hl7Repetition } from "./field.ts";

/** Ids of the segments ADT messages carry, as constants: see `segmentId`. */
const COMMON_IDS = [
  "MSH",
  "EVN",
  "PID",
  "PD1",
  "NK1",
  "PV1",
  "PV2",
  "DG1",
  "PR1",
  "AL1",
  "IN1",
  "IN2",
  "IN3",
  "GT1",
  "ROL",
  "PRT",
  "MRG",
  "OBX",
  "ZPV",
];
const idKey = (text: string, at: number): number =>
  (text.charCodeAt(at) << 16) | (text.charCodeAt(at + 1) << 8) | text.charCodeAt(at + 2);
const COMMON_ID_BY_KEY = new Map(COMMON_IDS.map((id) => [idKey(id, 0), id]));

/**
 * The segment id at `start`. A common one is looked up by its three character codes rather than cut
 * out: every segment of every message needs its id, and the normalizer compares them by name, which
 * is quickest between string constants.
 */
function segmentId(text: string, start: number): string {
  return COMMON_ID_BY_KEY.get(idKey(text, start)) ?? text.slice(start, start + 3);
}

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
  /**
   * True for MSH, whose fields are numbered from the separator itself: MSH-1 is the separator, so
   * MSH-n is piece n-1 of the segment, where for other segments field n is piece n (piece 0 the id).
   */
  readonly #isHeader: boolean;
  /** Positions of the field separators, then `#end`: field k (0 = the id) ends at `#bounds[k]`. */
  #bounds: number[] | undefined;
  /** Found with `#bounds`: no field (past MSH-2) holds a repetition, subcomponent or escape. */
  #plain = false;
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
    this.name = segmentId(src.text, start);
    this.#isHeader = this.name === "MSH";
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
    const sepCode = this.#src.field;
    const end = this.#end;
    // indexOf rather than a loop over characters: it is several times faster per character. But
    // half the fields of a typical ADT message are empty (`||||`), and looking at the next character
    // first saves those an indexOf call each.
    // A bare id (`DG1`, three characters) has no fields: looking for a separator after it would read
    // on into the segments that follow, once for every such segment.
    let at = end - this.#start > 3 ? text.indexOf(sep, this.#start + 3) : -1;
    while (at !== -1 && at < end) {
      bounds.push(at);
      at = text.charCodeAt(at + 1) === sepCode ? at + 1 : text.indexOf(sep, at + 1);
    }
    bounds.push(end);
    this.#bounds = bounds;
    // MSH-2 is the encoding characters themselves, read literally: the fields after it decide.
    const bodyStart = this.#isHeader ? (bounds[1] ?? end) : this.#start + 3;
    this.#plain = this.#src.isPlain(bodyStart, end);
    return bounds;
  }

  /** Number of the last field present (MSH counts MSH-1). */
  get fieldCount(): number {
    const n = this.#fieldBounds().length - 1;
    return this.#isHeader ? n + 1 : n;
  }

  /** Field `n` (1-based, as the spec numbers it); an empty field when absent. */
  field(n: number): Hl7Field {
    if (this.#isHeader && n === 1) {
      return new Hl7Field(
        this.#src,
        this.#src.delimiters,
        true,
        this.#start + 3,
        Math.min(this.#start + 4, this.#end),
      );
    }
    const literal = this.#isHeader && n <= 2;
    const bounds = this.#bounds ?? this.#fieldBounds();
    const k = this.#isHeader ? n - 1 : n;
    if (k < 0 || k >= bounds.length)
      return new Hl7Field(this.#src, this.#src.delimiters, literal, this.#end, this.#end);
    const start = k === 0 ? this.#start : (bounds[k - 1] as number) + 1;
    return new Hl7Field(this.#src, this.#src.delimiters, literal, start, bounds[k]);
  }

  /** Reads `5.1`, `3[2].4.2`…: the part of a path after `PID-`. */
  get(fieldPath: string): string {
    const p = parseHl7FieldPath(fieldPath);
    return this.read(p.field, p.repetition, p.component, p.subcomponent);
  }

  /**
   * Field `f`, repetition `r`, component `c`, subcomponent `s`, unescaped; "" when absent.
   * The normalizer reads most values this way, so it goes straight to the field's range without
   * making an `Hl7Field`.
   */
  read(f: number, r = 1, c = 1, s = 1): string {
    if (this.#isHeader && f <= 2) return this.field(f).get(r, c, s);
    return this.#narrow(f, r, c, s) ? spanValue(this.#src) : "";
  }

  /**
   * `read`, trimmed of white space, or undefined when blank: for readers that keep only values with
   * text in them (most of the normalizer), without a second look at the characters.
   */
  readText(f: number, r = 1, c = 1, s = 1): string | undefined {
    if (this.#isHeader && f <= 2) {
      const value = this.read(f, r, c, s).trim();
      return value === "" ? undefined : value;
    }
    return this.#narrow(f, r, c, s) ? spanText(this.#src) : undefined;
  }

  /** Narrows to field `f`, repetition `r`, component `c`, subcomponent `s` into `span`; false when absent. */
  #narrow(f: number, r: number, c: number, s: number): boolean {
    const bounds = this.#bounds ?? this.#fieldBounds();
    const k = this.#isHeader ? f - 1 : f;
    if (k < 0 || k >= bounds.length) return false;
    const start = k === 0 ? this.#start : (bounds[k - 1] as number) + 1;
    const end = bounds[k] as number;
    // A segment with a repetition or an escape somewhere (PID, usually) still has mostly plain fields.
    return this.#plain || this.#src.isPlain(start, end)
      ? narrowPlainField(this.#src, start, end, r, c, s)
      : narrowField(this.#src, start, end, r, c, s);
  }

  /**
   * The first of `limits` this segment breaks (how many fields; a field's length, repetitions,
   * components, subcomponents) as a located 102, or undefined. Uses the field positions that reads
   * use, so a segment the normalizer reads is scanned once for both; only fields long enough to
   * break a limit are walked.
   */
  limitBreach(limits: Hl7Limits): Hl7Error | undefined {
    const length = this.#end - this.#start;
    const parts = smallestCount(limits);
    if (length < parts && length * 3 <= limits.maxFieldBytes) return undefined;
    const bounds = this.#bounds ?? this.#fieldBounds();
    if (this.fieldCount > limits.maxFieldsPerSegment) {
      const field = limits.maxFieldsPerSegment + 1;
      const text = `Segment has more than ${limits.maxFieldsPerSegment} fields`;
      return { code: "102", text, location: this.#at({ field }) };
    }
    // MSH-2 holds the separators themselves.
    for (let k = this.#isHeader ? 2 : 1; k < bounds.length; k++) {
      const start = (bounds[k - 1] as number) + 1;
      const end = bounds[k] as number;
      if (end - start < parts && (end - start) * 3 <= limits.maxFieldBytes) continue;
      const breach = fieldBreach(this.#src.text, start, end, this.#src, limits);
      if (breach === undefined) continue;
      const { text, ...where } = breach;
      return { code: "102", text, location: this.#at({ field: this.#isHeader ? k + 1 : k, ...where }) };
    }
    return undefined;
  }

  #at(where: Omit<Hl7ErrorLocation, "segment" | "sequence">): Hl7ErrorLocation {
    return { segment: this.name, sequence: this.sequence, ...where };
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
    this.#segments = segments;
  }

  /**
   * All segments named `name` in order (Z-segments included); every segment when no name is given.
   * A new array on every call: copying it is cheaper than freezing one to share.
   */
  segments(name?: string): Hl7Segment[] {
    if (name === undefined) return this.#segments.slice();
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

  /** The first of `limits` a segment breaks, in message order (see `Hl7Segment.limitBreach`). */
  limitBreach(limits: Hl7Limits): Hl7Error | undefined {
    for (const segment of this.#segments) {
      const breach = segment.limitBreach(limits);
      if (breach !== undefined) return breach;
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
