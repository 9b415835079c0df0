/**
 * The demo's recent past, replayed when the feed starts: the encounters of the weeks before the demo
 * was first seeded that give every workspace screen something to show (patients in the ED and in
 * hospital now, discharges not yet reached, a frequent ED user, a 30-day readmission, tracking-list
 * admissions, an event that opened no task, a monitor copy). The demo seed casts roster patients in
 * each part; this file tells their stories as a hospital would have sent them, each message stamped
 * with its own past time. Pure and deterministic: the same scenario gives the same messages, control
 * ids and visit numbers, so a feed started again resends what the listener already has (a duplicate,
 * ACKed and not stored twice) instead of a second history.
 */
import type { AdtEventKind } from "@homeward/contracts";
import { z } from "zod";
import { buildAdtMessage, type SimLocation, type SimTrigger, type SimVisit } from "./simulator-messages.ts";
import type { SimPatient } from "./simulator-patients.ts";
import { type LocationKind, type VendorStyle, vendorStyle } from "./simulator-vendors.ts";

/** The parts of the demo's past, each a story about one roster patient. */
export const ScenarioPart = z.enum([
  /** ED visits 38, 19 and 6 days ago and one now: the frequent-ED flag. */
  "frequent-ed",
  /** Discharged 22 days ago, admitted again this morning and still in: the 30-day readmission. */
  "readmission",
  /** In the ED now. */
  "in-ed-now",
  /** Admitted through the ED yesterday, moved to step-down, still in. */
  "in-hospital-now",
  /** Discharged home one or two days ago: the transitional-care contact is due. */
  "recent-discharge",
  /** A tracking-list patient admitted through the ED today and still in: the in-hospital visit. */
  "tracking-list-admitted",
  /** A tracking-list patient admitted and sent home before anyone visited: the visit cancelled. */
  "tracking-list-discharged",
  /** A patient of the practice on no care-management list, seen in the ED: an alert, no task. */
  "not-enrolled-ed",
  /** A patient the plan leads, in the ED now: the practice's monitor copy. */
  "monitor-copy-ed",
]);
export type ScenarioPart = z.infer<typeof ScenarioPart>;

/** What the seed writes into patients.json: when "now" was for the demo's past, and who plays what. */
export const DemoScenario = z.object({
  /** The instant the demo was first seeded: the past is told relative to it, the same on every run. */
  epoch: z.iso.datetime({ offset: true }),
  cast: z.array(z.object({ part: ScenarioPart, memberId: z.string().min(1) })),
  /** Member ids of patients who died in the demo's history (infra/demo/demo-history.ts): no live story. */
  deceased: z.array(z.string().min(1)).optional(),
});
export type DemoScenario = z.infer<typeof DemoScenario>;

/** A message of the replay: a feed message with the past instant it was sent at. */
export interface ScenarioMessage {
  text: string;
  controlId: string;
  trigger: SimTrigger;
  expectedKind: AdtEventKind;
  facility: string;
  part: ScenarioPart;
  /** When the hospital sent it (MSH-7, EVN-2 and the visit's times are this instant or earlier). */
  at: Date;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** One message of a visit, `before` the epoch. */
interface Beat {
  before: number;
  trigger: SimTrigger;
  expect: AdtEventKind;
  patientClass?: "E" | "I";
  moveTo?: LocationKind;
  /** PV1-36 of a discharge. */
  discharge?: string;
}

interface VisitPlan {
  beats: Beat[];
  diagnosis: { code: string; text: string };
}

const ED = { code: "J45.901", text: "Asthma with acute exacerbation" };
const CHEST = { code: "R07.9", text: "Chest pain, unspecified" };
const CHF = { code: "I50.9", text: "Heart failure, unspecified" };
const COPD = { code: "J44.1", text: "COPD with acute exacerbation" };
const PNEUMONIA = { code: "J18.9", text: "Pneumonia, unspecified organism" };

const arrive = (before: number): Beat => ({
  before,
  trigger: "A04",
  expect: "ed-arrival",
  patientClass: "E",
  moveTo: "ed",
});
const leaveEd = (before: number): Beat => ({
  before,
  trigger: "A03",
  expect: "ed-discharge",
  discharge: "01",
});
const admitFromEd = (before: number, to: LocationKind = "ward"): Beat => ({
  before,
  trigger: "A06",
  expect: "ed-to-inpatient",
  patientClass: "I",
  moveTo: to,
});
const admit = (before: number): Beat => ({
  before,
  trigger: "A01",
  expect: "inpatient-admit",
  patientClass: "I",
  moveTo: "ward",
});
const goHome = (before: number): Beat => ({ before, trigger: "A03", expect: "discharge", discharge: "01" });

/** The visits of a part; `nth` tells apart the patients cast in the same part. */
function visitsOf(part: ScenarioPart, nth: number): VisitPlan[] {
  switch (part) {
    case "frequent-ed":
      return [
        { beats: [arrive(38 * DAY), leaveEd(38 * DAY - 4 * HOUR)], diagnosis: ED },
        { beats: [arrive(19 * DAY), leaveEd(19 * DAY - 5 * HOUR)], diagnosis: ED },
        { beats: [arrive(6 * DAY), leaveEd(6 * DAY - 3 * HOUR)], diagnosis: ED },
        { beats: [arrive(50 * MINUTE)], diagnosis: ED },
      ];
    case "readmission":
      return [
        { beats: [arrive(27 * DAY), admitFromEd(27 * DAY - 3 * HOUR), goHome(22 * DAY)], diagnosis: CHF },
        { beats: [admit(7 * HOUR)], diagnosis: CHF },
      ];
    case "in-ed-now":
      return [{ beats: [arrive((95 + 40 * nth) * MINUTE)], diagnosis: CHEST }];
    case "in-hospital-now":
      return [
        {
          beats: [
            arrive(30 * HOUR),
            admitFromEd(27 * HOUR),
            { before: 10 * HOUR, trigger: "A02", expect: "transfer", moveTo: "stepdown" },
          ],
          diagnosis: PNEUMONIA,
        },
      ];
    case "recent-discharge": {
      const home = [44 * HOUR, 26 * HOUR, 18 * HOUR][nth % 3] ?? 26 * HOUR;
      return [{ beats: [admit(home + (3 + nth) * DAY), goHome(home)], diagnosis: COPD }];
    }
    case "tracking-list-admitted":
      return [{ beats: [arrive(9 * HOUR), admitFromEd(7 * HOUR)], diagnosis: CHF }];
    case "tracking-list-discharged":
      return [{ beats: [admit(3 * DAY), goHome(20 * HOUR)], diagnosis: PNEUMONIA }];
    case "not-enrolled-ed":
      return [{ beats: [arrive(3 * HOUR), leaveEd(1 * HOUR)], diagnosis: CHEST }];
    case "monitor-copy-ed":
      return [{ beats: [arrive(2 * HOUR)], diagnosis: ED }];
  }
}

/** The hospitals the past happened at: both carry the plan's member id, so every visit matches. */
const HOSPITALS = ["MERCYGEN", "STLUKES"] as const;

/**
 * A 6-character tag of the epoch (seconds since 2020 in base 36): control ids and visit numbers of
 * the replay, the same for the same epoch and apart from any live run's (whose ids are longer).
 */
export function scenarioTag(epoch: Date): string {
  return Math.floor((epoch.getTime() - Date.UTC(2020, 0, 1)) / 1000)
    .toString(36)
    .toUpperCase()
    .padStart(6, "0")
    .slice(-6);
}

const place = (kind: LocationKind, n: number): SimLocation =>
  kind === "ed"
    ? { kind, room: `B${1 + (n % 24)}`, bed: "1" }
    : { kind, room: String(100 + ((n * 7) % 60)), bed: n % 2 === 0 ? "A" : "B" };

/** A message of the replay before it is written: who, where, the visit as it stands then. */
interface Pending {
  at: Date;
  beat: Beat;
  part: ScenarioPart;
  patient: SimPatient;
  style: VendorStyle;
  visit: SimVisit;
}

/**
 * The replay's messages, oldest first: every visit of every cast patient found in `patients` (by
 * member id; a cast member missing from the file is left out), each message stamped with its own
 * time. An open visit stays open: the live feed starts from there.
 */
export function scenarioMessages(scenario: DemoScenario, patients: readonly SimPatient[]): ScenarioMessage[] {
  const epoch = new Date(scenario.epoch);
  const tag = scenarioTag(epoch);
  const byMember = new Map(patients.filter((p) => p.memberId !== undefined).map((p) => [p.memberId, p]));
  const counts = new Map<ScenarioPart, number>();
  const pending: Pending[] = [];
  let visitSeq = 0;
  scenario.cast.forEach((role, castIndex) => {
    const patient = byMember.get(role.memberId);
    const nth = counts.get(role.part) ?? 0;
    counts.set(role.part, nth + 1);
    if (patient === undefined) return;
    const style = vendorStyle(HOSPITALS[castIndex % HOSPITALS.length] ?? "MERCYGEN");
    for (const plan of visitsOf(role.part, nth)) {
      visitSeq++;
      const first = plan.beats[0];
      if (first === undefined) continue;
      const fromEd = first.trigger === "A04";
      let visit: SimVisit = {
        visitNumber: `${style.visitPrefix}H${tag}${String(visitSeq).padStart(2, "0")}`,
        patientClass: first.patientClass ?? "E",
        location: place(first.moveTo ?? "ed", visitSeq),
        admissionType: fromEd ? "E" : "U",
        admitSource: fromEd ? "7" : "1",
        service: fromEd ? "EM" : "MED",
        admittedAt: new Date(epoch.getTime() - first.before),
        diagnosis: plan.diagnosis,
      };
      plan.beats.forEach((beat, i) => {
        const at = new Date(epoch.getTime() - beat.before);
        if (i > 0) visit = next(visit, beat, at, visitSeq + i);
        pending.push({ at, beat, part: role.part, patient, style, visit });
      });
    }
  });
  // Oldest first, as the hospitals sent them, and control ids in that order.
  pending.sort((a, b) => a.at.getTime() - b.at.getTime());
  return pending.map((m, i) => {
    const controlId = `HIS${tag}${String(i + 1).padStart(4, "0")}`;
    return {
      text: buildAdtMessage({
        trigger: m.beat.trigger,
        style: m.style,
        patient: m.patient,
        mrn: m.patient.mrns[m.style.facility] ?? `${m.style.visitPrefix}R${i}`,
        visit: m.visit,
        withMemberId: true,
        controlId,
        now: m.at,
      }),
      controlId,
      trigger: m.beat.trigger,
      expectedKind: m.beat.expect,
      facility: m.style.facility,
      part: m.part,
      at: m.at,
    };
  });
}

/** The visit after `beat`, sent at `at`. */
function next(visit: SimVisit, beat: Beat, at: Date, n: number): SimVisit {
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
