import type { AdtEvent } from "@homeward/contracts";
import type { Resolution } from "@homeward/identity";
import type { OutgoingRecord } from "@homeward/kafka";
import { type PatientContext, routeEvent } from "@homeward/routing";
import { applyEvent, type Encounter, encounterId, encounterKey, visitSummaryOf } from "./encounter.ts";
import {
  explain,
  matchedMessage,
  matchedRecord,
  matchIdOf,
  type OutputTopics,
  type SharedFields,
  unmatchedMessage,
  unmatchedRecord,
} from "./match-records.ts";
import { type BatchWrites, HISTORY_DAYS } from "./matcher-store.ts";
import { isSensitivePlace, type ReferenceData } from "./reference-data.ts";
import { type UtilizerThresholds, utilizerFlags, type VisitSummary } from "./utilizer-flags.ts";

export type MatchOutcome =
  | "matched"
  | "no-match"
  | "review"
  | "suppressed"
  | "not-announced"
  | "replay"
  | "merged";

/** An event and who the identity index says it is about. */
export interface ResolvedEvent {
  event: AdtEvent;
  resolution: Resolution;
}

/** What PostgreSQL knew before the batch: its encounters and its patients' recent encounters. */
export interface StoredState {
  /** By `encounterId`; only encounters that exist. */
  encounters: ReadonlyMap<string, Encounter>;
  visits: readonly { patientId: string; visit: VisitSummary }[];
}

export interface BatchPlan {
  /** One per event, in order. */
  outcomes: MatchOutcome[];
  /** Every output record of the batch, in event order. */
  records: OutgoingRecord[];
  writes: BatchWrites;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Decides a whole batch, event after event, exactly as if each were handled alone after the one
 * before had been stored: an event sees the encounter (and the patient's other encounters) as the
 * earlier events of the batch left them. So an arrival and its discharge in one batch are one
 * encounter with both entries, a cancel retracts an announcement made earlier in the batch, and an
 * event seen twice is a replay the second time. Pure: the caller loads `stored`, publishes
 * `records`, then saves `writes`.
 */
export function planBatch(
  resolved: readonly ResolvedEvent[],
  stored: StoredState,
  context: {
    data: ReferenceData;
    topics: OutputTopics;
    thresholds: UtilizerThresholds;
    now: Date;
  },
): BatchPlan {
  const { data, topics, thresholds } = context;
  const now = context.now.toISOString();
  const historySince = context.now.getTime() - HISTORY_DAYS * DAY_MS;
  const encounters = new Map(stored.encounters);
  const visits = new Map<string, Map<string, VisitSummary>>();
  const owner = new Map<string, string>();
  const visitsOf = (patientId: string) => {
    let mine = visits.get(patientId);
    if (mine === undefined) {
      mine = new Map();
      visits.set(patientId, mine);
    }
    return mine;
  };
  for (const { patientId, visit } of stored.visits) {
    visitsOf(patientId).set(visit.encounterKey, visit);
    owner.set(visit.encounterKey, patientId);
  }
  const changed = new Map<string, { encounter: Encounter; patientId: string }>();
  const plan: BatchPlan = {
    outcomes: [],
    records: [],
    writes: { encounters: [], reviews: [], suppressed: [] },
  };

  for (const { event, resolution } of resolved) {
    if (resolution.outcome !== "match") {
      plan.records.push(unmatchedMessage(topics, event, unmatchedRecord(event, resolution, now)));
      if (resolution.outcome === "review") {
        plan.writes.reviews.push({ event, reason: resolution.reason, candidates: resolution.candidates });
      }
      plan.outcomes.push(resolution.outcome);
      continue;
    }
    const key = encounterKey(event);
    const id = encounterId(key);
    const update = applyEvent(encounters.get(id), event);
    if (update.replay) {
      plan.outcomes.push("replay");
      continue;
    }
    const { patientId } = resolution;
    encounters.set(id, update.encounter);
    changed.set(id, { encounter: update.encounter, patientId });
    const previousOwner = owner.get(id);
    if (previousOwner !== undefined && previousOwner !== patientId) visits.get(previousOwner)?.delete(id);
    owner.set(id, patientId);
    const current = visitSummaryOf(update.encounter);
    visitsOf(patientId).set(id, current);
    const history = [...visitsOf(patientId).values()].filter(
      (v) => v === current || Date.parse(v.startedAt) > historySince,
    );
    const flags = utilizerFlags(
      history,
      { encounterKey: id, setting: update.encounter.setting, at: event.occurredAt },
      thresholds,
    );

    const sensitive =
      event.flags.sensitiveFacility ||
      isSensitivePlace(
        data.sensitive,
        event.facility.sendingFacility,
        event.facility.sendingApplication,
        event.visit?.location?.pointOfCare ?? "",
      );
    const routedEvent = sensitive ? { ...event, flags: { ...event.flags, sensitiveFacility: true } } : event;
    const patient: PatientContext = data.contexts.get(patientId) ?? {
      patientId,
      attributions: [],
      enrollments: [],
      optOuts: [],
    };
    const routing = routeEvent(routedEvent, patient, data.directory);
    const explanation = explain(resolution);
    const encounter = {
      facility: key.facility,
      visitNumber: key.visitNumber,
      setting: update.encounter.setting,
      status: update.encounter.status,
    };
    for (const route of routing.routes) {
      const practice = data.practices.get(route.organizationId);
      if (practice === undefined) continue;
      const shared: SharedFields = {
        event,
        patientId,
        practice: { organizationId: route.organizationId, ...practice },
        attribution:
          route.attribution === undefined
            ? undefined
            : {
                source: route.attribution.source,
                effectiveFrom: route.attribution.effectiveFrom,
                ...(route.attribution.pcpNpi === undefined ? {} : { pcpNpi: route.attribution.pcpNpi }),
              },
        enrollment:
          route.enrollment === undefined
            ? undefined
            : {
                program: route.enrollment.program,
                // A list row without a tier stays without one: "unassigned", not Priority III.
                ...(route.enrollment.riskTier == null ? {} : { riskTier: route.enrollment.riskTier }),
                status: route.enrollment.status,
                leadOrganization: route.enrollment.leadOrganization ?? "practice",
                copy: route.copy,
              },
        recipients: route.recipients,
        flags,
        encounter,
        match: explanation,
        matchedAt: now,
      };
      if (update.announce) {
        const matchId = matchIdOf(event.eventId, route.organizationId);
        plan.records.push(matchedMessage(topics, matchedRecord(shared, matchId, "announcement")));
      }
      for (const retracted of update.retract) {
        const matchId = matchIdOf(`${event.eventId}|retracts|${retracted}`, route.organizationId);
        const retracts = { eventId: retracted, matchId: matchIdOf(retracted, route.organizationId) };
        plan.records.push(matchedMessage(topics, matchedRecord(shared, matchId, "retraction", retracts)));
      }
    }
    for (const s of routing.suppressed)
      plan.writes.suppressed.push({ ...s, eventId: event.eventId, patientId });
    const suppressedAll = routing.routes.length === 0 && routing.suppressed.length > 0;
    // Known patient, but no roster or list had them on the event's day (a late message, a replay of
    // a month they were not attributed): nobody's to hear of it.
    const notInForce = routing.routes.length === 0 && routing.suppressed.length === 0;
    if (notInForce) {
      plan.records.push(
        unmatchedMessage(topics, event, {
          schemaVersion: 1,
          event,
          reason: "no-match",
          detail: "no attribution or enrollment of the patient was in force on the event's day",
          decidedAt: now,
        }),
      );
      plan.outcomes.push("no-match");
      continue;
    }
    if (suppressedAll) {
      const detail = [...new Set(routing.suppressed.map((s) => s.reason))].join("; ");
      plan.records.push(
        unmatchedMessage(topics, event, {
          schemaVersion: 1,
          event,
          reason: "suppressed",
          detail,
          decidedAt: now,
        }),
      );
    }
    plan.outcomes.push(
      suppressedAll
        ? "suppressed"
        : update.announce || update.retract.length > 0
          ? "matched"
          : "not-announced",
    );
  }
  plan.writes.encounters = [...changed.values()];
  return plan;
}
