import { z } from "zod";
import {
  Address,
  Coded,
  Identifier,
  IsoDate,
  IsoDateTime,
  PatientLocation,
  PersonName,
  Provider,
  Telecom,
  Text,
} from "./common.ts";
import { ADT_EVENT_ID_PATTERN } from "./event-id.ts";

/**
 * What happened, in care-transition terms rather than HL7 trigger codes. Consumers switch over this
 * exhaustively; adding a value is a contract change that the compiler points out everywhere.
 */
export const AdtEventKind = z.enum([
  /** A04 (or A01) for a patient the facility mapping calls ED (PV1-2 class or PV1-3 location). */
  "ed-arrival",
  /** A03 for an ED patient. */
  "ed-discharge",
  /** A01 for a non-ED patient. */
  "inpatient-admit",
  /** A06 coming from the ED (PV1-6 prior location or PV1-14 admit source says so). */
  "ed-to-inpatient",
  /** A06 from any other outpatient setting (including observation). */
  "outpatient-to-inpatient",
  /** A07. */
  "inpatient-to-outpatient",
  /** A02. */
  "transfer",
  /** A03 for a non-ED patient. */
  "discharge",
  /** A08, A28, A31: demographics or visit data changed. */
  "update",
  /** A04 for a non-ED patient (clinic or other outpatient registration). */
  "registration",
  /** A05. */
  "pre-admit",
  /** A11: the admit or visit (A01/A04) did not happen. */
  "cancel-admit",
  /** A12. */
  "cancel-transfer",
  /** A13: the patient was not discharged after all. */
  "cancel-discharge",
  /** A38. */
  "cancel-pre-admit",
  /** A21. */
  "leave-of-absence-out",
  /** A22. */
  "leave-of-absence-return",
  /** A18, A30, A34, A36, A39, A40: identifiers in `merge` now belong to `patient`. */
  "merge",
]);
export type AdtEventKind = z.infer<typeof AdtEventKind>;

/** Every kind, in declaration order. */
export const ADT_EVENT_KINDS: readonly AdtEventKind[] = AdtEventKind.options;

/** Which field `occurredAt` was taken from (first present wins; see the normalizer). */
export const OccurredAtSource = z.enum(["EVN-6", "PV1-44", "PV1-45", "EVN-2", "MSH-7"]);
export type OccurredAtSource = z.infer<typeof OccurredAtSource>;

/** Who sent the message and which facility it is about. */
export const AdtFacility = z.object({
  /** MSH-3 sending application (HD-1, or HD-2 when HD-1 is empty); `""` when the sender leaves it out. */
  sendingApplication: z.string(),
  /** MSH-4 sending facility (HD-1, or HD-2): with the application, the key of the facility mapping. */
  sendingFacility: Text,
  /** MSH-5 receiving application. */
  receivingApplication: Text.optional(),
  /** MSH-6 receiving facility. */
  receivingFacility: Text.optional(),
  /** Display name from the facility mapping, for alerts ("arrived at the ED of ..."). */
  displayName: Text.optional(),
  /** IANA zone of the facility mapping, used for HL7 times that carry no offset. */
  timeZone: Text,
});
export type AdtFacility = z.infer<typeof AdtFacility>;

/** The person (PID, PD1). */
export const AdtPatient = z.object({
  /** Every PID-3 repetition, in message order. Never empty. */
  identifiers: z.array(Identifier).min(1),
  /**
   * The identifier that keys this patient at this facility (Kafka key, roster matching): the first
   * PID-3 repetition whose type is one of the mapping's `mrnTypeCodes` (and authority, if set),
   * else the first repetition.
   */
  primaryIdentifier: Identifier,
  /** PID-5: the legal-name repetition (XPN-7 `L`), else the first. */
  name: PersonName.optional(),
  /** PID-7 date part, when the sender gave at least a day. */
  birthDate: IsoDate.optional(),
  /** PID-8 administrative sex, HL7 table 0001 code as sent (`F`, `M`, `O`, `U`, `A`, `N`, `X`). */
  sex: Text.optional(),
  /** PID-11, every repetition. */
  addresses: z.array(Address),
  /** PID-13 then PID-14, every repetition. */
  telecoms: z.array(Telecom),
  /** The member id found by the mapping's `memberIdSources` (IN1-36, IN1-49 or a PID-3 type). */
  memberId: Text.optional(),
  /** PID-30 patient death indicator is `Y`. */
  deceased: z.boolean().optional(),
  /** PID-29 patient death date and time. */
  deceasedAt: IsoDateTime.optional(),
});
export type AdtPatient = z.infer<typeof AdtPatient>;

/** The encounter (PV1, PV2, PID-18). Absent for person-level messages (A28, A31, most merges). */
export const AdtVisit = z.object({
  /** PV1-19 visit number (CX-1). */
  visitNumber: Text.optional(),
  /** PID-18 patient account number (CX-1). */
  accountNumber: Text.optional(),
  /** PV1-2 patient class, HL7 table 0004 as sent (`E` emergency, `I` inpatient, `O` outpatient...). */
  patientClass: Text.optional(),
  /** PV1-4 admission type, e.g. `E` emergency, `U` urgent, `EL` elective. */
  admissionType: Text.optional(),
  /** PV1-18 patient type (site-defined, often how observation is marked). */
  patientType: Text.optional(),
  /** PV1-3 assigned patient location. */
  location: PatientLocation.optional(),
  /** PV1-6 prior patient location (transfers, A06). */
  priorLocation: PatientLocation.optional(),
  /** PV1-10 hospital service, e.g. `MED`, `SUR`. */
  hospitalService: Text.optional(),
  /** PV1-14 admit source, table 0023 (`7` emergency room in the HL7 suggested values). */
  admitSource: Text.optional(),
  /** PV1-36 discharge disposition, table 0112 (UB-04 codes, e.g. `01` home, `20` expired). */
  dischargeDisposition: Text.optional(),
  /** PV1-37 discharged-to location (DLD-1). */
  dischargedTo: Text.optional(),
  /** PV1-7 attending doctor. */
  attendingProvider: Provider.optional(),
  /** PV1-17 admitting doctor. */
  admittingProvider: Provider.optional(),
  /** PV2-3 admit reason. */
  admitReason: Coded.optional(),
  /** PV1-44 admit date/time. */
  admittedAt: IsoDateTime.optional(),
  /** PV1-45 discharge date/time (first repetition). */
  dischargedAt: IsoDateTime.optional(),
});
export type AdtVisit = z.infer<typeof AdtVisit>;

/** Primary care provider as the hospital knows it. */
export const PrimaryCareProvider = Provider.extend({
  /** `ROL` (role `PP`, preferred, HL7 2.7+) or `PD1-4` (patient primary care provider). */
  source: z.enum(["ROL", "PD1-4"]),
});
export type PrimaryCareProvider = z.infer<typeof PrimaryCareProvider>;

/** A DG1 segment. */
export const Diagnosis = z.object({
  /** DG1-3.1 code, e.g. `R07.9`. */
  code: Text.optional(),
  /** DG1-3.3 coding system, e.g. `I10` (ICD-10-CM). */
  system: Text.optional(),
  /** DG1-3.2 text, else DG1-4 description. */
  description: Text.optional(),
  /** DG1-6 diagnosis type, table 0052: `A` admitting, `W` working, `F` final. */
  type: Text.optional(),
  /** DG1-15 priority (`1` = principal). */
  priority: Text.optional(),
});
export type Diagnosis = z.infer<typeof Diagnosis>;

/** An IN1 segment. */
export const Insurance = z.object({
  /** IN1-1 set id (`1` = primary coverage). */
  setId: Text.optional(),
  /** IN1-2.1 insurance plan id. */
  planId: Text.optional(),
  /** IN1-2.2 plan name, when sent. */
  planName: Text.optional(),
  /** IN1-15 plan type. */
  planType: Text.optional(),
  /** IN1-3.1 insurance company (payer) id. */
  payerId: Text.optional(),
  /** IN1-4.1 insurance company (payer) name. */
  payerName: Text.optional(),
  /** IN1-8 group number. */
  groupNumber: Text.optional(),
  /** IN1-9.1 group name. */
  groupName: Text.optional(),
  /** IN1-36 policy number. */
  policyNumber: Text.optional(),
  /** IN1-49 insured's id number (CX-1). */
  insuredId: Text.optional(),
  /** This coverage's member id, by the mapping's `memberIdSources` (IN1-36 or IN1-49). */
  memberId: Text.optional(),
});
export type Insurance = z.infer<typeof Insurance>;

/** MRG: what the patient was known as before a merge. */
export const MergeInfo = z.object({
  /** MRG-1 prior patient identifier list (plus MRG-4 prior patient id from older versions). */
  priorIdentifiers: z.array(Identifier),
  /** MRG-3 prior patient account number. */
  priorAccountNumber: Text.optional(),
  /** MRG-5 prior visit number. */
  priorVisitNumber: Text.optional(),
  /** MRG-7 prior patient name. */
  priorName: PersonName.optional(),
});
export type MergeInfo = z.infer<typeof MergeInfo>;

/** Yes/no facts consumers route on. */
export const AdtFlags = z.object({
  /** The facility mapping marks this facility sensitive (behavioral health, substance use, 42 CFR Part 2). */
  sensitiveFacility: z.boolean(),
  /** PV1-2 or PV1-3 says this is an emergency department visit. */
  isEdVisit: z.boolean(),
  /** PV1-2, PV1-3 or PV1-18 says this is an observation stay. */
  isObservation: z.boolean(),
  /** PD1-12 protection indicator is `Y`: the patient asked that their information be protected. */
  patientProtected: z.boolean(),
});
export type AdtFlags = z.infer<typeof AdtFlags>;

/**
 * One ADT message, normalized: the record on Kafka topic `adt.events.v1`, keyed by
 * {@link adtEventPartitionKey}. Z-segments and other fields not listed here are not carried (minimum
 * necessary); the raw message is on `adt.raw.v1` for replay with a better mapping.
 */
export const AdtEvent = z
  .object({
    /** Contract version; a breaking change makes a new topic and schema. */
    schemaVersion: z.literal(1),
    /** `adtEventId(MSH-3, MSH-4, MSH-10)`: the same message always gets the same id. */
    eventId: z.string().regex(ADT_EVENT_ID_PATTERN),
    /** What happened, derived from the trigger and the facility mapping. */
    kind: AdtEventKind,
    /** MSH-9.1 message type. */
    messageType: z.literal("ADT"),
    /** MSH-9.2 trigger event (EVN-1 when MSH-9.2 is empty), e.g. `A03`. */
    trigger: z.string().regex(/^A[0-9]{2}$/),
    /** MSH-9.3 message structure, e.g. `ADT_A01`. */
    messageStructure: Text.optional(),
    /** MSH-12.1 HL7 version, e.g. `2.5.1`. */
    hl7Version: Text,
    /** MSH-11.1 processing id: `P` production, `T` training, `D` debugging. */
    processingId: Text,
    /** MSH-10 message control id. */
    controlId: Text,
    /** When the event happened in the world (with the facility's offset if the sender gave none). */
    occurredAt: IsoDateTime,
    /** Which field `occurredAt` came from: EVN-6, PV1-44/PV1-45 (by kind), EVN-2, MSH-7. */
    occurredAtSource: OccurredAtSource,
    /** When the hospital system recorded it: EVN-2, else MSH-7. */
    recordedAt: IsoDateTime,
    /** When the listener received the message, if the caller said so. */
    receivedAt: IsoDateTime.optional(),
    facility: AdtFacility,
    patient: AdtPatient,
    visit: AdtVisit.optional(),
    /** ROL with role `PP`, else PD1-4. */
    primaryCareProvider: PrimaryCareProvider.optional(),
    /** Every DG1 with a code or a description. */
    diagnoses: z.array(Diagnosis),
    /** Every IN1, in message order. */
    insurances: z.array(Insurance),
    /** Present exactly when `kind` is `merge`. */
    merge: MergeInfo.optional(),
    flags: AdtFlags,
  })
  .refine((event) => (event.kind === "merge") === (event.merge !== undefined), {
    message: "merge is required for kind merge and not allowed otherwise",
    path: ["merge"],
  })
  .meta({
    title: "AdtEvent v1",
    description: "A normalized HL7 v2 ADT message, as published on the Kafka topic adt.events.v1.",
  });
export type AdtEvent = z.infer<typeof AdtEvent>;

/**
 * The Kafka key of an event: sending facility plus the patient's primary identifier (and its
 * authority), so every event about one patient at one facility lands in order on one partition.
 */
export function adtEventPartitionKey(event: Pick<AdtEvent, "facility" | "patient">): string {
  const id = event.patient.primaryIdentifier;
  return JSON.stringify([event.facility.sendingFacility, id.assigningAuthority ?? "", id.value]);
}
