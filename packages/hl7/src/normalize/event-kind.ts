import type { AdtEventKind, AdtVisit, FacilityMapping } from "@homeward/contracts";

/** What the facility mapping makes of a visit's PV1 codes. */
export interface VisitSetting {
  /** PV1-2 is an ED class, or PV1-3.1 an ED point of care. */
  readonly isEd: boolean;
  /** PV1-2, PV1-18 or PV1-3.1 says observation. */
  readonly isObservation: boolean;
  /** PV1-6.1 prior location is an ED point of care, or PV1-14 an ED admit source (for A06). */
  readonly cameFromEd: boolean;
}

const has = (list: readonly string[], value: string | undefined): boolean =>
  value !== undefined && list.includes(value);

/** Reads the mapping's ED and observation codes against a visit. */
export function visitSetting(
  visit:
    | Pick<AdtVisit, "patientClass" | "patientType" | "location" | "priorLocation" | "admitSource">
    | undefined,
  mapping: Pick<
    FacilityMapping,
    | "edPatientClasses"
    | "edLocations"
    | "edAdmitSources"
    | "observationPatientClasses"
    | "observationPatientTypes"
    | "observationLocations"
  >,
): VisitSetting {
  const pointOfCare = visit?.location?.pointOfCare;
  return {
    isEd: has(mapping.edPatientClasses, visit?.patientClass) || has(mapping.edLocations, pointOfCare),
    isObservation:
      has(mapping.observationPatientClasses, visit?.patientClass) ||
      has(mapping.observationPatientTypes, visit?.patientType) ||
      has(mapping.observationLocations, pointOfCare),
    cameFromEd:
      has(mapping.edLocations, visit?.priorLocation?.pointOfCare) ||
      has(mapping.edAdmitSources, visit?.admitSource),
  };
}

/** How the message is shaped, by trigger: which segments the normalizer insists on. */
export type TriggerScope = "visit" | "person" | "merge";

/**
 * The ADT triggers Homeward understands (HL7 table 0003) and whether they are about a visit (PV1
 * required), a person only (A28, A31) or a merge (MRG required). Anything else is refused with 201:
 * a trigger we do not know is better reported to the hospital than guessed.
 */
export const SUPPORTED_TRIGGERS: Readonly<Record<string, TriggerScope>> = {
  A01: "visit",
  A02: "visit",
  A03: "visit",
  A04: "visit",
  A05: "visit",
  A06: "visit",
  A07: "visit",
  A08: "visit",
  A11: "visit",
  A12: "visit",
  A13: "visit",
  A21: "visit",
  A22: "visit",
  A38: "visit",
  A28: "person",
  A31: "person",
  A18: "merge",
  A30: "merge",
  A34: "merge",
  A36: "merge",
  A39: "merge",
  A40: "merge",
};

/**
 * The event kind for a supported trigger. ED-ness decides only where HL7 uses one trigger for both
 * settings: A04 and A01 (some EHRs send ED arrivals as A01 with class E), A03, and A06 (ED or other
 * outpatient converted to inpatient). Returns `undefined` for an unsupported trigger.
 */
export function eventKindOf(trigger: string, setting: VisitSetting): AdtEventKind | undefined {
  switch (trigger) {
    case "A01":
      return setting.isEd ? "ed-arrival" : "inpatient-admit";
    case "A04":
      return setting.isEd ? "ed-arrival" : "registration";
    case "A03":
      return setting.isEd ? "ed-discharge" : "discharge";
    case "A06":
      return setting.cameFromEd ? "ed-to-inpatient" : "outpatient-to-inpatient";
    case "A07":
      return "inpatient-to-outpatient";
    case "A02":
      return "transfer";
    case "A05":
      return "pre-admit";
    case "A08":
    case "A28":
    case "A31":
      return "update";
    case "A11":
      return "cancel-admit";
    case "A12":
      return "cancel-transfer";
    case "A13":
      return "cancel-discharge";
    case "A38":
      return "cancel-pre-admit";
    case "A21":
      return "leave-of-absence-out";
    case "A22":
      return "leave-of-absence-return";
    case "A18":
    case "A30":
    case "A34":
    case "A36":
    case "A39":
    case "A40":
      return "merge";
    default:
      return undefined;
  }
}
