/**
 * Normalization of the non-name fields: phone, postal code, birth date, administrative sex. Each
 * returns `undefined` for a value that cannot be compared, so a blank or junk field counts as
 * missing (weight 0) rather than as a disagreement.
 */

/**
 * The last ten digits of a phone number ("+1 (555) 010-1234 x12" → "5550101234" after dropping the
 * extension); `undefined` with fewer than ten digits or an all-same-digit filler like 0000000000.
 */
export function normalizePhone(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const withoutExtension = value.split(/(?:x|ext\.?|#)/i)[0] ?? "";
  const digits = withoutExtension.replace(/\D/g, "");
  if (digits.length < 10) return undefined;
  const last10 = digits.slice(-10);
  if (/^(\d)\1{9}$/.test(last10)) return undefined;
  return last10;
}

/** The five-digit US ZIP ("02134-1234" → "02134"); `undefined` when it does not start with 5 digits or is 00000. */
export function normalizePostalCode(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const match = /^\s*(\d{5})/.exec(value);
  if (match?.[1] === undefined || match[1] === "00000") return undefined;
  return match[1];
}

/** A birth date split into parts, so that swapped or off-by-one parts can earn partial credit. */
export interface BirthDateParts {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

/** Parses `YYYY-MM-DD` (or `YYYYMMDD`); `undefined` when the date does not exist on the calendar. */
export function parseBirthDate(value: string | undefined): BirthDateParts | undefined {
  if (value === undefined) return undefined;
  const match = /^(\d{4})-?(\d{2})-?(\d{2})/.exec(value.trim());
  if (match === null) return undefined;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  if (year < 1850 || month < 1 || month > 12 || day < 1) return undefined;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day > daysInMonth) return undefined;
  return { year, month, day };
}

/** `YYYY-MM-DD` of parts. */
export function formatBirthDate(parts: BirthDateParts): string {
  return `${String(parts.year).padStart(4, "0")}-${String(parts.month).padStart(2, "0")}-${String(parts.day).padStart(2, "0")}`;
}

/** Comparable administrative sex. Only female and male are compared; anything else is missing. */
export type NormalizedSex = "F" | "M";

/**
 * HL7 table 0001 (`F`, `M`, `O`, `U`, `A`, `N`, `X`) or roster spellings ("female", "Male") to
 * `F` / `M`; other, unknown, ambiguous and non-binary codes give `undefined`, so they never count
 * against a candidate (a sex recorded as `X` in one system and `F` in another is not evidence).
 */
export function normalizeSex(value: string | undefined): NormalizedSex | undefined {
  if (value === undefined) return undefined;
  const v = value.trim().toUpperCase();
  if (v === "F" || v === "FEMALE" || v === "W" || v === "WOMAN") return "F";
  if (v === "M" || v === "MALE" || v === "MAN") return "M";
  return undefined;
}
