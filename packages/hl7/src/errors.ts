import { type Hl7ErrorCode, hl7ErrorCodeText } from "@homeward/contracts";

/**
 * HL7 table 0357 (message error condition codes) as used in ERR-3 and in our parse results.
 * Kept as string literals so they can be written into an ERR segment without mapping.
 *
 * 100 segment sequence error, 101 required field missing, 102 data type error,
 * 103 table value not found, 200 unsupported message type, 201 unsupported event code,
 * 202 unsupported processing id, 203 unsupported version id, 204 unknown key identifier,
 * 205 duplicate key identifier, 206 application record locked, 207 application internal error.
 */
export type { Hl7ErrorCode };

/**
 * Where an error sits, as ERR-2 (ERL) counts it: segment id; segment sequence, which is the
 * occurrence of that id (1 = the first DG1, 2 = the second), not the position in the message;
 * field; field repetition; component; subcomponent. All 1-based.
 */
export interface Hl7ErrorLocation {
  readonly segment: string;
  readonly sequence: number;
  readonly field?: number;
  readonly repetition?: number;
  readonly component?: number;
  readonly subcomponent?: number;
}

/**
 * An error as a value: parse failures and validation failures are returned, never thrown,
 * so the listener can turn them into an `AE`/`AR` ACK with an ERR segment.
 * `text` must never contain PHI (it may be written to logs and to the ACK).
 */
export interface Hl7Error {
  readonly code: Hl7ErrorCode;
  readonly text: string;
  readonly location?: Hl7ErrorLocation;
}

/** Display text of table 0357 codes, used in ERR-3.2. */
export const HL7_ERROR_CODE_TEXT: Readonly<Record<Hl7ErrorCode, string>> = hl7ErrorCodeText;
