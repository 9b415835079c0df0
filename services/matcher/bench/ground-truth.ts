/**
 * Scores matching decisions against the identity generator's ground truth (which person each event
 * is about, and whether the roster holds them), for decisions taken two ways: by the identity library
 * in process (`libraryDecisions`, what packages/identity/bench measures) and by the running matcher
 * service, read back from its output topics (`serviceDecisions`). Both name roster patients by the
 * generator's ids, so they can be tallied alike and compared event by event.
 */
import { MatchedEvent, parseContract, UnmatchedEvent } from "@homeward/contracts";
import {
  buildIdentityIndex,
  type Candidate,
  resolveThroughIndex,
  type SyntheticEvent,
} from "@homeward/identity";
import type { BatchRecord } from "@homeward/kafka";

/** What was decided about one event; patients are named by the generator's roster ids. */
export type Decision =
  | { readonly outcome: "match"; readonly patientId: string; readonly method: string }
  | { readonly outcome: "review"; readonly candidates: readonly string[] }
  | { readonly outcome: "no-match" };

export interface Tally {
  events: number;
  memberEvents: number;
  nonMemberEvents: number;
  /** Auto-matched to the roster patient the event is about. */
  correct: number;
  /** Auto-matched to another roster patient than the member the event is about. */
  wrongPatient: number;
  /** Auto-matched although the person is not on the roster. */
  nonMemberMatched: number;
  review: number;
  /** Member events in review with the right patient among the candidates. */
  reviewWithTruth: number;
  noMatch: number;
  /** Events with no decision at all (no output, or one that is neither a match nor unmatched). */
  undecided: number;
  byMethod: Record<string, number>;
}

export function tallyDecisions(
  events: readonly SyntheticEvent[],
  decisions: readonly (Decision | undefined)[],
): Tally {
  const t: Tally = {
    events: events.length,
    memberEvents: 0,
    nonMemberEvents: 0,
    correct: 0,
    wrongPatient: 0,
    nonMemberMatched: 0,
    review: 0,
    reviewWithTruth: 0,
    noMatch: 0,
    undecided: 0,
    byMethod: {},
  };
  events.forEach(({ truth }, i) => {
    if (truth.patientId === undefined) t.nonMemberEvents++;
    else t.memberEvents++;
    const d = decisions[i];
    if (d === undefined) t.undecided++;
    else if (d.outcome === "match") {
      t.byMethod[d.method] = (t.byMethod[d.method] ?? 0) + 1;
      if (d.patientId === truth.patientId) t.correct++;
      else if (truth.patientId === undefined) t.nonMemberMatched++;
      else t.wrongPatient++;
    } else if (d.outcome === "review") {
      t.review++;
      if (truth.patientId !== undefined && d.candidates.includes(truth.patientId)) t.reviewWithTruth++;
    } else t.noMatch++;
  });
  return t;
}

export const falseMatches = (t: Tally): number => t.wrongPatient + t.nonMemberMatched;
/** Share of auto-matches that name the right roster patient (NaN without any auto-match). */
export const precision = (t: Tally): number => t.correct / (t.correct + falseMatches(t));
/** Share of member events auto-matched to the right patient. */
export const recall = (t: Tally): number => t.correct / t.memberEvents;

/** Each event resolved by the identity library in process, against the roster as generated. */
export function libraryDecisions(
  roster: readonly Candidate[],
  events: readonly SyntheticEvent[],
): Decision[] {
  const index = buildIdentityIndex(roster);
  return events.map((e) => {
    const r = resolveThroughIndex(e.patient, index);
    if (r.outcome === "match") return { outcome: "match", patientId: r.patientId, method: r.method };
    if (r.outcome === "review")
      return { outcome: "review", candidates: r.candidates.map((c) => c.patientId) };
    return { outcome: "no-match" };
  });
}

/** The service's decisions, and what in its outputs does not fit "one decision per event". */
export interface ServiceDecisions {
  /** By event index; undefined when the event had no output that decides it. */
  decisions: (Decision | undefined)[];
  /** Output records per event index (1 expected for each). */
  recordsPerEvent: number[];
  /** Records that are no valid MatchedEvent / UnmatchedEvent v1, or about no event of the run. */
  unreadable: number;
  /** Unmatched records with a reason other than no-match or review (e.g. suppressed), by reason. */
  otherReasons: Record<string, number>;
  /** Patient ids in the outputs that are no seeded roster row. */
  unknownPatients: number;
}

/**
 * Reads the matcher's outputs back into decisions: an announcement on adt.matched.v1 is a match to
 * its `patientId` (a PostgreSQL id, mapped back through `rosterIdOf`); adt.unmatched.v1 says review
 * (with its candidates) or no-match. `eventIds[i]` is the id of event `i`.
 */
export function serviceDecisions(
  eventIds: readonly string[],
  records: readonly BatchRecord[],
  matchedTopic: string,
  rosterIdOf: ReadonlyMap<string, string>,
): ServiceDecisions {
  const indexOf = new Map(eventIds.map((id, i) => [id, i]));
  const out: ServiceDecisions = {
    decisions: eventIds.map(() => undefined),
    recordsPerEvent: eventIds.map(() => 0),
    unreadable: 0,
    otherReasons: {},
    unknownPatients: 0,
  };
  const rosterId = (patientId: string) => {
    const id = rosterIdOf.get(patientId);
    if (id === undefined) out.unknownPatients++;
    return id ?? `unknown:${patientId}`;
  };
  for (const record of records) {
    const parsed =
      record.topic === matchedTopic
        ? parseContract(MatchedEvent, record.value)
        : parseContract(UnmatchedEvent, record.value);
    const i = parsed === undefined ? undefined : indexOf.get(parsed.event.eventId);
    if (parsed === undefined || i === undefined) {
      out.unreadable++;
      continue;
    }
    out.recordsPerEvent[i] = (out.recordsPerEvent[i] ?? 0) + 1;
    let decision: Decision | undefined;
    if ("matchId" in parsed) {
      if (parsed.kind === "announcement")
        decision = { outcome: "match", patientId: rosterId(parsed.patientId), method: parsed.match.method };
    } else if (parsed.reason === "review") {
      decision = {
        outcome: "review",
        candidates: (parsed.candidates ?? []).map((c) => rosterId(c.patientId)),
      };
    } else if (parsed.reason === "no-match") decision = { outcome: "no-match" };
    else out.otherReasons[parsed.reason] = (out.otherReasons[parsed.reason] ?? 0) + 1;
    if (decision !== undefined) out.decisions[i] = decision;
  }
  return out;
}

const sameDecision = (a: Decision | undefined, b: Decision | undefined): boolean => {
  if (a === undefined || b === undefined) return a === b;
  if (a.outcome === "match" && b.outcome === "match")
    return a.patientId === b.patientId && a.method === b.method;
  if (a.outcome === "review" && b.outcome === "review")
    return [...a.candidates].sort().join() === [...b.candidates].sort().join();
  return a.outcome === b.outcome;
};

/**
 * Events on which adt.unmatched.v1 and the review queue table disagree: a review record without
 * its queue row (or the reverse), or other candidates. `queue` names patients by PostgreSQL id.
 */
export function reviewQueueDisagreements(
  eventIds: readonly string[],
  decisions: readonly (Decision | undefined)[],
  queue: ReadonlyMap<string, readonly string[]>,
  rosterIdOf: ReadonlyMap<string, string>,
): number {
  let disagreements = 0;
  eventIds.forEach((eventId, i) => {
    const d = decisions[i];
    const row = queue.get(eventId);
    if (d?.outcome !== "review" || row === undefined) {
      if (d?.outcome === "review" || row !== undefined) disagreements++;
      return;
    }
    const queued = row.map((id) => rosterIdOf.get(id) ?? `unknown:${id}`);
    if (!sameDecision(d, { outcome: "review", candidates: queued })) disagreements++;
  });
  return disagreements;
}

/** Events decided differently by `a` and `b` (outcome, patient, method or review candidates), by index. */
export function differingDecisions(
  a: readonly (Decision | undefined)[],
  b: readonly (Decision | undefined)[],
): number[] {
  const differ: number[] = [];
  for (let i = 0; i < Math.max(a.length, b.length); i++) if (!sameDecision(a[i], b[i])) differ.push(i);
  return differ;
}

/** Short text of a decision, without patient data, for reports. */
export function describeDecision(d: Decision | undefined): string {
  if (d === undefined) return "none";
  if (d.outcome === "match") return `match ${d.patientId} (${d.method})`;
  if (d.outcome === "review") return `review [${d.candidates.join(", ")}]`;
  return "no-match";
}
