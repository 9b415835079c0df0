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

/** HL7 DTM/TS: YYYY[MM[DD[HH[MM[SS[.S[S[S[S]]]]]]]]][+/-ZZZZ]. More than 4 fraction digits are tolerated. */
const TS =
  /^(\d{4})(?:(\d{2})(?:(\d{2})(?:(\d{2})(?:(\d{2})(?:(\d{2})(?:\.(\d{1,9}))?)?)?)?)?)?(?:([+-])(\d{2})(\d{2}))?$/;

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

const pad = (n: number, width = 2): string => String(n).padStart(width, "0");

/** ISO-8601 text for a wall-clock time and the UTC offset (minutes) in force at it. */
function formatIso(t: WallTime, offsetMinutes: number, withMillis: boolean): string {
  const sign = offsetMinutes < 0 ? "-" : "+";
  const abs = Math.abs(offsetMinutes);
  return `${pad(t.year, 4)}-${pad(t.month)}-${pad(t.day)}T${pad(t.hour)}:${pad(t.minute)}:${pad(t.second)}${
    withMillis ? `.${pad(t.millisecond, 3)}` : ""
  }${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** A local hour of one zone with a single, unambiguous offset: the common case, worth remembering. */
const REGULAR_HOURS = new Map<string, number>();
const REGULAR_HOURS_LIMIT = 4096;

/** The offset in force for the whole of this local hour, or `undefined` if the hour holds a DST change. */
function regularHourOffset(zone: string, t: WallTime): number | undefined {
  const key = `${zone}|${t.year}-${t.month}-${t.day}T${t.hour}`;
  const cached = REGULAR_HOURS.get(key);
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
  if (REGULAR_HOURS.size >= REGULAR_HOURS_LIMIT) REGULAR_HOURS.clear();
  const offset = Math.trunc(start.offset);
  REGULAR_HOURS.set(key, offset);
  return offset;
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
 * Speed matters (every message has several times): the offset luxon finds for a local hour is
 * remembered when that whole hour has one unambiguous offset, so luxon's Intl work is paid once per
 * zone and hour rather than per value; hours holding a DST change always take the full path.
 */
export function parseHl7Time(value: string, zone: string): Hl7TimeResult {
  const m = TS.exec(value);
  if (m === null) return fail("not an HL7 date/time (YYYY[MM[DD[HH[MM[SS[.S]]]]]][+/-ZZZZ])");
  const [, y, mo, d, h, mi, s, frac, sign, oh, om] = m;
  const wall: WallTime = {
    year: Number(y),
    month: mo === undefined ? 1 : Number(mo),
    day: d === undefined ? 1 : Number(d),
    hour: h === undefined ? 0 : Number(h),
    minute: mi === undefined ? 0 : Number(mi),
    second: s === undefined ? 0 : Number(s),
    millisecond: frac === undefined ? 0 : Number(frac.padEnd(3, "0").slice(0, 3)),
  };
  const invalid = checkWallTime(wall);
  if (invalid !== undefined) return fail(invalid);
  const precision =
    PRECISIONS[[y, mo, d, h, mi, s, frac].filter((p) => p !== undefined).length - 1] ?? "year";
  const withMillis = frac !== undefined;

  if (sign !== undefined) {
    const offsetHours = Number(oh);
    const offsetMinutes = Number(om);
    if (offsetMinutes > 59 || offsetHours > 14) return fail("time zone offset out of range");
    const offset = (sign === "-" ? -1 : 1) * (offsetHours * 60 + offsetMinutes);
    return { ok: true, iso: formatIso(wall, offset, withMillis), precision, hadOffset: true };
  }

  const offset = regularHourOffset(zone, wall);
  if (offset !== undefined)
    return { ok: true, iso: formatIso(wall, offset, withMillis), precision, hadOffset: false };

  let dt = DateTime.fromObject({ ...wall }, { zone });
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
  const m = TS.exec(value);
  if (m === null) return undefined;
  const [, y, mo, d] = m;
  if (mo === undefined || d === undefined) return undefined;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  return `${y}-${mo}-${d}`;
}
