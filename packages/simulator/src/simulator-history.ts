/**
 * The demo's six months of history as hospitals would have sent it: the visits the demo seed wrote
 * into patients.json (infra/demo/demo-history.ts decides who went where and when), each message
 * written in its hospital's style at the visit's own past instant. infra/demo/demo-history-replay.ts
 * sends them over MLLP to the listener like any feed. Pure and deterministic: the same visits and
 * epoch give the same messages and control ids, so a replay run again resends what the listener
 * already has (a duplicate, ACKed and not stored twice) instead of a second history.
 */
import type { AdtEventKind } from "@homeward/contracts";
import { z } from "zod";
import { buildAdtMessage, type SimLocation, type SimTrigger, type SimVisit } from "./simulator-messages.ts";
import type { SimPatient } from "./simulator-patients.ts";
import { vendorStyle } from "./simulator-vendors.ts";

/** The hospitals the history happened at: both carry the plan's member id, so every visit matches. */
export const HISTORY_HOSPITALS = ["MERCYGEN", "STLUKES"] as const;

/** One message of a past visit. */
export const HistoryBeat = z.object({
  /** When the hospital sent it (MSH-7, EVN-2, and PV1-44/45 when it admits or discharges). */
  at: z.iso.datetime({ offset: true }),
  trigger: z.enum(["A01", "A02", "A03", "A04", "A06", "A11"]),
  /** PV1-2 from this message on: E emergency, I inpatient. */
  patientClass: z.enum(["E", "I"]).optional(),
  /** The point of care the patient moves to (PV1-3; the previous one goes to PV1-6). */
  moveTo: z.enum(["ed", "ward", "icu", "stepdown"]).optional(),
  /** PV1-36 of a discharge (NUBC codes: 01 home, 06 home health, 02 another hospital, 03 SNF, 20 died…). */
  discharge: z
    .string()
    .regex(/^\d{2}$/)
    .optional(),
});
export type HistoryBeat = z.infer<typeof HistoryBeat>;

/** One visit of the history: whose, where, its PV1-19 and its messages, oldest first. */
export const HistoryVisit = z.object({
  memberId: z.string().min(1),
  facility: z.enum(HISTORY_HOSPITALS),
  visitNumber: z.string().regex(/^[A-Z0-9]{4,20}$/),
  diagnosis: z.object({ code: z.string().min(1), text: z.string().min(1) }),
  beats: z.array(HistoryBeat).min(1),
});
export type HistoryVisit = z.infer<typeof HistoryVisit>;

/** PV1-36 codes of a patient who died (NUBC 20, 40–42): nobody sends them another visit. */
export const DIED_DISPOSITIONS: readonly string[] = ["20", "40", "41", "42"];

/**
 * The visit number of the history's `index`-th visit (0-based) at `facility`: the hospital's prefix,
 * P for past, the epoch's tag (`scenarioTag`) and the index, apart from the recent past's (H) and
 * from any live run's.
 */
export function historyVisitNumber(facility: string, tag: string, index: number): string {
  return `${vendorStyle(facility).visitPrefix}P${tag}${String(index + 1).padStart(4, "0")}`;
}

/** The control id of the history's `n`-th message (0-based, oldest first). */
export const historyControlId = (tag: string, n: number) => `HST${tag}${String(n + 1).padStart(5, "0")}`;

/** What a beat is meant to become (the normalizer decides; the tests check it agrees). */
export function expectedKindOf(beat: HistoryBeat, patientClass: "E" | "I"): AdtEventKind {
  switch (beat.trigger) {
    case "A01":
      return "inpatient-admit";
    case "A02":
      return "transfer";
    case "A03":
      return patientClass === "E" ? "ed-discharge" : "discharge";
    case "A04":
      return "ed-arrival";
    case "A06":
      return "ed-to-inpatient";
    case "A11":
      return "cancel-admit";
  }
}

/** A message of the history: the feed message, whose visit it tells, and when it was sent. */
export interface HistoryMessage {
  text: string;
  controlId: string;
  trigger: SimTrigger;
  expectedKind: AdtEventKind;
  facility: string;
  memberId: string;
  visitNumber: string;
  at: Date;
}

const place = (kind: SimLocation["kind"], n: number): SimLocation =>
  kind === "ed"
    ? { kind, room: `B${1 + (n % 24)}`, bed: "1" }
    : { kind, room: String(100 + ((n * 7) % 60)), bed: n % 2 === 0 ? "A" : "B" };

/**
 * The history's messages, oldest first, with control ids in that order (`historyControlId` with the
 * epoch's `scenarioTag`). A visit of a patient missing from `patients` is left out.
 */
export function historyMessages(
  tag: string,
  visits: readonly HistoryVisit[],
  patients: readonly SimPatient[],
): HistoryMessage[] {
  const byMember = new Map(patients.filter((p) => p.memberId !== undefined).map((p) => [p.memberId, p]));
  const drafts: (Omit<HistoryMessage, "text" | "controlId"> & { build: (controlId: string) => string })[] =
    [];
  visits.forEach((plan, visitIndex) => {
    const patient = byMember.get(plan.memberId);
    const first = plan.beats[0];
    if (patient === undefined || first === undefined) return;
    const style = vendorStyle(plan.facility);
    const fromEd = first.trigger === "A04";
    let visit: SimVisit = {
      visitNumber: plan.visitNumber,
      patientClass: first.patientClass ?? (fromEd ? "E" : "I"),
      location: place(first.moveTo ?? (fromEd ? "ed" : "ward"), visitIndex),
      admissionType: fromEd ? "E" : "U",
      admitSource: fromEd ? "7" : "1",
      service: fromEd ? "EM" : "MED",
      admittedAt: new Date(first.at),
      diagnosis: plan.diagnosis,
    };
    plan.beats.forEach((beat, i) => {
      const at = new Date(beat.at);
      if (i > 0) visit = nextVisit(visit, beat, at, visitIndex + i);
      const snapshot = visit;
      drafts.push({
        at,
        trigger: beat.trigger,
        expectedKind: expectedKindOf(beat, snapshot.patientClass === "E" ? "E" : "I"),
        facility: style.facility,
        memberId: plan.memberId,
        visitNumber: plan.visitNumber,
        build: (controlId) =>
          buildAdtMessage({
            trigger: beat.trigger,
            style,
            patient,
            mrn: patient.mrns[style.facility] ?? `${style.visitPrefix}R${visitIndex}`,
            visit: snapshot,
            withMemberId: true,
            controlId,
            now: at,
          }),
      });
    });
  });
  // Oldest first, as the hospitals sent them (a stable sort: a visit's own order at the same instant).
  drafts.sort((a, b) => a.at.getTime() - b.at.getTime());
  return drafts.map(({ build, ...m }, n) => ({
    ...m,
    text: build(historyControlId(tag, n)),
    controlId: historyControlId(tag, n),
  }));
}

/** The visit after `beat`, sent at `at`. */
function nextVisit(visit: SimVisit, beat: HistoryBeat, at: Date, n: number): SimVisit {
  const after: SimVisit = { ...visit, priorLocation: undefined };
  if (beat.patientClass !== undefined) after.patientClass = beat.patientClass;
  if (beat.moveTo !== undefined) {
    after.priorLocation = visit.location;
    after.location = place(beat.moveTo, n);
  }
  if (beat.trigger === "A06") {
    after.admittedAt = at;
    after.service = "MED";
  }
  if (beat.discharge !== undefined) {
    after.dischargedAt = at;
    after.disposition = beat.discharge;
  }
  return after;
}

/** Member ids of the patients whose history ends in death: the live feed leaves them alone. */
export function deceasedMembers(visits: readonly HistoryVisit[]): Set<string> {
  return new Set(
    visits
      .filter((v) =>
        v.beats.some((b) => b.discharge !== undefined && DIED_DISPOSITIONS.includes(b.discharge)),
      )
      .map((v) => v.memberId),
  );
}
