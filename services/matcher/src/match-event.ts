import { createHash } from "node:crypto";
import {
  type AdtEvent,
  adtEventPartitionKey,
  type MatchExplanation,
  type MatchedEvent,
  type UnmatchedEvent,
} from "@homeward/contracts";
import type { Pool } from "@homeward/db";
import { type IdentityIndex, type Resolution, resolveIdentity } from "@homeward/identity";
import type { OutgoingRecord } from "@homeward/kafka";
import type { Logger } from "@homeward/logger";
import { applyEvent, type Encounter, encounterKey } from "./encounter.ts";
import { addIdentifiers, loadEncounter, patientVisits, saveMatchOutcome } from "./matcher-store.ts";
import type { ReferenceData } from "./reference-data.ts";
import { type PatientContext, routeEvent } from "./routing.ts";
import { type UtilizerThresholds, utilizerFlags } from "./utilizer-flags.ts";

export interface MatcherDeps {
  /** The current reference data and its identity index (swapped whole when reloaded). */
  reference: () => { data: ReferenceData; index: IdentityIndex };
  pool: Pool;
  /** acks=all write; resolves when durable. */
  publish: (records: OutgoingRecord[]) => Promise<void>;
  topics: { matched: string; unmatched: string };
  thresholds: UtilizerThresholds;
  now: () => Date;
  logger: Logger;
  /** Reloads the reference data (after a merge added identifiers), resolving when done. */
  referenceChanged: () => Promise<void>;
}

export type MatchOutcome =
  | "matched"
  | "no-match"
  | "review"
  | "suppressed"
  | "not-announced"
  | "replay"
  | "merged";

/** `adt.matched.v1` record id for (event, organization): the same inputs always give the same id. */
export function matchIdOf(eventId: string, organizationId: string): string {
  const h = createHash("sha256").update(`${eventId}|${organizationId}`).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/**
 * One event through the matcher: who is it (identity resolution), which encounter (state,
 * retractions), whom to tell (routing), then the Kafka records and, only after they are durable,
 * the stored encounter. A redelivered event finds its encounter already updated and sends nothing
 * new; if the process died between the two, it recomputes the same records (same match ids).
 */
export async function matchEvent(event: AdtEvent, deps: MatcherDeps): Promise<MatchOutcome> {
  const { data, index } = deps.reference();
  const now = deps.now().toISOString();
  if (event.kind === "merge" && event.merge !== undefined && event.merge.priorIdentifiers.length > 0) {
    const merged = await mergeIdentities(event, deps);
    if (merged) return "merged";
  }
  const resolution = resolveIdentity(event.patient, index.candidatesFor(event.patient), { index });
  if (resolution.outcome !== "match") {
    const unmatched = unmatchedRecord(event, resolution, now);
    await deps.publish([unmatchedMessage(deps, event, unmatched)]);
    await saveMatchOutcome(deps.pool, {
      review:
        resolution.outcome === "review"
          ? { event, reason: resolution.reason, candidates: resolution.candidates }
          : undefined,
    });
    return resolution.outcome;
  }

  const key = encounterKey(event);
  const previous = await loadEncounter(deps.pool, key);
  const update = applyEvent(previous, event);
  if (update.replay) return "replay";

  const sensitive =
    event.flags.sensitiveFacility ||
    data.sensitive.has(event.facility.sendingFacility) ||
    data.sensitive.has(`${event.facility.sendingFacility}|${event.visit?.location?.pointOfCare ?? ""}`);
  const routedEvent = sensitive ? { ...event, flags: { ...event.flags, sensitiveFacility: true } } : event;
  const context: PatientContext = data.contexts.get(resolution.patientId) ?? {
    patientId: resolution.patientId,
    attributions: [],
    enrollments: [],
    optOuts: [],
  };
  const routing = routeEvent(routedEvent, context, data.directory);
  const visits = await patientVisits(deps.pool, resolution.patientId, key, update.encounter);
  const flags = utilizerFlags(
    visits,
    {
      encounterKey: `${key.facility}|${key.visitNumber}`,
      setting: update.encounter.setting,
      at: event.occurredAt,
    },
    deps.thresholds,
  );
  const explanation = explain(resolution);

  const records: OutgoingRecord[] = [];
  for (const route of routing.routes) {
    const practice = data.practices.get(route.organizationId);
    if (practice === undefined) continue;
    const base = {
      schemaVersion: 1 as const,
      event,
      patientId: resolution.patientId,
      practice: { organizationId: route.organizationId, ...practice },
      ...(route.attribution === undefined ? {} : { attribution: route.attribution }),
      ...(route.enrollment === undefined
        ? {}
        : {
            enrollment: {
              program: route.enrollment.program,
              riskTier: route.enrollment.riskTier ?? "III",
              status: route.enrollment.status,
              leadOrganization: route.enrollment.leadOrganization ?? "practice",
              copy: route.copy,
            },
          }),
      recipients: route.recipients,
      flags,
      encounter: { ...key, setting: update.encounter.setting, status: update.encounter.status },
      match: explanation,
      matchedAt: now,
    };
    if (update.announce) {
      records.push(
        matchedMessage(deps, {
          ...base,
          matchId: matchIdOf(event.eventId, route.organizationId),
          kind: "announcement",
        }),
      );
    }
    for (const retracted of update.retract) {
      records.push(
        matchedMessage(deps, {
          ...base,
          matchId: matchIdOf(`${event.eventId}|retracts|${retracted}`, route.organizationId),
          kind: "retraction",
          retracts: { eventId: retracted, matchId: matchIdOf(retracted, route.organizationId) },
        }),
      );
    }
  }
  const suppressedAll = routing.routes.length === 0 && routing.suppressed.length > 0;
  if (suppressedAll) {
    const detail = [...new Set(routing.suppressed.map((s) => s.reason))].join("; ");
    records.push(
      unmatchedMessage(deps, event, {
        schemaVersion: 1,
        event,
        reason: "suppressed",
        detail,
        decidedAt: now,
      }),
    );
  }
  await deps.publish(records);
  await saveMatchOutcome(deps.pool, {
    encounter: { encounter: update.encounter, patientId: resolution.patientId },
    suppressed: routing.suppressed.map((s) => ({
      ...s,
      eventId: event.eventId,
      patientId: resolution.patientId,
    })),
  });
  if (suppressedAll) return "suppressed";
  return update.announce || update.retract.length > 0 ? "matched" : "not-announced";
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

function matchedMessage(deps: MatcherDeps, record: MatchedEvent): OutgoingRecord {
  return {
    topic: deps.topics.matched,
    key: record.patientId,
    value: JSON.stringify(record),
    headers: { "content-type": "application/json", "match-id": record.matchId },
  };
}

function unmatchedMessage(deps: MatcherDeps, event: AdtEvent, record: UnmatchedEvent): OutgoingRecord {
  return {
    topic: deps.topics.unmatched,
    key: adtEventPartitionKey(event),
    value: JSON.stringify(record),
    headers: { "content-type": "application/json", "event-id": event.eventId },
  };
}

function unmatchedRecord(
  event: AdtEvent,
  resolution: Exclude<Resolution, { outcome: "match" }>,
  now: string,
): UnmatchedEvent {
  if (resolution.outcome === "review") {
    return {
      schemaVersion: 1,
      event,
      reason: "review",
      detail: resolution.reason,
      candidates: resolution.candidates.map((c) => ({
        patientId: c.patientId,
        score: c.score,
        explanation: {
          method: "probabilistic",
          score: c.score,
          thresholds: c.explanation.thresholds,
          fields: fieldsOf(c.explanation),
        },
      })),
      decidedAt: now,
    };
  }
  return { schemaVersion: 1, event, reason: "no-match", decidedAt: now };
}

type IdentityExplanation = Extract<Resolution, { outcome: "match" }>["explanation"];

function fieldsOf(e: IdentityExplanation): MatchExplanation["fields"] {
  return e.fields.map((f) => ({ field: f.field, agreement: agreementOf(f.level), weight: f.weight }));
}

/** The identity library's finer levels, folded into the contract's five. */
function agreementOf(level: string): MatchExplanation["fields"][number]["agreement"] {
  switch (level) {
    case "exact":
    case "agree":
      return "exact";
    case "compound":
    case "nickname":
      return "equivalent";
    case "disagree":
      return "disagree";
    case "missing":
      return "missing";
    default:
      return "partial";
  }
}

function explain(resolution: Extract<Resolution, { outcome: "match" }>): MatchExplanation {
  return {
    method: resolution.method,
    score: resolution.explanation.score,
    thresholds: resolution.explanation.thresholds,
    fields: fieldsOf(resolution.explanation),
  };
}

export type { Encounter };
