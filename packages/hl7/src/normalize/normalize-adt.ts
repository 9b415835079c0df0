import {
  type AdtEvent,
  adtEventId,
  type FacilityMapping,
  type Identifier,
  type MergeInfo,
} from "@homeward/contracts";
import type { Hl7Error } from "../errors.ts";
import type { Hl7Message, Hl7Segment } from "../message.ts";
import { hdField, readIdentifiers, readName } from "./data-types.ts";
import { eventKindOf, SUPPORTED_TRIGGERS, visitSetting } from "./event-kind.ts";
import { readEventTimes } from "./event-times.ts";
import { memberIdOf, readInsurances } from "./insurance.ts";
import { readPatient, readPrimaryCareProvider } from "./patient.ts";
import { indexSegments } from "./segment-index.ts";
import { missingSegment, readDiagnoses, readVisit } from "./visit.ts";

export interface NormalizeOptions {
  /** When the listener received the message (ISO-8601 with offset); copied to `receivedAt`. */
  readonly receivedAt?: string;
}

export type NormalizeResult = { ok: true; event: AdtEvent } | { ok: false; error: Hl7Error };

/** MSH fields every event needs (the parser checks them too, unless told otherwise). */
const REQUIRED_HEADER_FIELDS = [
  [10, "message control id"],
  [11, "processing id"],
  [12, "version id"],
] as const;

const fail = (error: Hl7Error): NormalizeResult => ({ ok: false, error });

/** The 101 for `REQUIRED_HEADER_FIELDS[i]`. */
function missingHeaderField(msh: Hl7Segment, i: 0 | 1 | 2): Hl7Error {
  const [field, name] = REQUIRED_HEADER_FIELDS[i];
  return {
    code: "101",
    text: `Required field MSH-${field} (${name}) is missing`,
    location: { segment: "MSH", sequence: msh.sequence, field },
  };
}

function readMerge(mrg: Hl7Segment): MergeInfo | Hl7Error {
  const priorIdentifiers = readIdentifiers(mrg.field(1));
  // MRG-4 prior patient id (deprecated since 2.3.1) is still what some feeds fill. A set of keys, not
  // a search of the list per id: both fields may repeat, and that search was quadratic.
  const keyOf = (id: Identifier) => JSON.stringify([id.value, id.assigningAuthority ?? null]);
  const seen = new Set(priorIdentifiers.map(keyOf));
  for (const id of readIdentifiers(mrg.field(4))) {
    const key = keyOf(id);
    if (!seen.has(key)) {
      seen.add(key);
      priorIdentifiers.push(id);
    }
  }
  if (priorIdentifiers.length === 0) {
    return {
      code: "101",
      text: "Required field MRG-1 (prior patient identifier list) has no identifier",
      location: { segment: "MRG", sequence: mrg.sequence, field: 1, component: 1 },
    };
  }
  return {
    priorIdentifiers,
    priorAccountNumber: mrg.readText(3),
    priorVisitNumber: mrg.readText(5),
    priorName: readName(mrg.field(7).repetition(1)),
  };
}

/**
 * Turns a parsed ADT message into an `AdtEvent` v1, reading it the way `mapping` (the sending
 * facility's entry) says. Pure: no clock, no I/O, the same message and mapping always give the same
 * event, which is what makes `replay` safe. Refusals come back as table 0357 errors for the ACK's
 * ERR segment: 200 not ADT, 201 unknown trigger, 100 a required segment missing (PID; PV1 for visit
 * events; MRG for merges), 101 a required field empty (MSH-4, PID-3, MRG-1, MSH-7 with no EVN-2),
 * 102 a malformed date/time.
 *
 * The output is not re-validated with zod here (that would cost more than the normalizing itself on
 * the hot path); the tests check it against the `AdtEvent` schema instead.
 */
export function normalizeAdt(
  message: Hl7Message,
  mapping: FacilityMapping,
  opts: NormalizeOptions = {},
): NormalizeResult {
  const segments = indexSegments(message);
  const { msh, evn, pid, pv1 } = segments;
  if (msh === undefined) return fail(missingSegment("MSH", "the message"));
  if (msh.readText(9, 1, 1) !== "ADT") {
    return fail({
      code: "200",
      text: "Only ADT messages are accepted",
      location: { segment: "MSH", sequence: msh.sequence, field: 9, component: 1 },
    });
  }
  const trigger = msh.readText(9, 1, 2) ?? evn?.readText(1);
  if (trigger === undefined) {
    return fail({
      code: "101",
      text: "Required field MSH-9.2 (trigger event) is missing",
      location: { segment: "MSH", sequence: msh.sequence, field: 9, component: 2 },
    });
  }
  const scope = SUPPORTED_TRIGGERS[trigger];
  if (scope === undefined) {
    return fail({
      code: "201",
      text: `Unsupported ADT trigger event ${trigger.slice(0, 8)}`,
      location: { segment: "MSH", sequence: msh.sequence, field: 9, component: 2 },
    });
  }
  const sendingFacility = hdField(msh, 4);
  if (sendingFacility === undefined) {
    return fail({
      code: "101",
      text: "Required field MSH-4 (sending facility) is missing",
      location: { segment: "MSH", sequence: msh.sequence, field: 4 },
    });
  }
  const controlId = msh.readText(10);
  const processingId = msh.readText(11);
  const hl7Version = msh.readText(12);
  if (controlId === undefined || processingId === undefined || hl7Version === undefined) {
    return fail(missingHeaderField(msh, controlId === undefined ? 0 : processingId === undefined ? 1 : 2));
  }

  if (pid === undefined) return fail(missingSegment("PID", trigger));
  if (scope === "visit" && pv1 === undefined) return fail(missingSegment("PV1", trigger));
  let merge: MergeInfo | undefined;
  if (scope === "merge") {
    const mrg = segments.mrg;
    if (mrg === undefined) return fail(missingSegment("MRG", trigger));
    if (segments.extraPid !== undefined) {
      // One event carries one patient; splitting a multi-pair A40 into several events is not built yet.
      return fail({
        code: "207",
        text: `${trigger} with more than one PID/MRG pair is not supported; send one merge per message`,
        location: { segment: "PID", sequence: segments.extraPid.sequence },
      });
    }
    const read = readMerge(mrg);
    if ("code" in read) return fail(read);
    merge = read;
  }

  const patient = readPatient(pid, segments.pd1, mapping);
  if (!patient.ok) return patient;
  const visit = pv1 === undefined ? undefined : readVisit(pv1, segments.pv2, pid);
  const setting = visitSetting(visit, mapping);
  const kind = eventKindOf(trigger, setting);
  if (kind === undefined) return fail({ code: "201", text: `Unsupported ADT trigger event ${trigger}` });
  const times = readEventTimes(segments, kind, mapping.timeZone);
  if (!times.ok) return times;
  const insurances = readInsurances(segments.in1, mapping);
  const sendingApplication = hdField(msh, 3) ?? "";
  // The readers leave these properties for us to fill rather than have us copy their objects with a
  // spread, which costs more than all the reading on this path.
  patient.patient.memberId = memberIdOf(mapping, patient.patient.identifiers, insurances);
  if (visit !== undefined) {
    visit.admittedAt = times.times.admittedAt;
    visit.dischargedAt = times.times.dischargedAt;
  }

  const event: AdtEvent = {
    schemaVersion: 1,
    eventId: adtEventId(sendingApplication, sendingFacility, controlId),
    kind,
    messageType: "ADT",
    trigger,
    messageStructure: msh.readText(9, 1, 3),
    hl7Version,
    processingId,
    controlId,
    occurredAt: times.times.occurredAt,
    occurredAtSource: times.times.occurredAtSource,
    recordedAt: times.times.recordedAt,
    receivedAt: opts.receivedAt,
    facility: {
      sendingApplication,
      sendingFacility,
      receivingApplication: hdField(msh, 5),
      receivingFacility: hdField(msh, 6),
      displayName: mapping.displayName,
      timeZone: mapping.timeZone,
    },
    patient: patient.patient,
    visit,
    primaryCareProvider: readPrimaryCareProvider(segments.rol, segments.pd1),
    diagnoses: readDiagnoses(segments.dg1),
    insurances,
    merge,
    flags: {
      sensitiveFacility: mapping.sensitiveFacility,
      isEdVisit: setting.isEd,
      isObservation: setting.isObservation,
      patientProtected: patient.protected,
    },
  };
  return { ok: true, event };
}
