import { doubleMetaphone } from "double-metaphone";
import {
  type Candidate,
  type IncomingPatient,
  type PreparedRecord,
  prepareCandidate,
  prepareIncoming,
} from "./identity-record.ts";
import { type BirthDateParts, formatBirthDate } from "./normalize-contact.ts";

/**
 * A blocking key shared by more candidates than this (a clinic's main number, a nursing home's
 * phone, a very common surname in a huge roster) is skipped: it would make one event score
 * hundreds of people and tells little. Identifier and member-id keys are never skipped.
 */
export const MAX_BLOCK_SIZE = 400;

/** In-memory blocking index over a roster, so that matching one event scores a few candidates, not all. */
export interface IdentityIndex {
  /** Number of candidates indexed. */
  readonly size: number;
  /**
   * The candidates worth scoring for this patient, in roster order without duplicates: same
   * identifier or member id; same birth date (or with day and month swapped); same family-name
   * sound and birth year ±1 and month; same family-name sound, or same given-name sound, and
   * birth month and day in either order, whatever the year (two date errors at once: day and
   * month swapped and the year mistyped); same phone; same given-name sound, postal code and
   * birth year (maiden names).
   */
  candidatesFor(incoming: IncomingPatient): Candidate[];
  /** `candidatesFor` of a patient already prepared with `prepareIncoming` (so it is prepared once). */
  candidatesOfPrepared(record: PreparedRecord): Candidate[];
  /** The prepared (normalized) form of an indexed candidate, so scoring does not normalize it again. */
  preparedOf(candidate: Candidate): PreparedRecord | undefined;
}

function phoneticKeys(tokens: readonly string[]): string[] {
  const keys = new Set<string>();
  for (const token of tokens) {
    if (token.length === 0) continue;
    const [primary] = doubleMetaphone(token);
    keys.add(primary.length > 0 ? primary : token);
  }
  return [...keys];
}

function familyTokens(r: PreparedRecord): string[] {
  return [r.family.core, ...(r.family.parts.length > 1 ? r.family.parts : [])];
}

function keysOf(r: PreparedRecord, years: (d: BirthDateParts) => number[], forLookup: boolean): string[] {
  const keys: string[] = [];
  for (const k of r.identifierKeys) keys.push(`id:${k}`);
  for (const k of r.memberIds) keys.push(`mb:${k}`);
  for (const p of r.phones) keys.push(`ph:${p}`);
  const d = r.birthDate;
  if (d !== undefined) {
    keys.push(`bd:${formatBirthDate(d)}`);
    if (forLookup && d.day <= 12 && d.day !== d.month)
      keys.push(`bd:${formatBirthDate({ year: d.year, month: d.day, day: d.month })}`);
    // {month, day} as an unordered pair: a day/month swap on top of a year typo still meets the
    // record, through the family-name sound or (after a family-name typo) the given-name sound.
    const monthDay = `${Math.min(d.month, d.day)}-${Math.max(d.month, d.day)}`;
    for (const f of phoneticKeys(familyTokens(r))) {
      for (const year of years(d)) keys.push(`fy:${f}:${year}-${d.month}`);
      keys.push(`fd:${f}:${monthDay}`);
    }
    for (const g of phoneticKeys([r.given.first])) keys.push(`gd:${g}:${monthDay}`);
    for (const z of r.postalCodes)
      for (const g of phoneticKeys([r.given.first])) keys.push(`gz:${g}:${z}:${d.year}`);
  }
  return keys;
}

/** Builds the blocking index; the roster import rebuilds it (it is immutable once built). */
export function buildIdentityIndex(candidates: readonly Candidate[]): IdentityIndex {
  const blocks = new Map<string, number[]>();
  const prepared = new Map<Candidate, PreparedRecord>();
  candidates.forEach((candidate, position) => {
    const record = prepareCandidate(candidate);
    prepared.set(candidate, record);
    for (const key of new Set(keysOf(record, (d) => [d.year], false))) {
      const block = blocks.get(key);
      if (block === undefined) blocks.set(key, [position]);
      else block.push(position);
    }
  });
  const candidatesOfPrepared = (record: PreparedRecord): Candidate[] => {
    const positions = new Set<number>();
    for (const key of new Set(keysOf(record, (d) => [d.year - 1, d.year, d.year + 1], true))) {
      const block = blocks.get(key);
      if (block === undefined) continue;
      const exact = key.startsWith("id:") || key.startsWith("mb:");
      if (!exact && block.length > MAX_BLOCK_SIZE) continue;
      for (const p of block) positions.add(p);
    }
    return [...positions].sort((a, b) => a - b).flatMap((p) => candidates[p] ?? []);
  };
  return {
    size: candidates.length,
    candidatesFor: (incoming) => candidatesOfPrepared(prepareIncoming(incoming)),
    candidatesOfPrepared,
    preparedOf(candidate) {
      return prepared.get(candidate);
    },
  };
}
