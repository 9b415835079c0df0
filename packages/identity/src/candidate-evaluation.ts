import { compareRecords, type FieldComparison } from "./compare-fields.ts";
import type { PreparedRecord } from "./identity-record.ts";
import type { AgreementLevel, MatchField } from "./match-weights.ts";

/**
 * One roster record scored against the incoming patient, and the rules read off its field levels:
 * deterministic agreement, the vetoes that keep household look-alikes from auto-matching, and the
 * contradictions that overturn an identifier or another source's record. `resolveIdentity` decides
 * between patients with these; nothing here looks at other candidates except `toldApart` and
 * `isTwinOf`, which compare two.
 */

/** One roster record's comparison with the incoming patient. */
export interface Evaluation {
  readonly patientId: string;
  readonly fields: readonly FieldComparison[];
  readonly levels: Readonly<Record<MatchField, AgreementLevel>>;
  readonly score: number;
  readonly identifier: "mrn" | "member-id" | undefined;
  readonly deterministic: boolean;
  /** Why this candidate may not be auto-matched on its score; empty when it may. */
  readonly vetoes: readonly string[];
  /** How many vetoes are disagreements (a given-name initial or a missing birth date is none). */
  readonly disagreements: number;
}

/** Compares one roster record with the incoming patient and reads the rules off its field levels. */
export function evaluate(patientId: string, incoming: PreparedRecord, candidate: PreparedRecord): Evaluation {
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
  // Middle name and suffix count only when both sides wrote one: then they must not disagree.
  const deterministic =
    levels.family === "exact" &&
    (levels.given === "exact" || levels.given === "nickname") &&
    levels.middle !== "disagree" &&
    levels.suffix !== "disagree" &&
    levels.birthDate === "exact" &&
    levels.sex === "agree" &&
    agreesOrMissing(levels.postalCode) &&
    agreesOrMissing(levels.phone);
  const vetoes: string[] = [];
  if (levels.given === "disagree" || levels.given === "initial")
    vetoes.push("given name disagrees: never auto-matched on score (twins, siblings)");
  if (levels.middle === "disagree")
    vetoes.push("middle name disagrees: never auto-matched on demographics (twins, siblings of one name)");
  if (levels.suffix === "disagree")
    vetoes.push(
      "name suffix disagrees (Jr/Sr, II/III): never auto-matched on demographics (parent and child)",
    );
  if (levels.birthDate === "disagree" || levels.birthDate === "partial")
    vetoes.push("birth date disagrees: never auto-matched on score (parent and child of one name)");
  const disagreements = vetoes.length - (levels.given === "initial" ? 1 : 0);
  // Without a birth date a score rests on name and household contact, which relatives share.
  if (levels.birthDate === "missing")
    vetoes.push(
      "birth date missing: never auto-matched on score (a parent and child of one name share the rest)",
    );
  return { patientId, fields, levels, score, identifier, deterministic, vetoes, disagreements };
}

/**
 * Identifier agreed but the demographics say another person (a reused number, a typo in the MRN):
 * at least two of family name, given name, birth date, sex and generational suffix disagree. This
 * covers the two flat contradictions (birth date and sex; family and given name), a relative given
 * a family member's number (same family name, other given name and birth date), and a junior
 * registered under his father's number (birth dates a generation apart, Jr against Sr). An
 * identifier outweighs one disagreeing fact (a maiden name, a mistyped birth date), never two.
 *
 * The suffix counts because Jr against Sr (or II against III) names another generation of the
 * family, exactly the person a shared or mistyped number points to, and one person's records
 * almost never disagree on it. The middle name does not: registration drops it, swaps it with the
 * given name or keeps an initial (m = .15 of disagreeing for one person), so counting it would let
 * a sloppy middle plus one honest error (a maiden name) overturn a hospital's own MRN. Twins of one
 * given name carry different MRNs; the middle name keeps them apart in the demographic rules.
 */
export function contradictsIdentifier(e: Evaluation): boolean {
  const l = e.levels;
  const disagreements = [
    l.family === "disagree",
    l.given === "disagree" || l.given === "initial",
    l.birthDate === "disagree" || l.birthDate === "partial",
    l.sex === "disagree",
    l.suffix === "disagree",
  ].filter(Boolean).length;
  return disagreements >= 2;
}

/**
 * A patient's record that says the incoming patient is someone else: it contradicts an identifier,
 * or it would itself be vetoed for a disagreement (given or middle name, suffix, birth date). When
 * several sources describe one patient, such a record stops a demographic auto-match: a stale or
 * wrong source may cost a review, never win a match for the wrong person.
 */
export function contradicts(e: Evaluation): boolean {
  return e.disagreements > 0 || contradictsIdentifier(e);
}

/**
 * The incoming patient's middle name or suffix agrees with the top candidate and disagrees with
 * this one: twins or a father and son of one name, told apart by what the hospital wrote. Such a
 * relative is not a rival for the top candidate, although the weak weights of these fields leave
 * its score within the ambiguity margin.
 */
export function toldApart(e: Evaluation, top: Evaluation): boolean {
  const middle =
    e.levels.middle === "disagree" && (top.levels.middle === "exact" || top.levels.middle === "initial");
  const suffix = e.levels.suffix === "disagree" && top.levels.suffix === "agree";
  return middle || suffix;
}

/** A record at the same address with the same family name and birth date but another given name. */
export function isTwinOf(
  a: Evaluation,
  b: Evaluation,
  prepared: ReadonlyMap<string, PreparedRecord>,
): boolean {
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

/** Identifier hits rank above everything, then deterministic agreement, then score. */
export function rank(e: Evaluation): number {
  return (e.identifier !== undefined ? 2000 : 0) + (e.deterministic ? 1000 : 0) + e.score;
}
