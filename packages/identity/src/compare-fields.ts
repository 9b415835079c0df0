/// <reference path="./talisman.d.ts" />
import jaroWinkler from "talisman/metrics/jaro-winkler.js";
import type { PreparedRecord } from "./identity-record.ts";
import { type AgreementLevel, fieldWeight, type MatchField } from "./match-weights.ts";
import { areNicknameEquivalent } from "./nicknames.ts";
import type { BirthDateParts } from "./normalize-contact.ts";
import type { NormalizedFamily, NormalizedGiven } from "./normalize-name.ts";

/** Jaro–Winkler bands: at or above CLOSE a name is a likely typo, at or above SIMILAR it is no evidence. */
export const JARO_WINKLER_CLOSE = 0.94;
export const JARO_WINKLER_SIMILAR = 0.88;

/**
 * Birth years this far apart or more are another generation, never a typo, whatever the digits:
 * 1958 and 1988 differ in one digit, and are a father and his junior far more often than a slip.
 */
export const GENERATION_GAP_YEARS = 10;

/** One field's agreement level and the weight it earned. */
export interface FieldComparison {
  readonly field: MatchField;
  readonly level: AgreementLevel;
  readonly weight: number;
}

/**
 * True when b is a one-edit typo of a (one substitution, insertion, deletion, or two adjacent
 * letters swapped). Substitutions, insertions and deletions count only on names of 4+ letters:
 * on 3 letters they turn one real name into another (JON/JAN, ANN/AN).
 */
export function isOneEditTypo(a: string, b: string): boolean {
  if (a === b) return false;
  const la = a.length;
  const lb = b.length;
  if (la === lb) {
    const diffs: number[] = [];
    for (let i = 0; i < la && diffs.length <= 2; i++) if (a[i] !== b[i]) diffs.push(i);
    if (diffs.length === 2) {
      const [i = 0, j = 0] = diffs;
      return j === i + 1 && a[i] === b[j] && a[j] === b[i] && la >= 3;
    }
    return diffs.length === 1 && la >= 4;
  }
  if (Math.abs(la - lb) !== 1 || Math.min(la, lb) < 4) return false;
  const [long, short] = la > lb ? [a, b] : [b, a];
  let i = 0;
  while (i < short.length && long[i] === short[i]) i++;
  return long.slice(i + 1) === short.slice(i);
}

function stringLevel(a: string, b: string): AgreementLevel {
  if (isOneEditTypo(a, b)) return "close";
  const similarity = jaroWinkler(a, b);
  if (similarity >= JARO_WINKLER_CLOSE) return "close";
  if (similarity >= JARO_WINKLER_SIMILAR) return "similar";
  return "disagree";
}

/** Family names: exact (also ignoring particles), compound (one half of a two-part name), then string similarity. */
export function compareFamily(a: NormalizedFamily, b: NormalizedFamily): AgreementLevel {
  if (a.full.length === 0 || b.full.length === 0) return "missing";
  if (a.full === b.full || a.core === b.core) return "exact";
  const [fewer, more] = a.parts.length <= b.parts.length ? [a.parts, b.parts] : [b.parts, a.parts];
  if (more.length > 1 && fewer.every((p) => p.length > 1 && more.includes(p))) return "compound";
  return stringLevel(a.core, b.core);
}

/** Given names: exact, nickname-equivalent, initial only, then string similarity of the first token. */
export function compareGiven(a: NormalizedGiven, b: NormalizedGiven): AgreementLevel {
  if (a.first.length === 0 || b.first.length === 0) return "missing";
  if (a.first === b.first || a.full === b.full) return "exact";
  if (a.first.length === 1 || b.first.length === 1) return a.first[0] === b.first[0] ? "initial" : "disagree";
  if (areNicknameEquivalent(a.first, b.first) || areNicknameEquivalent(a.full, b.full)) return "nickname";
  return stringLevel(a.first, b.first);
}

/**
 * Middle names: exact; "initial" when one is the other's initial or beginning (ANNE, ANNE MARIE)
 * or a likely typo of it; otherwise disagreement, which is how twins and siblings of one given name
 * differ. Missing on either side weighs nothing.
 */
export function compareMiddle(a: string, b: string): AgreementLevel {
  if (a.length === 0 || b.length === 0) return "missing";
  if (a === b) return "exact";
  if (a.startsWith(b) || b.startsWith(a)) return "initial";
  if (a[0] === b[0] && jaroWinkler(a, b) >= JARO_WINKLER_CLOSE) return "initial";
  return "disagree";
}

/** Generational suffixes (normalized: JR, SR, II, III...): agree, disagree, or missing when either has none. */
export function compareSuffix(a: string, b: string): AgreementLevel {
  if (a.length === 0 || b.length === 0) return "missing";
  return a === b ? "agree" : "disagree";
}

function digits(d: BirthDateParts): string {
  return `${String(d.year).padStart(4, "0")}${String(d.month).padStart(2, "0")}${String(d.day).padStart(2, "0")}`;
}

/**
 * Birth dates with partial credit: day and month swapped (03/04 vs 04/03), one part off by one or
 * one digit mistyped or two adjacent digits swapped, two of three parts agreeing, and (as
 * "partial") day and month swapped together with a one-digit slip in the year. Years a generation
 * apart (`GENERATION_GAP_YEARS`) always disagree: a parent and a child of one name are not a typo.
 */
export function compareBirthDate(
  a: BirthDateParts | undefined,
  b: BirthDateParts | undefined,
): AgreementLevel {
  if (a === undefined || b === undefined) return "missing";
  const sameYear = a.year === b.year;
  const sameMonth = a.month === b.month;
  const sameDay = a.day === b.day;
  if (sameYear && sameMonth && sameDay) return "exact";
  if (Math.abs(a.year - b.year) >= GENERATION_GAP_YEARS) return "disagree";
  const swapped = a.month === b.day && a.day === b.month && a.month !== a.day;
  if (sameYear && swapped) return "transposed";
  const agreeing = Number(sameYear) + Number(sameMonth) + Number(sameDay);
  if (agreeing === 2) {
    const offByOne =
      (!sameYear && Math.abs(a.year - b.year) === 1) ||
      (!sameMonth && Math.abs(a.month - b.month) === 1) ||
      (!sameDay && Math.abs(a.day - b.day) === 1);
    if (offByOne || isOneEditTypo(digits(a), digits(b))) return "off-by-one";
    return "partial";
  }
  const yearSlip = Math.abs(a.year - b.year) === 1 || isOneEditTypo(String(a.year), String(b.year));
  if (swapped && yearSlip) return "partial";
  return "disagree";
}

function setLevel(a: readonly string[], b: readonly string[]): AgreementLevel {
  if (a.length === 0 || b.length === 0) return "missing";
  return a.some((x) => b.includes(x)) ? "agree" : "disagree";
}

function compared(field: MatchField, level: AgreementLevel): FieldComparison {
  return { field, level, weight: fieldWeight(field, level) };
}

/** Every field of two prepared records, in a fixed order. */
export function compareRecords(incoming: PreparedRecord, candidate: PreparedRecord): FieldComparison[] {
  const sex =
    incoming.sex === undefined || candidate.sex === undefined
      ? "missing"
      : incoming.sex === candidate.sex
        ? "agree"
        : "disagree";
  return [
    compared("family", compareFamily(incoming.family, candidate.family)),
    compared("given", compareGiven(incoming.given, candidate.given)),
    compared("middle", compareMiddle(incoming.middle, candidate.middle)),
    compared("suffix", compareSuffix(incoming.suffix, candidate.suffix)),
    compared("birthDate", compareBirthDate(incoming.birthDate, candidate.birthDate)),
    compared("sex", sex),
    compared("postalCode", setLevel(incoming.postalCodes, candidate.postalCodes)),
    compared("phone", setLevel(incoming.phones, candidate.phones)),
  ];
}
