import { DateTime } from "luxon";
import type { AckCode } from "./ack-mode.ts";
import { DEFAULT_DELIMITERS, encodingCharacters, type Hl7Delimiters } from "./delimiters.ts";
import { HL7_ERROR_CODE_TEXT, type Hl7Error } from "./errors.ts";
import { escapeHl7 } from "./escape.ts";
import { Hl7Field, Hl7Message } from "./message.ts";
import { extractRawHeader, headerOf, type RawHeader } from "./raw-header.ts";

export interface AckOptions {
  /** MSA-1. */
  readonly code: AckCode;
  /** MSH-10 of the ACK itself (the ACK is a message with its own control id). */
  readonly controlId: string;
  /** MSH-7; passed in because this package reads no clock. */
  readonly now: Date;
  /** MSA-3 text; defaults to the first error's text. Must not contain PHI. */
  readonly text?: string;
  /** One ERR segment each. */
  readonly errors?: readonly Hl7Error[];
  /** Our identity for MSH-3/MSH-4; defaults to the original's receiving application/facility (MSH-5/MSH-6). */
  readonly application?: { readonly app: string; readonly facility: string };
  /** IANA zone for MSH-7 (default UTC); the offset is always written. */
  readonly timeZone?: string;
}

const FALLBACK_VERSION = "2.5.1";

/** Whether a raw header value reads as something, as the parser reads it (`""`, `~P`, `\H\` do not). */
const valued = (raw: string, d: Hl7Delimiters): boolean => raw !== "" && new Hl7Field(raw, d).value !== "";

/**
 * Builds the acknowledgment for a message as a complete HL7 message (segments joined by CR,
 * no MLLP framing). It answers in the sender's own dialect: same encoding characters, version
 * (MSH-12), processing id (MSH-11) and charset (MSH-18), with sender and receiver swapped, so
 * that strict interface engines match it to their outstanding message.
 */
export function buildAck(original: Hl7Message | RawHeader, opts: AckOptions): string {
  const h = original instanceof Hl7Message ? headerOf(original) : original;
  const d = h.delimiters;
  const c = d.component;
  const esc = (value: string): string => escapeHl7(value, d);
  // MSH-11 and MSH-12 are required: one the sender left empty or sent as the HL7 null `""` (which
  // reads as empty) is not echoed, or the ACK would be a message its own receiver must refuse.
  const version = valued(h.version, d) ? h.version : FALLBACK_VERSION;
  const msh = [
    "MSH",
    encodingCharacters(d),
    opts.application === undefined ? h.receivingApplication : esc(opts.application.app),
    opts.application === undefined ? h.receivingFacility : esc(opts.application.facility),
    h.sendingApplication,
    h.sendingFacility,
    hl7Timestamp(opts.now, opts.timeZone ?? "UTC"),
    "",
    h.triggerEvent === "" ? "ACK" : `ACK${c}${h.triggerEvent}${c}ACK`,
    esc(opts.controlId),
    valued(h.processingId, d) ? h.processingId : "P",
    version,
  ];
  if (h.charset !== "") msh.push("", "", "", "", "", h.charset);
  const errors = opts.errors ?? [];
  const text = opts.text ?? errors[0]?.text ?? "";
  const msa = ["MSA", opts.code, h.controlId];
  if (text !== "") msa.push(esc(text));
  const segments = [msh.join(d.field), msa.join(d.field)];
  const legacy = isBefore25(version);
  for (const error of errors) segments.push(errSegment(error, h, legacy));
  return segments.join("\r");
}

/**
 * A negative acknowledgment for text that could not be parsed at all: the header is read
 * best-effort (`extractRawHeader`) so the sender can still match the NAK by control id; with
 * no MSH line it is sent with default delimiters and an empty MSA-2.
 */
export function buildNak(rawText: string, opts: AckOptions): string {
  const header: RawHeader = extractRawHeader(rawText) ?? {
    delimiters: DEFAULT_DELIMITERS,
    sendingApplication: "",
    sendingFacility: "",
    receivingApplication: "",
    receivingFacility: "",
    messageType: "",
    triggerEvent: "",
    controlId: "",
    processingId: "",
    version: "",
    acceptAckType: "",
    applicationAckType: "",
    charset: "",
  };
  return buildAck(header, opts);
}

/**
 * ERR as v2.5+ defines it: ERR-2 location (ERL: segment^sequence^field^repetition^component),
 * ERR-3 table 0357 code, ERR-4 severity E, ERR-8 user message. For versions before 2.5 ERR-1
 * (ELD: segment^sequence^field^code&text&HL70357) is filled as well, since those receivers
 * only read ERR-1; the newer fields are ignored by them as extra fields.
 */
function errSegment(error: Hl7Error, h: RawHeader, legacy: boolean): string {
  const d = h.delimiters;
  const esc = (value: string): string => escapeHl7(value, d);
  const codeText = HL7_ERROR_CODE_TEXT[error.code];
  const loc = error.location;
  const erl: string[] = [];
  if (loc !== undefined) {
    // ERL: segment ^ sequence ^ field ^ repetition ^ component ^ subcomponent, each only when the
    // ones before it are there; a component without a repetition is in the first repetition.
    erl.push(esc(loc.segment), String(loc.sequence));
    if (loc.field !== undefined) {
      erl.push(String(loc.field));
      const inner = loc.component !== undefined || loc.subcomponent !== undefined;
      if (loc.repetition !== undefined || inner) erl.push(String(loc.repetition ?? 1));
      if (inner) erl.push(String(loc.component ?? 1));
      if (loc.subcomponent !== undefined) erl.push(String(loc.subcomponent));
    }
  }
  let eld = "";
  if (legacy) {
    const where =
      loc === undefined ? ["", "", ""] : [esc(loc.segment), String(loc.sequence), String(loc.field ?? "")];
    eld = [...where, [error.code, esc(codeText), "HL70357"].join(d.subcomponent)].join(d.component);
  }
  const fields = [
    "ERR",
    eld,
    erl.join(d.component),
    [error.code, esc(codeText), "HL70357"].join(d.component),
    "E",
    "",
    "",
    "",
    esc(error.text),
  ];
  return fields.join(d.field);
}

function isBefore25(version: string): boolean {
  const m = /^(\d+)\.(\d+)/.exec(version);
  if (m === null) return false;
  const major = Number(m[1]);
  const minor = Number(m[2]);
  return major < 2 || (major === 2 && minor < 5);
}

/** HL7 DTM with seconds and offset, e.g. `20240305143000+0000`. */
export function hl7Timestamp(now: Date, timeZone = "UTC"): string {
  // Every ACK carries one; luxon's formatter costs several µs, the UTC getters almost nothing.
  if (timeZone === "UTC" && !Number.isNaN(now.getTime())) {
    const two = (n: number) => (n < 10 ? `0${n}` : `${n}`);
    return `${now.getUTCFullYear()}${two(now.getUTCMonth() + 1)}${two(now.getUTCDate())}${two(now.getUTCHours())}${two(now.getUTCMinutes())}${two(now.getUTCSeconds())}+0000`;
  }
  const dt = DateTime.fromJSDate(now, { zone: timeZone });
  if (!dt.isValid) throw new RangeError(`Invalid time zone or date for HL7 timestamp: ${timeZone}`);
  return dt.toFormat("yyyyMMddHHmmssZZZ");
}
