import type { AdtEvent, AdtEventKind } from "@homeward/contracts";
import type { VisitSummary } from "./utilizer-flags.ts";

/** Where the patient is in this encounter. */
export type EncounterSetting = "ed" | "inpatient" | "outpatient" | "observation" | "pre-admit";
export type EncounterStatus = "active" | "discharged" | "cancelled" | "on-leave";

/** One event as the encounter remembers it. */
export interface EncounterEntry {
  eventId: string;
  kind: AdtEventKind;
  occurredAt: string;
  /** Whether practices were told about it (only announced events can need a retraction). */
  announced: boolean;
  /** Set when a later cancel (A11/A12/A13) took it back. */
  retracted?: boolean;
}

/**
 * A hospital stay or visit: facility + visit number. An ED arrival and its discharge are one
 * encounter; A06 turns it inpatient; cancels take back what they cancel. Nothing is deleted.
 */
export interface Encounter {
  facility: string;
  visitNumber: string;
  setting: EncounterSetting;
  status: EncounterStatus;
  entries: EncounterEntry[];
}

export interface EncounterUpdate {
  encounter: Encounter;
  /** Whether this event is news for practices (an arrival, admission, discharge…). */
  announce: boolean;
  /** Event ids announced before that this event takes back; each gets a retraction. */
  retract: string[];
  /** True when the event was seen before: nothing changed, nothing to send. */
  replay: boolean;
}

/** What an event does to the setting, the status, and whether practices hear of it. */
interface Effect {
  setting?: EncounterSetting;
  status?: EncounterStatus;
  announce: boolean;
  /** Kinds of earlier announced entries this event cancels (the most recent one of them). */
  cancels?: readonly AdtEventKind[];
}

function effectOf(kind: AdtEventKind): Effect {
  switch (kind) {
    case "ed-arrival":
      return { setting: "ed", status: "active", announce: true };
    case "ed-discharge":
      return { setting: "ed", status: "discharged", announce: true };
    case "inpatient-admit":
    case "ed-to-inpatient":
    case "outpatient-to-inpatient":
      return { setting: "inpatient", status: "active", announce: true };
    case "inpatient-to-outpatient":
      return { setting: "outpatient", status: "active", announce: true };
    case "transfer":
      return { announce: true };
    case "discharge":
      return { status: "discharged", announce: true };
    case "registration":
      return { setting: "outpatient", status: "active", announce: false };
    case "pre-admit":
      return { setting: "pre-admit", status: "active", announce: false };
    case "update":
    case "merge":
      return { announce: false };
    case "cancel-admit":
      return {
        status: "cancelled",
        announce: false,
        cancels: ["ed-arrival", "inpatient-admit", "ed-to-inpatient", "outpatient-to-inpatient"],
      };
    case "cancel-transfer":
      return { announce: false, cancels: ["transfer"] };
    case "cancel-discharge":
      return { status: "active", announce: false, cancels: ["discharge", "ed-discharge"] };
    case "cancel-pre-admit":
      return { status: "cancelled", announce: false };
    case "leave-of-absence-out":
      return { status: "on-leave", announce: false };
    case "leave-of-absence-return":
      return { status: "active", announce: false };
  }
}

/** The encounter key: facility + visit number (PV1-19); events without a visit number get their own. */
export function encounterKey(event: AdtEvent): { facility: string; visitNumber: string } {
  return {
    facility: event.facility.sendingFacility,
    visitNumber: event.visit?.visitNumber ?? `event:${event.eventId}`,
  };
}

/** One string per encounter (`facility|visit number`), for maps and the utilizer flags. */
export function encounterId(key: { facility: string; visitNumber: string }): string {
  return `${key.facility}|${key.visitNumber}`;
}

/**
 * The encounter as the utilizer flags and the stored row see it: started at its first event,
 * discharged at its last discharge that was not taken back.
 */
export function visitSummaryOf(e: Encounter): VisitSummary {
  const started = e.entries[0]?.occurredAt ?? new Date().toISOString();
  const discharge = e.entries.findLast(
    (x) => !x.retracted && (x.kind === "discharge" || x.kind === "ed-discharge"),
  );
  const summary: VisitSummary = {
    encounterKey: encounterId(e),
    setting: e.setting,
    startedAt: started,
    cancelled: e.status === "cancelled",
  };
  if (e.status === "discharged" && discharge !== undefined) summary.dischargedAt = discharge.occurredAt;
  return summary;
}

/**
 * Applies one event to its encounter (pure: the caller loads and stores the encounter). Replays
 * are recognized by event id and change nothing, so a redelivered event yields the same output.
 */
export function applyEvent(previous: Encounter | undefined, event: AdtEvent): EncounterUpdate {
  // Explicit properties, not `{ ...x, y }`: the matcher calls this for every event, and V8 makes
  // a spread followed by more properties much slower than either alone.
  const key = encounterKey(event);
  const current: Encounter = previous ?? {
    facility: key.facility,
    visitNumber: key.visitNumber,
    setting: event.flags.isEdVisit ? "ed" : "outpatient",
    status: "active",
    entries: [],
  };
  if (current.entries.some((e) => e.eventId === event.eventId)) {
    return { encounter: current, announce: false, retract: [], replay: true };
  }
  const effect = effectOf(event.kind);
  const entries = current.entries.map((e) => ({ ...e }));
  const retract: string[] = [];
  if (effect.cancels !== undefined) {
    const target = entries.findLast(
      (e) => e.announced && !e.retracted && effect.cancels?.includes(e.kind) === true,
    );
    if (target !== undefined) {
      target.retracted = true;
      retract.push(target.eventId);
    }
  }
  entries.push({
    eventId: event.eventId,
    kind: event.kind,
    occurredAt: event.occurredAt,
    announced: effect.announce,
  });
  return {
    encounter: {
      facility: current.facility,
      visitNumber: current.visitNumber,
      setting: effect.setting ?? current.setting,
      status: effect.status ?? current.status,
      entries,
    },
    announce: effect.announce,
    retract,
    replay: false,
  };
}
