import { DateTime } from "luxon";

/** How much of `YYYY[MM[DD[HH[MM[SS[.S+]]]]]]` the sender wrote. */
export type Hl7TimePrecision = "year" | "month" | "day" | "hour" | "minute" | "second" | "fraction";

/**
 * What applying the zone did to a local time: `dst-gap` (the wall-clock time never happened; moved
 * forward by the gap), `dst-overlap` (it happened twice; the earlier instant was taken).
 */
export type Hl7TimeAdjustment = "dst-gap" | "dst-overlap";

export type Hl7TimeResult =
  | {
      ok: true;
      /** ISO-8601 with offset, e.g. `2024-03-10T03:30:00-04:00`; milliseconds only when sent. */
      iso: string;
      precision: Hl7TimePrecision;
      /** True when the value carried its own `+/-ZZZZ` offset (then the zone was not used). */
      hadOffset: boolean;
      adjustment?: Hl7TimeAdjustment;
    }
  | { ok: false; reason: string };

const PRECISIONS: readonly Hl7TimePrecision[] = [
  "year",
  "month",
  "day",
  "hour",
  "minute",
  "second",
  "fraction",
];

interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
}

/** An HL7 time stamp as written: its wall-clock parts, how many were sent, and its offset if any. */
interface Stamp extends WallTime {
  /** How many of year, month, day, hour, minute, second and fraction were written (1–7). */
  parts: number;
  hasFraction: boolean;
  /** `+1`/`-1` when an offset was written, else 0. */
  sign: number;
  offsetHours: number;
  offsetMinutes: number;
}

const ZERO = 0x30;

function digitAt(value: string, i: number): number {
  const d = value.charCodeAt(i) - ZERO;
  return d >= 0 && d <= 9 ? d : -1;
}

/** Two digits at `i` as a number, or -1. */
function twoDigits(value: string, i: number): number {
  const a = digitAt(value, i);
  const b = digitAt(value, i + 1);
  return a === -1 || b === -1 ? -1 : a * 10 + b;
}

/**
 * Reads HL7 DTM/TS, `YYYY[MM[DD[HH[MM[SS[.S[S[S[S]]]]]]]]][+/-ZZZZ]` (up to 9 fraction digits are
 * tolerated), or returns undefined when the value does not have that shape. Written out by hand
 * rather than as a regular expression: several times in every message go through it.
 */
function readStamp(value: string): Stamp | undefined {
  const length = value.length;
  const y1 = twoDigits(value, 0);
  const y2 = twoDigits(value, 2);
  if (length < 4 || y1 === -1 || y2 === -1) return undefined;
  const t: Stamp = {
    year: y1 * 100 + y2,
    month: 1,
    day: 1,
    hour: 0,
    minute: 0,
    second: 0,
    millisecond: 0,
    parts: 1,
    hasFraction: false,
    sign: 0,
    offsetHours: 0,
    offsetMinutes: 0,
  };
  let i = 4;
  for (; t.parts < 6 && i + 1 < length; i += 2) {
    const n = twoDigits(value, i);
    if (n === -1) break;
    if (t.parts === 1) t.month = n;
    else if (t.parts === 2) t.day = n;
    else if (t.parts === 3) t.hour = n;
    else if (t.parts === 4) t.minute = n;
    else t.second = n;
    t.parts++;
  }
  if (t.parts === 6 && value.charCodeAt(i) === 0x2e /* . */) {
    const from = ++i;
    let ms = 0;
    for (; i < length && i - from < 9; i++) {
      const d = digitAt(value, i);
      if (d === -1) break;
      if (i - from < 3) ms = ms * 10 + d;
    }
    if (i === from) return undefined;
    // Fewer than 3 digits are tenths or hundredths: `.1` is 100 ms.
    for (let k = i - from; k < 3; k++) ms *= 10;
    t.millisecond = ms;
    t.hasFraction = true;
    t.parts++;
  }
  const sign = value.charCodeAt(i);
  if (sign === 0x2b /* + */ || sign === 0x2d /* - */) {
    const oh = twoDigits(value, i + 1);
    const om = twoDigits(value, i + 3);
    if (oh === -1 || om === -1) return undefined;
    t.sign = sign === 0x2d ? -1 : 1;
    t.offsetHours = oh;
    t.offsetMinutes = om;
    i += 5;
  }
  return i === length ? t : undefined;
}

const fail = (reason: string): Hl7TimeResult => ({ ok: false, reason });

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

function checkWallTime(t: WallTime): string | undefined {
  if (t.year < 1) return "year out of range";
  if (t.month < 1 || t.month > 12) return "month out of range";
  if (t.day < 1 || t.day > daysInMonth(t.year, t.month)) return "day out of range";
  if (t.hour > 23) return "hour out of range";
  if (t.minute > 59) return "minute out of range";
  if (t.second > 59) return "second out of range";
  return undefined;
}

/** "00" … "99": formatting a time stamp looks its two-digit parts up instead of padding each. */
const TWO_DIGITS: readonly string[] = Array.from({ length: 100 }, (_, n) => String(n).padStart(2, "0"));
const two = (n: number): string => TWO_DIGITS[n] ?? String(n);

/**
 * ISO-8601 text for a wall-clock time and the UTC offset (minutes) in force at it. Four-digit years
 * (every real one) take `formatIsoCodes`; the padded template is kept for the rest.
 */
function formatIso(t: WallTime, offsetMinutes: number, withMillis: boolean): string {
  const abs = Math.abs(offsetMinutes);
  const offsetHours = Math.floor(abs / 60);
  if (t.year >= 1000 && t.year <= 9999 && offsetHours <= 99)
    return formatIsoCodes(t, offsetMinutes, withMillis);
  const year = t.year >= 1000 ? String(t.year) : String(t.year).padStart(4, "0");
  const millis = withMillis ? `.${String(t.millisecond).padStart(3, "0")}` : "";
  return `${year}-${two(t.month)}-${two(t.day)}T${two(t.hour)}:${two(t.minute)}:${two(t.second)}${millis}${
    offsetMinutes < 0 ? "-" : "+"
  }${two(offsetHours)}:${two(abs % 60)}`;
}

/** Char codes of the tens and units digits of 0 … 99, looked up rather than divided out. */
const TENS = Uint8Array.from({ length: 100 }, (_, n) => 0x30 + Math.floor(n / 10));
const UNITS = Uint8Array.from({ length: 100 }, (_, n) => 0x30 + (n % 10));
// Callers pass 0 … 99 only: four-digit years split in two, range-checked parts, offsets under 100 hours.
const tens = (n: number): number => TENS[n] as number;
const units = (n: number): number => UNITS[n] as number;
const MINUS = 0x2d;
const PLUS = 0x2b;
const COLON = 0x3a;
const DOT = 0x2e;
const T = 0x54;

/**
 * `formatIso` for four-digit years, as one `String.fromCharCode` call: a template of a dozen pieces
 * costs several times more (each piece is a string to join), and several times run in every message.
 */
function formatIsoCodes(t: WallTime, offsetMinutes: number, withMillis: boolean): string {
  const { month: mo, day: d, hour: h, minute: mi, second: s } = t;
  const century = Math.floor(t.year / 100);
  const y = t.year % 100;
  const abs = Math.abs(offsetMinutes);
  const sign = offsetMinutes < 0 ? MINUS : PLUS;
  const oh = Math.floor(abs / 60);
  const om = abs % 60;
  const msHigh = Math.floor(t.millisecond / 10);
  const ms = t.millisecond % 10;
  // biome-ignore format: one line per part of `YYYY-MM-DDTHH:MM:SS[.sss]±HH:MM`
  return withMillis
    ? String.fromCharCode(
        tens(century), units(century), tens(y), units(y), MINUS, tens(mo), units(mo), MINUS, tens(d), units(d),
        T, tens(h), units(h), COLON, tens(mi), units(mi), COLON, tens(s), units(s),
        DOT, tens(msHigh), units(msHigh), 0x30 + ms,
        sign, tens(oh), units(oh), COLON, tens(om), units(om),
      )
    : String.fromCharCode(
        tens(century), units(century), tens(y), units(y), MINUS, tens(mo), units(mo), MINUS, tens(d), units(d),
        T, tens(h), units(h), COLON, tens(mi), units(mi), COLON, tens(s), units(s),
        sign, tens(oh), units(oh), COLON, tens(om), units(om),
      );
}

/**
 * Local hours of a zone with a single, unambiguous offset (the common case, worth remembering): per
 * zone, by a number made of the local date and hour, so a lookup builds no string.
 */
const REGULAR_HOURS = new Map<string, Map<number, number>>();
const REGULAR_HOURS_LIMIT = 4096;
let regularHoursSize = 0;

/** The offset in force for the whole of this local hour, or `undefined` if the hour holds a DST change. */
function regularHourOffset(zone: string, t: WallTime): number | undefined {
  let hours = REGULAR_HOURS.get(zone);
  const key = ((t.year * 12 + t.month - 1) * 31 + t.day - 1) * 24 + t.hour;
  const cached = hours?.get(key);
  if (cached !== undefined) return cached;
  const start = DateTime.fromObject({ year: t.year, month: t.month, day: t.day, hour: t.hour }, { zone });
  const end = start.isValid ? start.set({ minute: 59, second: 59, millisecond: 999 }) : start;
  const regular =
    start.isValid &&
    end.isValid &&
    start.hour === t.hour &&
    start.minute === 0 &&
    end.hour === t.hour &&
    start.offset === end.offset &&
    start.getPossibleOffsets().length === 1 &&
    end.getPossibleOffsets().length === 1;
  if (!regular) return undefined;
  if (regularHoursSize >= REGULAR_HOURS_LIMIT) {
    REGULAR_HOURS.clear();
    regularHoursSize = 0;
    hours = undefined;
  }
  if (hours === undefined) {
    hours = new Map();
    REGULAR_HOURS.set(zone, hours);
  }
  const offset = Math.trunc(start.offset);
  hours.set(key, offset);
  regularHoursSize++;
  return offset;
}

const NOT_A_TIME = "not an HL7 date/time (YYYY[MM[DD[HH[MM[SS[.S]]]]]][+/-ZZZZ])";

/** Why a stamp's parts or offset are out of range, or undefined when they are fine. */
function checkStamp(t: Stamp): string | undefined {
  const invalid = checkWallTime(t);
  if (invalid !== undefined) return invalid;
  if (t.sign !== 0 && (t.offsetMinutes > 59 || t.offsetHours > 14)) return "time zone offset out of range";
  return undefined;
}

/**
 * True when `value` is a valid HL7 date/time (the same test `parseHl7Time` applies, without reading it
 * in a zone): for values such as a birth date that are checked but not turned into an instant.
 */
export function isValidHl7Time(value: string): boolean {
  const t = readStamp(value);
  return t !== undefined && checkStamp(t) === undefined;
}

/**
 * Reads an HL7 time stamp into an instant. A value with an offset keeps that offset; a value without
 * one is wall-clock time at the facility, so the facility's IANA zone is applied through luxon (the
 * zone database, never a hand-written offset), which gets DST right on both sides of a change:
 * - a time in the spring-forward gap (02:30 on the US change day) never existed; it is moved forward by
 *   the length of the gap (03:30 daylight time), as java.time and Temporal's "compatible" mode do;
 * - a time in the fall-back overlap (01:30 happens twice) is taken as the earlier of the two instants.
 * Missing parts are the start of the period (`2024` is 2024-01-01T00:00 local). The caller must not
 * pass the empty string; it means "not sent", which is not an error of this value.
 *
 * Speed matters (every message has several times): a value with its own offset never reaches luxon,
 * and the offset luxon finds for a local hour is remembered when that whole hour has one unambiguous
 * offset, so luxon's Intl work is paid once per zone and hour rather than per value; hours holding a
 * DST change always take the full path.
 */
export function parseHl7Time(value: string, zone: string): Hl7TimeResult {
  const t = readStamp(value);
  if (t === undefined) return fail(NOT_A_TIME);
  const invalid = checkStamp(t);
  if (invalid !== undefined) return fail(invalid);
  const precision = PRECISIONS[t.parts - 1] ?? "year";
  const withMillis = t.hasFraction;

  if (t.sign !== 0) {
    const offset = t.sign * (t.offsetHours * 60 + t.offsetMinutes);
    return { ok: true, iso: formatIso(t, offset, withMillis), precision, hadOffset: true };
  }

  const offset = regularHourOffset(zone, t);
  if (offset !== undefined)
    return { ok: true, iso: formatIso(t, offset, withMillis), precision, hadOffset: false };

  const wall: WallTime = {
    year: t.year,
    month: t.month,
    day: t.day,
    hour: t.hour,
    minute: t.minute,
    second: t.second,
    millisecond: t.millisecond,
  };
  let dt = DateTime.fromObject(wall, { zone });
  if (!dt.isValid) {
    return fail(
      dt.invalidReason === "unsupported zone" ? `unknown time zone "${zone}"` : "date/time out of range",
    );
  }
  let adjustment: Hl7TimeAdjustment | undefined;
  const candidates = dt.getPossibleOffsets();
  if (candidates.length > 1) {
    adjustment = "dst-overlap";
    dt = candidates.reduce((a, b) => (b.toMillis() < a.toMillis() ? b : a));
  } else if (dt.hour !== wall.hour || dt.minute !== wall.minute) {
    adjustment = "dst-gap";
  }
  const shown: WallTime = {
    year: dt.year,
    month: dt.month,
    day: dt.day,
    hour: dt.hour,
    minute: dt.minute,
    second: dt.second,
    millisecond: dt.millisecond,
  };
  const iso = formatIso(shown, Math.trunc(dt.offset), withMillis);
  return adjustment === undefined
    ? { ok: true, iso, precision, hadOffset: false }
    : { ok: true, iso, precision, hadOffset: false, adjustment };
}

/**
 * Reads the date part of an HL7 date or time stamp as `YYYY-MM-DD`, with no zone applied: a birth
 * date is a calendar date, and shifting it through a zone would move people's birthdays. Returns
 * `undefined` when fewer than year, month and day were sent or the date does not exist.
 */
export function parseHl7Date(value: string): string | undefined {
  const t = readStamp(value);
  if (t === undefined || t.parts < 3) return undefined;
  const { year, month, day } = t;
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  return `${value.slice(0, 4)}-${value.slice(4, 6)}-${value.slice(6, 8)}`;
}
