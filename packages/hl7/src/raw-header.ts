import { DEFAULT_DELIMITERS, type Hl7Delimiters, readDelimiters } from "./delimiters.ts";
import { escapeHl7 } from "./escape.ts";
import type { Hl7Message } from "./message.ts";

/**
 * The MSH fields an acknowledgement needs, as raw HL7 text escaped in `delimiters`.
 * Raw on purpose: an ACK copies HD composites such as `LAB^1.2.3^ISO` from one MSH position to
 * another in the same encoding, and echoes MSH-10 byte for byte in MSA-2.
 */
export interface RawHeader {
  readonly delimiters: Hl7Delimiters;
  /** MSH-3 */
  readonly sendingApplication: string;
  /** MSH-4 */
  readonly sendingFacility: string;
  /** MSH-5 */
  readonly receivingApplication: string;
  /** MSH-6 */
  readonly receivingFacility: string;
  /** MSH-9 as sent (still escaped), e.g. `ADT^A01^ADT_A01`. */
  readonly messageType: string;
  /** MSH-9.2, e.g. `A01` */
  readonly triggerEvent: string;
  /** MSH-10 */
  readonly controlId: string;
  /** MSH-11, e.g. `P` or `T^A` */
  readonly processingId: string;
  /** MSH-12, e.g. `2.5.1` */
  readonly version: string;
  /** MSH-15 accept acknowledgment type */
  readonly acceptAckType: string;
  /** MSH-16 application acknowledgment type */
  readonly applicationAckType: string;
  /** MSH-18 character set */
  readonly charset: string;
}

/** The header of a parsed message, for `buildAck` and `ackModeOf`. */
export function headerOf(message: Hl7Message): RawHeader {
  const msh = message.segment("MSH");
  const raw = (n: number): string => msh?.field(n).raw ?? "";
  return {
    delimiters: message.delimiters,
    sendingApplication: raw(3),
    sendingFacility: raw(4),
    receivingApplication: raw(5),
    receivingFacility: raw(6),
    messageType: raw(9),
    triggerEvent: raw(9).split(message.delimiters.component)[1] ?? "",
    controlId: raw(10),
    processingId: raw(11),
    version: raw(12),
    acceptAckType: raw(15),
    applicationAckType: raw(16),
    charset: raw(18),
  };
}

const USABLE_SEPARATOR = /^[^A-Za-z0-9\s]$/;

/**
 * Best-effort header of text that `parseHl7` rejected, so even a broken message gets a NAK
 * that names its control id. Looks for the first line starting with `MSH`; when its delimiters
 * are unusable the pieces are treated as plain text and escaped with the default delimiters.
 * Returns undefined when no MSH line can be found at all.
 */
export function extractRawHeader(text: string): RawHeader | undefined {
  const at = text.startsWith("MSH") ? 0 : text.search(/[\r\n\uFEFF]MSH/) + 1;
  if (at === 0 && !text.startsWith("MSH")) return undefined;
  const end = text.slice(at).search(/[\r\n]/);
  const line = end === -1 ? text.slice(at) : text.slice(at, at + end);
  const separator = line.charAt(3);
  if (!USABLE_SEPARATOR.test(separator)) return undefined;
  const pieces = line.split(separator);
  const read = readDelimiters(separator, pieces[1] ?? "");
  const delimiters = read.ok ? read.delimiters : DEFAULT_DELIMITERS;
  // pieces[0] is "MSH" and pieces[1] is MSH-2, so MSH-n is pieces[n - 1].
  const field = (n: number): string => {
    const value = pieces[n - 1] ?? "";
    return read.ok ? value : escapeHl7(value, delimiters);
  };
  const messageType = pieces[8] ?? "";
  return {
    delimiters,
    sendingApplication: field(3),
    sendingFacility: field(4),
    receivingApplication: field(5),
    receivingFacility: field(6),
    messageType: field(9),
    triggerEvent: read.ok ? (messageType.split(delimiters.component)[1] ?? "") : "",
    controlId: field(10),
    processingId: field(11),
    version: field(12),
    acceptAckType: field(15),
    applicationAckType: field(16),
    charset: field(18),
  };
}
