import type { MatchedEvent } from "@homeward/contracts";
import { DateTime } from "luxon";
import { z } from "zod";
import {
  ADMITTED_DISCHARGE_DISPOSITIONS,
  AGAINST_MEDICAL_ADVICE_DISPOSITION,
  EXPIRED_DISCHARGE_DISPOSITIONS,
} from "./discharge-dispositions.ts";
import type { Protocol, ProtocolsFile } from "./protocol.ts";

/**
 * Why a task left the measures' denominators ("not applicable"), stored on the task
 * (`tasks.excluded_reason`). `not-applicable` is any other closing by a protocol rule (the
 * in-hospital visit of a patient discharged before it): nothing to follow up.
 */
export const ExclusionReason = z.enum([
  "admitted",
  "transferred",
  "died",
  "left-against-advice",
  "event-cancelled",
  "not-applicable",
]);
export type ExclusionReason = z.infer<typeof ExclusionReason>;

/** The kinds that start an inpatient stay. */
export const ADMISSION_KINDS: ReadonlySet<string> = new Set([
  "inpatient-admit",
  "ed-to-inpatient",
  "outpatient-to-inpatient",
]);
const DISCHARGE_KINDS: ReadonlySet<string> = new Set(["discharge", "ed-discharge"]);

/** What the notifier closes (or marks excluded), and why. */
export type PlannedExclusion =
  /** The protocol's tasks of this event's own encounter (a transfer, AMA, or "admitted" disposition). */
  | { scope: "encounter"; protocolId: string; reason: ExclusionReason; text: string }
  /**
   * The protocol's tasks of this patient, any encounter, whose event day (practice zone) is from
   * `withinDays` days before `admittedOn` through `admittedOn`: "admitted on the event day or within
   * n days after it".
   */
  | {
      scope: "admitted";
      protocolId: string;
      admittedOn: string;
      withinDays: number;
      reason: "admitted";
      text: string;
    }
  /** Every open task of this patient in the practice: nobody is to call a patient who has died. */
  | { scope: "patient"; reason: "died"; text: string };

/** Whether the hospital reports the patient dead: PID-30, or a PV1-36 "expired" disposition. */
export function patientDied(matched: MatchedEvent): boolean {
  const disposition = matched.event.visit?.dischargeDisposition;
  return (
    matched.event.patient.deceased === true ||
    (disposition !== undefined && EXPIRED_DISCHARGE_DISPOSITIONS.includes(disposition))
  );
}

/**
 * The exclusion a discharge of a protocol's own encounter makes, by its PV1-36 disposition: to an
 * acute or post-acute facility (`transferDispositions`), admitted to this hospital (09, when the
 * protocol excludes admissions), or against medical advice (07, when the protocol says `exclude`).
 * The planner opens no task for such an event, and the notifier closes the tasks already open.
 */
export function encounterExclusionOf(
  protocol: Protocol,
  matched: MatchedEvent,
): { reason: ExclusionReason; text: string } | undefined {
  const { kind, trigger } = matched.event;
  const disposition = matched.event.visit?.dischargeDisposition;
  if (!DISCHARGE_KINDS.has(kind) || disposition === undefined) return undefined;
  const rules = protocol.exclusions;
  if (rules.transferDispositions?.includes(disposition))
    return {
      reason: "transferred",
      text: `discharged to acute or post-acute care (PV1-36 ${disposition}, ${trigger})`,
    };
  if (rules.admittedWithinDays !== undefined && ADMITTED_DISCHARGE_DISPOSITIONS.includes(disposition))
    return { reason: "admitted", text: `admitted as an inpatient (PV1-36 ${disposition}, ${trigger})` };
  if (rules.leftAgainstAdvice === "exclude" && disposition === AGAINST_MEDICAL_ADVICE_DISPOSITION)
    return { reason: "left-against-advice", text: `left against medical advice (PV1-36 07, ${trigger})` };
  return undefined;
}

/**
 * What this announcement excludes: the patient's death closes every open task of theirs in the
 * practice; an inpatient admission (not an observation stay) excludes the tasks of protocols with
 * `admittedWithinDays` whose event day is within reach, under any visit number; a discharge with a
 * transfer (or configured AMA) disposition excludes its own encounter's tasks. Every protocol is
 * looked at, disabled ones too (tasks they opened before may still be open), as for cancellations.
 * Monitor copies included: the practice's own tasks are found by organization. Pure.
 */
export function exclusionsFor(matched: MatchedEvent, protocols: ProtocolsFile): PlannedExclusion[] {
  if (matched.kind !== "announcement") return [];
  const { event } = matched;
  if (patientDied(matched)) {
    const how = event.patient.deceased === true ? "PID-30" : `PV1-36 ${event.visit?.dischargeDisposition}`;
    return [{ scope: "patient", reason: "died", text: `the patient died (${how}, ${event.trigger})` }];
  }
  const out: PlannedExclusion[] = [];
  const isAdmission = ADMISSION_KINDS.has(event.kind) && !event.flags.isObservation;
  const admittedOn = DateTime.fromISO(event.occurredAt, { zone: matched.practice.timeZone }).toISODate();
  for (const protocol of protocols.protocols) {
    const own = encounterExclusionOf(protocol, matched);
    if (own !== undefined) out.push({ scope: "encounter", protocolId: protocol.protocolId, ...own });
    const withinDays = protocol.exclusions.admittedWithinDays;
    if (isAdmission && withinDays !== undefined && admittedOn !== null) {
      out.push({
        scope: "admitted",
        protocolId: protocol.protocolId,
        admittedOn,
        withinDays,
        reason: "admitted",
        text: `admitted as an inpatient on ${admittedOn} (${event.kind}, ${event.trigger}), within ${withinDays} day(s) of the visit`,
      });
    }
  }
  return out;
}
