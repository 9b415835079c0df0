import type { AdtEventKind } from "@homeward/contracts";

/**
 * The code systems the Da Vinci notification Bundle uses, and the mapping from what an `AdtEvent`
 * carries (HL7 v2 table values as sent) to them. docs/outbound-davinci.md lists the same tables.
 */
export const SYSTEMS = {
  /** Da Vinci Unsolicited Notifications 1.1.0: the event code of the MessageHeader. */
  notificationEvent: "http://hl7.org/fhir/us/davinci-alerts/CodeSystem/notification-event",
  actCode: "http://terminology.hl7.org/CodeSystem/v3-ActCode",
  participationType: "http://terminology.hl7.org/CodeSystem/v3-ParticipationType",
  diagnosisRole: "http://terminology.hl7.org/CodeSystem/diagnosis-role",
  conditionCategory: "http://terminology.hl7.org/CodeSystem/condition-category",
  identifierType: "http://terminology.hl7.org/CodeSystem/v2-0203",
  admitSource: "http://terminology.hl7.org/CodeSystem/v2-0023",
  dischargeDisposition: "http://terminology.hl7.org/CodeSystem/v2-0112",
  sct: "http://snomed.info/sct",
  npi: "http://hl7.org/fhir/sid/us-npi",
  icd10cm: "http://hl7.org/fhir/sid/icd-10-cm",
  icd9cm: "http://hl7.org/fhir/sid/icd-9-cm",
  loinc: "http://loinc.org",
  coverageClass: "http://terminology.hl7.org/CodeSystem/coverage-class",
  /** HL7 v2 table 0003 (event type): a correction's `MessageHeader.reason` names the cancel. */
  eventType: "http://terminology.hl7.org/CodeSystem/v2-0003",
} as const;

export const PROFILES = {
  bundle: "http://hl7.org/fhir/us/davinci-alerts/StructureDefinition/notifications-bundle",
  admitHeader: "http://hl7.org/fhir/us/davinci-alerts/StructureDefinition/admit-notification-messageheader",
  dischargeHeader:
    "http://hl7.org/fhir/us/davinci-alerts/StructureDefinition/discharge-notification-messageheader",
  transferHeader:
    "http://hl7.org/fhir/us/davinci-alerts/StructureDefinition/transfer-notification-messageheader",
  encounter: "http://hl7.org/fhir/us/davinci-alerts/StructureDefinition/adt-notification-encounter",
  condition: "http://hl7.org/fhir/us/davinci-alerts/StructureDefinition/adt-notification-condition",
  coverage: "http://hl7.org/fhir/us/davinci-alerts/StructureDefinition/adt-notification-coverage",
  patient: "http://hl7.org/fhir/us/core/StructureDefinition/us-core-patient",
  organization: "http://hl7.org/fhir/us/core/StructureDefinition/us-core-organization",
  location: "http://hl7.org/fhir/us/core/StructureDefinition/us-core-location",
  practitioner: "http://hl7.org/fhir/us/core/StructureDefinition/us-core-practitioner",
} as const;

/** The IG's three ADT event codes. */
export type NotificationEvent = "notification-admit" | "notification-discharge" | "notification-transfer";

export const NOTIFICATION_DISPLAY: Record<NotificationEvent, string> = {
  "notification-admit": "Admit",
  "notification-discharge": "Discharge",
  "notification-transfer": "Transfer",
};

/**
 * Which Da Vinci event an `AdtEvent` kind is; undefined for kinds the IG has no event for (updates,
 * registrations, pre-admits, leaves, merges) and for the cancels, which correct an earlier one under
 * that one's event code (`buildRetractionBundle`).
 */
export function notificationEventOf(kind: AdtEventKind): NotificationEvent | undefined {
  switch (kind) {
    case "ed-arrival":
    case "inpatient-admit":
    case "ed-to-inpatient":
    case "outpatient-to-inpatient":
      return "notification-admit";
    case "ed-discharge":
    case "discharge":
      return "notification-discharge";
    case "transfer":
    case "inpatient-to-outpatient":
      return "notification-transfer";
    case "update":
    case "registration":
    case "pre-admit":
    case "cancel-admit":
    case "cancel-transfer":
    case "cancel-discharge":
    case "cancel-pre-admit":
    case "leave-of-absence-out":
    case "leave-of-absence-return":
    case "merge":
      return undefined;
  }
}

/** Table 0003 displays of the cancels a correction answers (`MessageHeader.reason`). */
export const CANCEL_TRIGGER_DISPLAY: Record<string, string> = {
  A11: "ADT/ACK - Cancel admit/visit notification",
  A12: "ADT/ACK - Cancel transfer",
  A13: "ADT/ACK - Cancel discharge/end visit",
};

/** Encounter.class (v3 ActCode) from the matched encounter's setting. */
export const ENCOUNTER_CLASS: Record<string, { code: string; display: string }> = {
  ed: { code: "EMER", display: "emergency" },
  inpatient: { code: "IMP", display: "inpatient encounter" },
  observation: { code: "OBSENC", display: "observation encounter" },
  outpatient: { code: "AMB", display: "ambulatory" },
  "pre-admit": { code: "PRENC", display: "pre-admission" },
};

/** Encounter.type (SNOMED CT, as US Core's encounter type value set allows) from the setting. */
export const ENCOUNTER_TYPE: Record<string, { code: string; display: string }> = {
  ed: { code: "4525004", display: "Emergency department patient visit" },
  inpatient: { code: "32485007", display: "Hospital admission" },
  observation: { code: "448951000124107", display: "Admission to observation unit" },
  outpatient: { code: "185349003", display: "Encounter for check up" },
  "pre-admit": { code: "305056002", display: "Admission procedure" },
};

/** Condition coding systems by the DG1-3.3 name sent. */
export const DIAGNOSIS_SYSTEM: Record<string, string> = {
  I10: SYSTEMS.icd10cm,
  "ICD-10-CM": SYSTEMS.icd10cm,
  ICD10: SYSTEMS.icd10cm,
  I9: SYSTEMS.icd9cm,
  I9C: SYSTEMS.icd9cm,
  SCT: SYSTEMS.sct,
  SNM: SYSTEMS.sct,
};

/** Encounter.diagnosis.use (diagnosis-role) from DG1-6 (table 0052). */
export const DIAGNOSIS_USE: Record<string, { code: string; display: string }> = {
  A: { code: "AD", display: "Admission diagnosis" },
  F: { code: "DD", display: "Discharge diagnosis" },
  W: { code: "CM", display: "Comorbidity diagnosis" },
};

/** PV1-36 (table 0112 / UB-04 patient status) displays for the common codes. */
export const DISCHARGE_DISPOSITION_DISPLAY: Record<string, string> = {
  "01": "Discharged to home or self care",
  "02": "Discharged/transferred to a short-term general hospital",
  "03": "Discharged/transferred to a skilled nursing facility",
  "04": "Discharged/transferred to an intermediate care facility",
  "05": "Discharged/transferred to another type of institution",
  "06": "Discharged/transferred to home under care of organized home health service",
  "07": "Left against medical advice or discontinued care",
  "20": "Expired",
  "43": "Discharged/transferred to a federal health care facility",
  "50": "Hospice - home",
  "51": "Hospice - medical facility",
  "62": "Discharged/transferred to an inpatient rehabilitation facility",
  "63": "Discharged/transferred to a long term care hospital",
  "65": "Discharged/transferred to a psychiatric hospital",
};

/** Patient.gender from PID-8 (table 0001). */
export function genderOf(sex: string | undefined): "male" | "female" | "other" | "unknown" {
  switch (sex) {
    case "M":
      return "male";
    case "F":
      return "female";
    case "O":
    case "A":
    case "X":
      return "other";
    default:
      return "unknown";
  }
}
