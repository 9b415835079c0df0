/**
 * The delimiters a message declares in MSH-1 and MSH-2. Every HL7 v2 message carries its own,
 * so nothing in this package assumes `|^~\&`; the defaults are only used when we write a message
 * from nothing (a NAK for bytes we could not parse).
 */
export interface Hl7Delimiters {
  /** MSH-1, usually `|`. */
  readonly field: string;
  /** MSH-2 position 1, usually `^`. */
  readonly component: string;
  /** MSH-2 position 2, usually `~`. */
  readonly repetition: string;
  /** MSH-2 position 3, usually `\`. */
  readonly escape: string;
  /** MSH-2 position 4, usually `&`. */
  readonly subcomponent: string;
  /** MSH-2 position 5 (v2.7+ truncation character, usually `#`), or null when not declared. */
  readonly truncation: string | null;
}

/** The delimiters recommended by the standard (`|^~\&`), without a truncation character. */
export const DEFAULT_DELIMITERS: Hl7Delimiters = Object.freeze({
  field: "|",
  component: "^",
  repetition: "~",
  escape: "\\",
  subcomponent: "&",
  truncation: null,
});

/** MSH-2 as written in a header: component, repetition, escape, subcomponent and, if any, truncation. */
export function encodingCharacters(delimiters: Hl7Delimiters): string {
  const d = delimiters;
  return `${d.component}${d.repetition}${d.escape}${d.subcomponent}${d.truncation ?? ""}`;
}

const FORBIDDEN_DELIMITER = /[A-Za-z0-9\s]/;

/**
 * Reads MSH-1 and MSH-2 (the first field after the separator) into delimiters, or explains why
 * they are unusable. Letters, digits and white space cannot be delimiters, and all must differ,
 * otherwise no field could be told from its separator.
 */
export function readDelimiters(
  fieldSeparator: string,
  encoding: string,
): { ok: true; delimiters: Hl7Delimiters } | { ok: false; reason: string } {
  if (fieldSeparator.length !== 1 || FORBIDDEN_DELIMITER.test(fieldSeparator)) {
    return { ok: false, reason: "MSH-1 field separator is missing or not a delimiter character" };
  }
  if (encoding.length < 4 || encoding.length > 5) {
    return { ok: false, reason: "MSH-2 encoding characters must be 4 characters (5 with truncation)" };
  }
  const chars = [...encoding];
  if (chars.length !== encoding.length) {
    return { ok: false, reason: "MSH-2 encoding characters must be single-byte characters" };
  }
  const all = [fieldSeparator, ...chars];
  if (new Set(all).size !== all.length || chars.some((c) => FORBIDDEN_DELIMITER.test(c))) {
    return { ok: false, reason: "MSH-2 encoding characters must be distinct non-alphanumeric characters" };
  }
  const [component = "^", repetition = "~", escapeChar = "\\", subcomponent = "&", truncation] = chars;
  return {
    ok: true,
    delimiters: Object.freeze({
      field: fieldSeparator,
      component,
      repetition,
      escape: escapeChar,
      subcomponent,
      truncation: truncation ?? null,
    }),
  };
}
