import type { AdtEvent } from "@homeward/contracts";
import type { Pool } from "@homeward/db";
import { type IdentityIndex, resolveIdentity } from "@homeward/identity";
import { chunkRecords, type OutgoingRecord } from "@homeward/kafka";
import type { Logger } from "@homeward/logger";
import { encounterId, encounterKey } from "./encounter.ts";
import { type MatchOutcome, planBatch, type ResolvedEvent } from "./match-plan.ts";
import type { OutputTopics } from "./match-records.ts";
import { addIdentifiers, loadEncounters, loadRecentVisits, saveBatchOutcome } from "./matcher-store.ts";
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
      if (await mergeIdentities(event, deps)) {
        outcomes.push("merged");
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
    resolution: resolveIdentity(event.patient, index.candidatesFor(event.patient), { index }),
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
 * (audited) and the index reloaded, so the next event under the new MRN finds them. True when that
 * happened; otherwise the event is matched like any other (and is not announced).
 */
async function mergeIdentities(event: AdtEvent, deps: MatcherDeps): Promise<boolean> {
  const { index } = deps.reference();
  const prior = { ...event.patient, identifiers: event.merge?.priorIdentifiers ?? [] };
  const resolution = resolveIdentity(prior, index.candidatesFor(prior), { index });
  if (resolution.outcome !== "match" || resolution.method !== "identifier") return false;
  const added = await addIdentifiers(deps.pool, resolution.patientId, event);
  if (added > 0) await deps.referenceChanged();
  return true;
}
