import type { AdtVisit, Diagnosis } from "@homeward/contracts";
import type { Hl7Error } from "../errors.ts";
import type { Hl7Segment } from "../message.ts";
import { readCoded, readLocation, readProvider } from "./data-types.ts";

/**
 * PV1 and PV2 (plus PID-18, the account): the encounter. Times (PV1-44, PV1-45) are filled in by the
 * caller, which reads them with the event times. IS fields that became CWE in v2.7 are read by their
 * first component, so `E` and `E^Emergency^HL70004` mean the same.
 */
export function readVisit(pv1: Hl7Segment, pv2: Hl7Segment | undefined, pid: Hl7Segment): AdtVisit {
  return {
    visitNumber: pv1.readText(19),
    accountNumber: pid.readText(18),
    patientClass: pv1.readText(2),
    admissionType: pv1.readText(4),
    patientType: pv1.readText(18),
    location: readLocation(pv1.field(3).repetition(1)),
    priorLocation: readLocation(pv1.field(6).repetition(1)),
    hospitalService: pv1.readText(10),
    admitSource: pv1.readText(14),
    dischargeDisposition: pv1.readText(36),
    dischargedTo: pv1.readText(37),
    attendingProvider: readProvider(pv1.field(7)),
    admittingProvider: readProvider(pv1.field(17)),
    admitReason: pv2 === undefined ? undefined : readCoded(pv2.field(3).repetition(1)),
    admittedAt: undefined,
    dischargedAt: undefined,
  };
}

/** Every DG1 that says something (a code or a description); empty ones are dropped. */
export function readDiagnoses(segments: readonly Hl7Segment[]): Diagnosis[] {
  const out: Diagnosis[] = [];
  for (const dg1 of segments) {
    const coded = readCoded(dg1.field(3).repetition(1));
    const diagnosis: Diagnosis = {
      code: coded?.code,
      system: coded?.system,
      description: coded?.text ?? dg1.readText(4),
      type: dg1.readText(6),
      priority: dg1.readText(15),
    };
    if (diagnosis.code !== undefined || diagnosis.description !== undefined) out.push(diagnosis);
  }
  return out;
}

/** A segment the trigger's message structure requires is not there (table 0357 code 100). */
export function missingSegment(name: string, trigger: string): Hl7Error {
  return { code: "100", text: `Required segment ${name} is missing from ${trigger}` };
}
