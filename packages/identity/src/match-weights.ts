/**
 * Fellegi–Sunter weights. For each field and agreement level, m = P(level | same person) and
 * u = P(level | different people); the level's weight is log2(m / u), so a total score is the log2
 * likelihood ratio "same person : different people" under the usual independence assumption.
 * A missing field (blank on either side) weighs 0: absence is not evidence.
 *
 * Why these values (per level, m then u):
 * - family name: exact .90 / .002 — registration typos and name changes take ~10% of true pairs;
 *   summed squared US surname frequencies put random agreement near 1 in 500 (Smith alone is ~0.8%).
 *   compound .02 / .0005 — one half of a hyphenated or two-part name. close (one edit, or
 *   Jaro–Winkler ≥ .94) .03 / .001. similar (JW ≥ .88) .01 / .01: no evidence either way.
 *   disagree .04 / .9865 — maiden or married names are why m is not near 0.
 * - given name: exact .85 / .004 (given names are more concentrated than surnames); nickname
 *   .07 / .002; close .04 / .002; similar .01 / .01; initial only .01 / .02; disagree .02 / .962.
 * - middle name: exact .60 / .05; initial .25 / .07; disagree .15 / .88 (often dropped or swapped
 *   with the given name, so it counts for little either way; twins and siblings of one given name
 *   are kept apart by the vetoes in resolve-identity.ts, not by this weight).
 * - generational suffix (Jr, Sr, II, III), among pairs where both sides wrote one: agree .97 / .45
 *   (Jr is most of them, so two strangers' suffixes often agree); disagree .03 / .55 — one system
 *   writing Jr where the other wrote Sr is rare for one person and the rule for father and son.
 * - birth date: exact .95 / .00005 (about 1 in 20,000 for two random adults); day and month
 *   swapped .012 / .00005; one part off by one or one digit wrong .02 / .0004; two of three parts
 *   agree, or day and month swapped with a one-digit year slip, .01 / .004 (the swap-and-slip alone
 *   is rarer than that among strangers, so the level understates it); disagree .008 / .9955, which
 *   includes every pair of years a decade or more apart.
 * - sex: agree .98 / .5; disagree .02 / .5 (registration errors and changed markers).
 * - postal code (5 digits): agree .85 / .02 — a regional roster concentrates in few ZIP codes,
 *   so random agreement is far above 1/40,000; disagree .15 / .98 (people move).
 * - phone (last 10 digits): agree .70 / .001 — u is raised from ~1e-7 because households share a
 *   number and the independence assumption fails exactly there; disagree .30 / .999 (numbers change).
 * The benchmark (docs/benchmarks.md, section matching) measures what these weights do on synthetic
 * traffic and is where the thresholds come from.
 */

/** The fields compared. */
export type MatchField =
  | "family"
  | "given"
  | "middle"
  | "suffix"
  | "birthDate"
  | "sex"
  | "postalCode"
  | "phone";

/** Agreement levels, from full agreement to disagreement; `missing` when either side is blank. */
export type AgreementLevel =
  | "exact"
  | "compound"
  | "nickname"
  | "close"
  | "similar"
  | "initial"
  | "transposed"
  | "off-by-one"
  | "partial"
  | "agree"
  | "disagree"
  | "missing";

/** One level's m and u probabilities. */
export interface MuProbabilities {
  readonly m: number;
  readonly u: number;
}

/** The m/u table (see the module comment for where each number comes from). */
export const MU_PROBABILITIES = {
  family: {
    exact: { m: 0.9, u: 0.002 },
    compound: { m: 0.02, u: 0.0005 },
    close: { m: 0.03, u: 0.001 },
    similar: { m: 0.01, u: 0.01 },
    disagree: { m: 0.04, u: 0.9865 },
  },
  given: {
    exact: { m: 0.85, u: 0.004 },
    nickname: { m: 0.07, u: 0.002 },
    close: { m: 0.04, u: 0.002 },
    similar: { m: 0.01, u: 0.01 },
    initial: { m: 0.01, u: 0.02 },
    disagree: { m: 0.02, u: 0.962 },
  },
  middle: {
    exact: { m: 0.6, u: 0.05 },
    initial: { m: 0.25, u: 0.07 },
    disagree: { m: 0.15, u: 0.88 },
  },
  suffix: {
    agree: { m: 0.97, u: 0.45 },
    disagree: { m: 0.03, u: 0.55 },
  },
  birthDate: {
    exact: { m: 0.95, u: 0.00005 },
    transposed: { m: 0.012, u: 0.00005 },
    "off-by-one": { m: 0.02, u: 0.0004 },
    partial: { m: 0.01, u: 0.004 },
    disagree: { m: 0.008, u: 0.9955 },
  },
  sex: {
    agree: { m: 0.98, u: 0.5 },
    disagree: { m: 0.02, u: 0.5 },
  },
  postalCode: {
    agree: { m: 0.85, u: 0.02 },
    disagree: { m: 0.15, u: 0.98 },
  },
  phone: {
    agree: { m: 0.7, u: 0.001 },
    disagree: { m: 0.3, u: 0.999 },
  },
} as const satisfies Record<MatchField, Partial<Record<AgreementLevel, MuProbabilities>>>;

/** log2(m / u), rounded to hundredths so explanations are stable and readable. */
export function agreementWeight(p: MuProbabilities): number {
  return Math.round(Math.log2(p.m / p.u) * 100) / 100;
}

const WEIGHTS: ReadonlyMap<string, number> = new Map(
  Object.entries(MU_PROBABILITIES).flatMap(([field, levels]) =>
    Object.entries(levels).map(([level, p]): [string, number] => [`${field}:${level}`, agreementWeight(p)]),
  ),
);

/** The weight of a field at a level; 0 for `missing` and for a level the field does not have. */
export function fieldWeight(field: MatchField, level: AgreementLevel): number {
  return WEIGHTS.get(`${field}:${level}`) ?? 0;
}

/** The highest score a pair can reach (every field at its best level): the scale of the thresholds. */
export function maximumScore(): number {
  let total = 0;
  for (const field of Object.keys(MU_PROBABILITIES) as MatchField[]) {
    const levels: Partial<Record<AgreementLevel, MuProbabilities>> = MU_PROBABILITIES[field];
    total += Math.max(...Object.values(levels).map((p) => agreementWeight(p)));
  }
  return Math.round(total * 100) / 100;
}
