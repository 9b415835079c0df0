import {
  contradicts,
  contradictsIdentifier,
  type Evaluation,
  evaluate,
  isTwinOf,
  rank,
  toldApart,
} from "./candidate-evaluation.ts";
import type { FieldComparison } from "./compare-fields.ts";
import type { IdentityIndex } from "./identity-index.ts";
import {
  type Candidate,
  type IncomingPatient,
  type PreparedRecord,
  prepareCandidate,
  prepareIncoming,
} from "./identity-record.ts";

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

/**
 * Resolves the hospital's patient to at most one roster patient, most certain rule first:
 * identifier (MRN with its authority and type, or payer member id) unless the demographics flatly
 * contradict it; deterministic demographics (family, given or nickname, birth date, sex, and postal
 * code and phone when both sides have them, middle name and suffix not disagreeing when both sides
 * have them); then the Fellegi–Sunter score against two thresholds. Whenever two candidates could
 * be the person, the best one is vetoed, or another source's record of the chosen patient
 * contradicts the incoming one, the answer is review: a missed match costs a manual look, a wrong
 * one discloses a patient to the wrong practice (household look-alikes: parent and child of one
 * name, Sr and Jr, twins told apart by the middle name, never auto-match one another).
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

  // A patient may have several records (one per source). The best one (identifier hit first,
  // then deterministic agreement, then score) stands for the patient in ranking and review; the
  // others can only take a match away (see `contradicts`).
  const best = new Map<string, Evaluation>();
  const prepared = new Map<string, PreparedRecord>();
  const recordsOf = new Map<string, Evaluation[]>();
  for (const candidate of candidates) {
    const record = options.index?.preparedOf(candidate) ?? prepareCandidate(candidate);
    const e = evaluate(candidate.patientId, inc, record);
    const records = recordsOf.get(e.patientId);
    if (records === undefined) recordsOf.set(e.patientId, [e]);
    else records.push(e);
    const previous = best.get(e.patientId);
    if (previous === undefined || rank(e) > rank(previous)) {
      best.set(e.patientId, e);
      prepared.set(e.patientId, record);
    }
  }
  const othersContradict = (e: Evaluation) =>
    (recordsOf.get(e.patientId) ?? []).some((r) => r !== e && contradicts(r));
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
    if ((recordsOf.get(hit.patientId) ?? []).some(contradictsIdentifier))
      return review(
        "identifier-contradicted",
        [hit],
        ["identifier agrees but another source's demographics for this patient contradict it"],
      );
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
    (e) =>
      e !== top &&
      !toldApart(e, top) &&
      (autoMatchable(e) || (e.score >= thresholds.lower && e.score > top.score - margin)),
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
  if (othersContradict(top))
    return review("vetoed", [top], ["another source's demographics for this patient disagree"]);
  return match(top, method, method === "deterministic" ? ["deterministic demographics agree"] : []);
}

function explain(e: Evaluation, thresholds: MatchThresholds, notes: readonly string[]): MatchExplanation {
  return { fields: e.fields, score: e.score, thresholds, identifier: e.identifier, notes };
}
