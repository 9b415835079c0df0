import { isAscii, isUtf8 } from "node:buffer";

/** The character sets we decode. Everything the listener sees must end up as one of these. */
export type Hl7Charset = "UTF-8" | "ISO-8859-1" | "ASCII";

/** Where the charset came from, so the listener can log a sender that declares nothing. */
export interface DetectedCharset {
  readonly charset: Hl7Charset;
  /** MSH-18 (first repetition) as sent, "" when absent. */
  readonly declared: string;
  readonly source: "MSH-18" | "default" | "fallback";
}

/** HL7 table 0211 values (and common variants) we map; compared upper-cased with spaces squeezed. */
const TABLE_0211: ReadonlyMap<string, Hl7Charset> = new Map([
  ["UNICODE UTF-8", "UTF-8"],
  ["UTF-8", "UTF-8"],
  ["UTF8", "UTF-8"],
  ["UNICODE", "UTF-8"],
  ["8859/1", "ISO-8859-1"],
  ["ISO-8859-1", "ISO-8859-1"],
  ["ISO_IR 100", "ISO-8859-1"],
  ["ASCII", "ASCII"],
  ["US-ASCII", "ASCII"],
]);

const CR = 0x0d;
const LF = 0x0a;

/**
 * MSH-18 read straight from the bytes: the header is ASCII in every charset we accept. One loop over
 * the header bytes rather than a Buffer method call per field: this runs for every frame.
 */
function declaredCharset(payload: Buffer): string {
  let msh = -1;
  for (let i = 0; i <= 8 && i + 2 < payload.length; i++) {
    if (payload[i] === 0x4d && payload[i + 1] === 0x53 && payload[i + 2] === 0x48) {
      msh = i;
      break;
    }
  }
  if (msh === -1) return "";
  const fieldSep = payload[msh + 3];
  if (fieldSep === undefined) return "";
  let lineEnd = msh;
  while (lineEnd < payload.length && payload[lineEnd] !== CR && payload[lineEnd] !== LF) lineEnd++;
  const encodingStart = msh + 4;
  // MSH-2 starts after the first separator; MSH-18 starts after the 17th.
  let from = encodingStart;
  let field = 2;
  for (let i = encodingStart; i < lineEnd && field < 18; i++) {
    if (payload[i] === fieldSep) {
      field++;
      from = i + 1;
    }
  }
  if (field < 18) return "";
  let to = from;
  while (to < lineEnd && payload[to] !== fieldSep) to++;
  if (to === from) return "";
  const value = payload.toString("latin1", from, to);
  // The first repetition is the message's charset; later ones are alternates (ISO 2022 escapes).
  const repetition = String.fromCharCode(payload[encodingStart + 1] ?? 0);
  return (value.split(repetition)[0] ?? "").trim();
}

/**
 * Decides how to decode a payload: MSH-18 when it names a charset we know, else the default.
 * When nothing is declared and the default is UTF-8 but the bytes are not valid UTF-8, we read
 * them as ISO-8859-1: US feeds that declare nothing are very often Latin-1, and decoding them
 * as UTF-8 would turn "José" into "Jos\uFFFD" for good.
 */
export function detectHl7Charset(payload: Buffer, defaultCharset: Hl7Charset = "UTF-8"): DetectedCharset {
  const declared = declaredCharset(payload);
  const known = TABLE_0211.get(declared) ?? TABLE_0211.get(declared.toUpperCase().replace(/\s+/g, " "));
  if (known !== undefined) return { charset: known, declared, source: "MSH-18" };
  if (defaultCharset === "UTF-8" && !isUtf8(payload))
    return { charset: "ISO-8859-1", declared, source: "fallback" };
  return { charset: defaultCharset, declared, source: "default" };
}

/**
 * Decodes an MLLP payload to text using the charset the message declares in MSH-18
 * ("UNICODE UTF-8", "8859/1", "ASCII"…), falling back to `defaultCharset` (see
 * `detectHl7Charset`). ASCII is decoded as Latin-1 so a stray high byte stays visible instead of
 * being silently changed.
 */
export function decodeHl7Bytes(payload: Buffer, defaultCharset: Hl7Charset = "UTF-8"): string {
  // Most messages are plain ASCII, which every charset we accept decodes alike: one native scan
  // then skips reading MSH-18 out of the bytes, which costs more than the decoding itself.
  if (isAscii(payload)) return payload.toString("latin1");
  const { charset } = detectHl7Charset(payload, defaultCharset);
  return payload.toString(charset === "UTF-8" ? "utf8" : "latin1");
}

/** The Buffer encoding to write a message in `charset` (for ACKs that answer in the sender's charset). */
export function bufferEncodingOf(charset: Hl7Charset): "utf8" | "latin1" {
  return charset === "UTF-8" ? "utf8" : "latin1";
}
