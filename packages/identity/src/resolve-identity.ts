import { compareRecords, type FieldComparison } from "./compare-fields.ts";
import type { IdentityIndex } from "./identity-index.ts";
import {
  type Candidate,
  type IncomingPatient,
  type PreparedRecord,
  prepareCandidate,
  prepareIncoming,
} from "./identity-record.ts";
import type { AgreementLevel, MatchField } from "./match-weights.ts";

/** Score bounds: at or above `upper` a unique, unvetoed candidate matches; from `lower` it goes to review. */
export interface MatchThresholds {
  readonly upper: number;
  readonly lower: number;
}

/**
 * Defaults chosen from the threshold sweep in docs/benchmarks.md (section matching): the lowest
 * upper bound with no false auto-match on the synthetic traffic plus a safety margin, and a lower
 * bound that still sends near-misses (maiden names, moved households) to review.
 */
export const DEFAULT_THRESHOLDS: MatchThresholds = { upper: 30, lower: 14 };

/**
 * A runner-up closer than this (in log2 units, a factor of 2^6 = 64 in likelihood) to the best
 * candidate makes the decision ambiguous: review, never pick one.
 */
export const DEFAULT_AMBIGUITY_MARGIN = 6;

export interface ResolveOptions {
  readonly thresholds?: MatchThresholds | undefined;
  readonly ambiguityMargin?: number | undefined;
  /** The index the candidates came from, to reuse its normalized records (faster, same result). */
  readonly index?: Pick<IdentityIndex, "preparedOf"> | undefined;
}

/** Why a result is what it is: per-field agreement and weight, the total, the thresholds used. */
export interface MatchExplanation {
  readonly fields: readonly FieldComparison[];
  readonly score: number;
  readonly thresholds: MatchThresholds;
  /** Which identifier agreed, when one did. */
  readonly identifier?: "mrn" | "member-id" | undefined;
  /** Rules that fired, in words without patient data (safe to log and to show a reviewer). */
  readonly notes: readonly string[];
}

export interface ScoredCandidate {
  readonly patientId: string;
  readonly score: number;
  readonly explanation: MatchExplanation;
}

export type MatchMethod = "identifier" | "deterministic" | "probabilistic";

export type ReviewReason =
  | "identifier-contradicted"
  | "identifier-conflict"
  | "ambiguous"
  | "between-thresholds"
  | "vetoed";

export type Resolution =
  | {
      readonly outcome: "match";
      readonly patientId: string;
      readonly method: MatchMethod;
      readonly explanation: MatchExplanation;
    }
  | {
      readonly outcome: "review";
      readonly reason: ReviewReason;
      readonly candidates: readonly ScoredCandidate[];
    }
  | { readonly outcome: "no-match"; readonly best?: ScoredCandidate | undefined };

/** At most this many candidates are put in front of a reviewer. */
export const MAX_REVIEW_CANDIDATES = 5;

interface Evaluation {
  readonly patientId: string;
  readonly fields: readonly FieldComparison[];
  readonly levels: Readonly<Record<MatchField, AgreementLevel>>;
  readonly score: number;
  readonly identifier: "mrn" | "member-id" | undefined;
  readonly deterministic: boolean;
  /** Why this candidate may not be auto-matched on its score; empty when it may. */
  readonly vetoes: readonly string[];
}

function evaluate(patientId: string, incoming: PreparedRecord, candidate: PreparedRecord): Evaluation {
  const fields = compareRecords(incoming, candidate);
  const levels = {} as Record<MatchField, AgreementLevel>;
  for (const f of fields) levels[f.field] = f.level;
  const score = Math.round(fields.reduce((sum, f) => sum + f.weight, 0) * 100) / 100;
  const identifier = incoming.identifierKeys.some((k) => candidate.identifierKeys.includes(k))
    ? "mrn"
    : incoming.memberIds.some((k) => candidate.memberIds.includes(k))
      ? "member-id"
      : undefined;
  const agreesOrMissing = (level: AgreementLevel) => level === "agree" || level === "missing";
  const deterministic =
    levels.family === "exact" &&
    (levels.given === "exact" || levels.given === "nickname") &&
    levels.birthDate === "exact" &&
    levels.sex === "agree" &&
    agreesOrMissing(levels.postalCode) &&
    agreesOrMissing(levels.phone);
  const vetoes: string[] = [];
  if (levels.given === "disagree" || levels.given === "initial")
    vetoes.push("given name disagrees: never auto-matched on score (twins, siblings)");
  if (levels.birthDate === "disagree" || levels.birthDate === "partial")
    vetoes.push("birth date disagrees: never auto-matched on score (parent and child of one name)");
  return { patientId, fields, levels, score, identifier, deterministic, vetoes };
}

/**
 * Identifier agreed but the demographics say another person (a reused number, a typo in the MRN):
 * at least two of family name, given name, birth date and sex disagree. This covers the two flat
 * contradictions (birth date and sex; family and given name) and a relative given a family
 * member's number (same family name, other given name and birth date). An identifier outweighs
 * one disagreeing fact (a maiden name, a mistyped birth date), never two.
 */
function contradictsIdentifier(e: Evaluation): boolean {
  const l = e.levels;
  const disagreements = [
    l.family === "disagree",
    l.given === "disagree" || l.given === "initial",
    l.birthDate === "disagree" || l.birthDate === "partial",
    l.sex === "disagree",
  ].filter(Boolean).length;
  return disagreements >= 2;
}

/** A record at the same address with the same family name and birth date but another given name. */
function isTwinOf(a: Evaluation, b: Evaluation, prepared: ReadonlyMap<string, PreparedRecord>): boolean {
  const ra = prepared.get(a.patientId);
  const rb = prepared.get(b.patientId);
  if (ra === undefined || rb === undefined || ra.birthDate === undefined || rb.birthDate === undefined)
    return false;
  const sameDate =
    ra.birthDate.year === rb.birthDate.year &&
    ra.birthDate.month === rb.birthDate.month &&
    ra.birthDate.day === rb.birthDate.day;
  const sameHousehold =
    ra.postalCodes.some((p) => rb.postalCodes.includes(p)) || ra.phones.some((p) => rb.phones.includes(p));
  return sameDate && sameHousehold && ra.family.core === rb.family.core && ra.given.first !== rb.given.first;
}

/**
 * Resolves the hospital's patient to at most one roster patient, most certain rule first:
 * identifier (MRN with its authority and type, or payer member id) unless the demographics flatly
 * contradict it; deterministic demographics (family, given or nickname, birth date, sex, and postal
 * code and phone when both sides have them); then the Fellegi–Sunter score against two thresholds.
 * Whenever two candidates could be the person, or the best one is vetoed, the answer is review:
 * a missed match costs a manual look, a wrong one discloses a patient to the wrong practice.
 * Pure and deterministic: the same input always gives the same result.
 */
export function resolveIdentity(
  incoming: IncomingPatient,
  candidates: readonly Candidate[],
  options: ResolveOptions = {},
): Resolution {
  return resolvePrepared(prepareIncoming(incoming), candidates, options);
}

/**
 * `resolveIdentity` against the candidates the index finds for the patient: the patient is
 * normalized once for both the lookup and the scoring (normalizing is a good part of the cost).
 */
export function resolveThroughIndex(
  incoming: IncomingPatient,
  index: IdentityIndex,
  options: Omit<ResolveOptions, "index"> = {},
): Resolution {
  const inc = prepareIncoming(incoming);
  return resolvePrepared(inc, index.candidatesOfPrepared(inc), { ...options, index });
}

function resolvePrepared(
  inc: PreparedRecord,
  candidates: readonly Candidate[],
  options: ResolveOptions,
): Resolution {
  const thresholds = options.thresholds ?? DEFAULT_THRESHOLDS;
  const margin = options.ambiguityMargin ?? DEFAULT_AMBIGUITY_MARGIN;

  // One evaluation per patient id: the best record (identifier hit first, then score) stands for it.
  const best = new Map<string, Evaluation>();
  const prepared = new Map<string, PreparedRecord>();
  for (const candidate of candidates) {
    const record = options.index?.preparedOf(candidate) ?? prepareCandidate(candidate);
    const e = evaluate(candidate.patientId, inc, record);
    const previous = best.get(e.patientId);
    if (previous === undefined || rank(e) > rank(previous)) {
      best.set(e.patientId, e);
      prepared.set(e.patientId, record);
    }
  }
  const all = [...best.values()].sort(
    (a, b) => b.score - a.score || (a.patientId < b.patientId ? -1 : a.patientId > b.patientId ? 1 : 0),
  );

  const scored = (e: Evaluation, notes: readonly string[] = []): ScoredCandidate => ({
    patientId: e.patientId,
    score: e.score,
    explanation: explain(e, thresholds, notes),
  });
  const review = (
    reason: ReviewReason,
    first: readonly Evaluation[],
    notes: readonly string[],
  ): Resolution => {
    const chosen = new Set(first);
    for (const e of all) if (e.score >= thresholds.lower || e.deterministic) chosen.add(e);
    const list = [...chosen].slice(0, MAX_REVIEW_CANDIDATES).map((e) => scored(e, [...notes, ...e.vetoes]));
    return { outcome: "review", reason, candidates: list };
  };
  const match = (e: Evaluation, method: MatchMethod, notes: readonly string[]): Resolution => ({
    outcome: "match",
    patientId: e.patientId,
    method,
    explanation: explain(e, thresholds, notes),
  });
  const autoMatchable = (e: Evaluation) =>
    e.deterministic || (e.score >= thresholds.upper && e.vetoes.length === 0);

  // (a) identifier
  const hits = all.filter((e) => e.identifier !== undefined);
  if (hits.length > 1)
    return review("identifier-conflict", hits, ["the identifier belongs to several patients"]);
  const hit = hits[0];
  if (hit !== undefined) {
    if (contradictsIdentifier(hit))
      return review("identifier-contradicted", [hit], ["identifier agrees but demographics contradict it"]);
    const rivals = all.filter((e) => e !== hit && autoMatchable(e));
    if (rivals.length > 0)
      return review("ambiguous", [hit, ...rivals], ["another patient matches the demographics"]);
    return match(hit, "identifier", [`${hit.identifier === "mrn" ? "MRN" : "member id"} agrees`]);
  }

  // (b) deterministic, (c) probabilistic: the same ambiguity rules
  const deterministic = all.filter((e) => e.deterministic);
  const top = deterministic[0] ?? all[0];
  if (top === undefined) return { outcome: "no-match" };
  const method: MatchMethod = top.deterministic ? "deterministic" : "probabilistic";
  if (method === "probabilistic" && top.score < thresholds.upper) {
    if (top.score >= thresholds.lower)
      return review("between-thresholds", [top], ["score between the thresholds"]);
    return { outcome: "no-match", best: scored(top) };
  }
  if (method === "probabilistic" && top.vetoes.length > 0) return review("vetoed", [top], []);
  const rivals = all.filter(
    (e) => e !== top && (autoMatchable(e) || (e.score >= thresholds.lower && e.score > top.score - margin)),
  );
  if (rivals.length > 0)
    return review("ambiguous", [top, ...rivals], [`${rivals.length + 1} candidates could be this patient`]);
  if (method === "probabilistic" && top.levels.given !== "exact" && top.levels.given !== "nickname") {
    const twin = all.find((e) => e !== top && isTwinOf(top, e, prepared));
    if (twin !== undefined)
      return review(
        "ambiguous",
        [top, twin],
        ["a twin-like record shares birth date, family name and household"],
      );
  }
  return match(top, method, method === "deterministic" ? ["deterministic demographics agree"] : []);
}

/** Identifier hits rank above everything, then deterministic agreement, then score. */
function rank(e: Evaluation): number {
  return (e.identifier !== undefined ? 2000 : 0) + (e.deterministic ? 1000 : 0) + e.score;
}

function explain(e: Evaluation, thresholds: MatchThresholds, notes: readonly string[]): MatchExplanation {
  return { fields: e.fields, score: e.score, thresholds, identifier: e.identifier, notes };
}
