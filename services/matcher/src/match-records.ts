import { hash } from "node:crypto";
import {
  type AdtEvent,
  adtEventPartitionKey,
  type MatchExplanation,
  type MatchedEvent,
  type UnmatchedEvent,
} from "@homeward/contracts";
import type { Resolution } from "@homeward/identity";
import type { OutgoingRecord } from "@homeward/kafka";

/** The real names of the matcher's output topics. */
export interface OutputTopics {
  matched: string;
  unmatched: string;
}

/** `adt.matched.v1` record id for (event, organization): the same inputs always give the same id. */
export function matchIdOf(eventId: string, organizationId: string): string {
  const h = hash("sha256", `${eventId}|${organizationId}`, "hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** An `adt.matched.v1` record, keyed by patient so one patient's alerts stay in order downstream. */
export function matchedMessage(topics: OutputTopics, record: MatchedEvent): OutgoingRecord {
  return {
    topic: topics.matched,
    key: record.patientId,
    value: JSON.stringify(record),
    headers: { "content-type": "application/json", "match-id": record.matchId },
  };
}

/** An `adt.unmatched.v1` record, keyed like the event it is about. */
export function unmatchedMessage(
  topics: OutputTopics,
  event: AdtEvent,
  record: UnmatchedEvent,
): OutgoingRecord {
  return {
    topic: topics.unmatched,
    key: adtEventPartitionKey(event),
    value: JSON.stringify(record),
    headers: { "content-type": "application/json", "event-id": event.eventId },
  };
}

/** Why an event matched nobody: no candidate, or candidates a person must choose among (review). */
export function unmatchedRecord(
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

/** How the patient was matched, for the practice and for audits (no demographics copied). */
export function explain(resolution: Extract<Resolution, { outcome: "match" }>): MatchExplanation {
  return {
    method: resolution.method,
    score: resolution.explanation.score,
    thresholds: resolution.explanation.thresholds,
    fields: fieldsOf(resolution.explanation),
  };
}

/** What every record about one (event, organization) carries, whatever its kind. */
export type SharedFields = Omit<
  MatchedEvent,
  "schemaVersion" | "matchId" | "kind" | "retracts" | "attribution" | "enrollment"
> & {
  attribution: MatchedEvent["attribution"] | undefined;
  enrollment: MatchedEvent["enrollment"] | undefined;
};

/**
 * One `adt.matched.v1` record, its properties written out rather than spread (`{ ...shared, kind }`
 * is several times slower in V8, and this runs per record).
 */
export function matchedRecord(
  shared: SharedFields,
  matchId: string,
  kind: MatchedEvent["kind"],
  retracts?: MatchedEvent["retracts"],
): MatchedEvent {
  const record: MatchedEvent = {
    schemaVersion: 1,
    event: shared.event,
    patientId: shared.patientId,
    practice: shared.practice,
    recipients: shared.recipients,
    flags: shared.flags,
    encounter: shared.encounter,
    match: shared.match,
    matchedAt: shared.matchedAt,
    matchId,
    kind,
  };
  if (shared.attribution !== undefined) record.attribution = shared.attribution;
  if (shared.enrollment !== undefined) record.enrollment = shared.enrollment;
  if (retracts !== undefined) record.retracts = retracts;
  return record;
}
