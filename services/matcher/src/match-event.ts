import type { AdtEvent } from "@homeward/contracts";
import type { Pool } from "@homeward/db";
import { type IdentityIndex, resolveThroughIndex } from "@homeward/identity";
import { chunkRecords, type OutgoingRecord } from "@homeward/kafka";
import type { Logger } from "@homeward/logger";
import { encounterId, encounterKey } from "./encounter.ts";
import { type MatchOutcome, planBatch, type ResolvedEvent } from "./match-plan.ts";
import { type OutputTopics, unmatchedMessage, unmatchedRecord } from "./match-records.ts";
import {
  addIdentifiers,
  identifierOwners,
  loadEncounters,
  loadRecentVisits,
  saveBatchOutcome,
} from "./matcher-store.ts";
import type { ReferenceData } from "./reference-data.ts";
import type { UtilizerThresholds } from "./utilizer-flags.ts";

export interface MatcherDeps {
  /** The current reference data and its identity index (swapped whole when reloaded). */
  reference: () => { data: ReferenceData; index: IdentityIndex };
  pool: Pool;
  /** acks=all write; resolves when durable. */
  publish: (records: OutgoingRecord[]) => Promise<void>;
  topics: OutputTopics;
  thresholds: UtilizerThresholds;
  now: () => Date;
  logger: Logger;
  /** Reloads the reference data (after a merge added identifiers), resolving when done. */
  referenceChanged: () => Promise<void>;
}

export type { MatchOutcome } from "./match-plan.ts";
export { matchIdOf } from "./match-records.ts";

/**
 * A batch of events (in partition order) through the matcher: who is each about (identity
 * resolution), which encounter (state, retractions), whom to tell (routing); then all the batch's
 * Kafka records in one acks=all write and, only after they are durable, everything stored in one
 * statement. Round trips are per batch, not per event: two reads, one write to Kafka, one to
 * PostgreSQL. A redelivered event finds its encounter already updated and sends nothing new; if the
 * process died between the Kafka write and the store, the batch recomputes the same records (same
 * match ids). Returns one outcome per event, in order.
 *
 * A merge (A40) that moves identifiers ends the batch's first part: what came before it is sent
 * and stored, the identifiers are added and the index reloaded, and what comes after is matched
 * with the new index, as when events were handled one at a time.
 */
export async function matchEvents(events: readonly AdtEvent[], deps: MatcherDeps): Promise<MatchOutcome[]> {
  const outcomes: MatchOutcome[] = [];
  let pending: AdtEvent[] = [];
  for (const event of events) {
    if (event.kind === "merge" && (event.merge?.priorIdentifiers.length ?? 0) > 0) {
      outcomes.push(...(await matchPart(pending, deps)));
      pending = [];
      const merged = await mergeIdentities(event, deps);
      if (merged !== undefined) {
        outcomes.push(merged);
        continue;
      }
    }
    pending.push(event);
  }
  outcomes.push(...(await matchPart(pending, deps)));
  return outcomes;
}

async function matchPart(events: readonly AdtEvent[], deps: MatcherDeps): Promise<MatchOutcome[]> {
  if (events.length === 0) return [];
  const { data, index } = deps.reference();
  const resolved: ResolvedEvent[] = events.map((event) => ({
    event,
    resolution: resolveThroughIndex(event.patient, index),
  }));
  const keys = new Map<string, { facility: string; visitNumber: string }>();
  const patients = new Set<string>();
  for (const { event, resolution } of resolved) {
    if (resolution.outcome !== "match") continue;
    const key = encounterKey(event);
    keys.set(encounterId(key), key);
    patients.add(resolution.patientId);
  }
  const [encounters, visits] = await Promise.all([
    loadEncounters(deps.pool, [...keys.values()]),
    loadRecentVisits(deps.pool, [...patients]),
  ]);
  const plan = planBatch(
    resolved,
    { encounters, visits },
    { data, topics: deps.topics, thresholds: deps.thresholds, now: deps.now() },
  );
  // In runs small enough for the broker (a batch's records may all share a partition), in order;
  // stored only once every run is durable.
  for (const records of chunkRecords(plan.records)) await deps.publish(records);
  await saveBatchOutcome(deps.pool, plan.writes);
  return plan.outcomes;
}

/**
 * A40 and friends: the hospital says the prior identifiers (MRG) are now the patient's (PID). When
 * the roster knows the person by a prior identifier, the new identifiers are added to that person
 * (audited) and the index reloaded, so the next event under the new MRN finds them ("merged").
 * When the surviving identifiers already name another roster patient, nothing is joined and the
 * merge waits in the review queue ("review"). Undefined when the roster does not know the prior
 * identifiers: the event is then matched like any other (and is not announced).
 */
async function mergeIdentities(event: AdtEvent, deps: MatcherDeps): Promise<"merged" | "review" | undefined> {
  const priorIdentifiers = event.merge?.priorIdentifiers ?? [];
  const [priorOwners, survivorOwners] = await Promise.all([
    identifierOwners(deps.pool, priorIdentifiers),
    identifierOwners(deps.pool, event.patient.identifiers),
  ]);
  // The prior and the surviving identifiers name different roster patients: the hospital says they
  // are one person, our rosters say two. Joining them on the hospital's word could route one
  // person's alerts to the other's practice, so a person decides (review queue).
  const owners = [...new Set([...priorOwners, ...survivorOwners])];
  if (priorOwners.length > 0 && owners.length > 1) {
    await holdMergeForReview(event, owners, deps);
    return "review";
  }
  const { index } = deps.reference();
  const prior = { ...event.patient, identifiers: priorIdentifiers };
  const resolution = resolveThroughIndex(prior, index);
  if (resolution.outcome !== "match" || resolution.method !== "identifier") return undefined;
  const added = await addIdentifiers(deps.pool, resolution.patientId, event);
  if (added > 0) await deps.referenceChanged();
  return "merged";
}

/** A merge that would join two roster patients: on adt.unmatched.v1 and in the review queue. */
async function holdMergeForReview(event: AdtEvent, patientIds: readonly string[], deps: MatcherDeps) {
  const { index } = deps.reference();
  const scored = resolveThroughIndex(event.patient, index);
  const candidates = patientIds.map((patientId) => {
    const known =
      scored.outcome === "review" ? scored.candidates.find((c) => c.patientId === patientId) : undefined;
    return (
      known ?? {
        patientId,
        score: 0,
        explanation: {
          fields: [],
          score: 0,
          thresholds: { upper: 0, lower: 0 },
          notes: ["holds an identifier of the merge"],
        },
      }
    );
  });
  const review = { outcome: "review" as const, reason: "identifier-conflict" as const, candidates };
  await deps.publish([
    unmatchedMessage(deps.topics, event, unmatchedRecord(event, review, deps.now().toISOString())),
  ]);
  await saveBatchOutcome(deps.pool, {
    encounters: [],
    suppressed: [],
    reviews: [{ event, reason: review.reason, candidates }],
  });
}
