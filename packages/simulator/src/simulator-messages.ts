/**
 * Builds one ADT message of the feed simulator, in the sending hospital's style. Pure: the clock,
 * the control id and the patient come in; the HL7 text goes out (segments joined with CR).
 */
import type { SimPatient } from "./simulator-patients.ts";
import { hl7Time, type LocationKind, type VendorStyle } from "./simulator-vendors.ts";

/** The triggers the simulator's stories use (HL7 table 0003). */
export type SimTrigger = "A01" | "A02" | "A03" | "A04" | "A06" | "A08" | "A11" | "A13" | "A40";

/** Message structure (MSH-9.3) per trigger, as HL7 v2.5 assigns them. */
const STRUCTURE: Record<SimTrigger, string> = {
  A01: "ADT_A01",
  A02: "ADT_A02",
  A03: "ADT_A03",
  A04: "ADT_A01",
  A06: "ADT_A06",
  A08: "ADT_A01",
  A11: "ADT_A09",
  A13: "ADT_A01",
  A40: "ADT_A39",
};

export interface SimLocation {
  kind: LocationKind;
  room: string;
  bed: string;
}

/** The encounter as the hospital's system holds it when the message is sent. */
export interface SimVisit {
  visitNumber: string;
  /** PV1-2: E emergency, I inpatient, O outpatient. */
  patientClass: "E" | "I" | "O";
  location: SimLocation;
  /** PV1-6, on transfers and ED-to-inpatient conversions. */
  priorLocation?: SimLocation | undefined;
  /** PV1-4 (table 0007): E emergency, U urgent, R routine. */
  admissionType: string;
  /** PV1-14 (table 0023): 7 emergency room, 1 physician referral. */
  admitSource: string;
  /** PV1-10 hospital service. */
  service: string;
  admittedAt: Date;
  dischargedAt?: Date | undefined;
  /** PV1-36 discharge disposition (NUBC codes: 01 home, 06 home health, 03 SNF…). */
  disposition?: string | undefined;
  diagnosis: { code: string; text: string };
}

export interface SimMessageInput {
  trigger: SimTrigger;
  style: VendorStyle;
  patient: SimPatient;
  /** The MRN this message carries in PID-3 (a temporary one before a merge). */
  mrn: string;
  /** Not sent for A40 (a merge is about the person, not a visit). */
  visit?: SimVisit | undefined;
  /** A40: the MRN being merged away (MRG-1). */
  mergedMrn?: string | undefined;
  /** Whether the member id goes out on this message (registration does not always capture it). */
  withMemberId: boolean;
  controlId: string;
  now: Date;
}

/** A segment line from its fields by number (1-based, as the spec counts; not for MSH). */
function segment(name: string, fields: Record<number, string | undefined>): string {
  const numbers = Object.keys(fields).map(Number);
  const last = Math.max(0, ...numbers.filter((n) => fields[n] !== undefined && fields[n] !== ""));
  const out = [name];
  for (let n = 1; n <= last; n++) out.push(fields[n] ?? "");
  return out.join("|");
}

function location(style: VendorStyle, where: SimLocation | undefined): string | undefined {
  if (where === undefined) return undefined;
  return `${style.units[where.kind]}^${where.room}^${where.bed}^${style.facility}`;
}

/** PID-3: the hospital's MRN, plus the payer's member id where this hospital puts it in PID-3. */
function patientIdentifiers(input: SimMessageInput): string {
  const { style, patient } = input;
  const ids = [`${input.mrn}^^^${style.facility}^MR`];
  if (input.withMemberId && style.memberId === "IN1-49+PID-3" && patient.memberId !== undefined) {
    ids.push(`${patient.memberId}^^^${patient.memberIdAuthority ?? ""}^MB`);
  }
  return ids.join("~");
}

function pid(input: SimMessageInput): string {
  const p = input.patient;
  const phone = p.phone;
  return segment("PID", {
    1: "1",
    3: patientIdentifiers(input),
    5: [p.family, p.given, p.middle ?? ""].join("^").replace(/\^+$/, "").toUpperCase(),
    7: p.birthDate.replaceAll("-", ""),
    8: p.sex,
    11:
      p.street === undefined
        ? undefined
        : `${p.street}^^${p.city ?? ""}^${p.state ?? ""}^${p.postalCode ?? ""}`.toUpperCase(),
    13:
      phone === undefined
        ? undefined
        : input.style.sendsOffset
          ? `^PRN^PH^^^${phone.slice(0, 3)}^${phone.slice(3)}`
          : `(${phone.slice(0, 3)})${phone.slice(3, 6)}-${phone.slice(6)}`,
    18: input.visit === undefined ? undefined : `A${input.visit.visitNumber}`,
  });
}

function pv1(input: SimMessageInput, visit: SimVisit): string {
  const { style } = input;
  const t = (d: Date | undefined) =>
    d === undefined ? undefined : hl7Time(d, style.timeZone, style.sendsOffset);
  return segment("PV1", {
    1: "1",
    2: visit.patientClass,
    3: location(style, visit.location),
    4: visit.admissionType,
    6: location(style, visit.priorLocation),
    7: "9990000011^ATTENDING^DEMO^^^DR",
    10: visit.service,
    14: visit.admitSource,
    19: visit.visitNumber,
    36: visit.disposition,
    44: t(visit.admittedAt),
    45: t(visit.dischargedAt),
  });
}

function in1(input: SimMessageInput): string | undefined {
  const { patient, style } = input;
  if (!input.withMemberId || patient.memberId === undefined) return undefined;
  const plan = patient.memberIdAuthority ?? "PLAN";
  return segment("IN1", {
    1: "1",
    2: `${plan}PPO^Demo PPO`,
    3: plan,
    4: `${plan} HEALTH PLAN (SYNTHETIC)`,
    36: style.memberId === "IN1-36" ? patient.memberId : undefined,
    49: style.memberId === "IN1-49+PID-3" ? `${patient.memberId}^^^${plan}` : undefined,
  });
}

/** The whole message, segments joined with CR (MLLP framing is the client's job). */
export function buildAdtMessage(input: SimMessageInput): string {
  const { style, trigger, visit, now } = input;
  const time = hl7Time(now, style.timeZone, style.sendsOffset);
  const type = style.sendsStructure ? `ADT^${trigger}^${STRUCTURE[trigger]}` : `ADT^${trigger}`;
  const msh = [
    "MSH",
    "^~\\&",
    style.application,
    style.facility,
    "HOMEWARD",
    "HOMEWARD",
    time,
    "",
    type,
    input.controlId,
    "P",
    style.version,
    ...(style.charset === undefined ? [] : ["", "", "", "", "", style.charset]),
  ].join("|");
  const lines = [
    msh,
    segment("EVN", { 1: trigger, 2: time, 6: style.sendsEventOccurred ? time : undefined }),
  ];
  lines.push(pid(input));
  if (style.sendsPcp && input.patient.pcp !== undefined) {
    const pcp = input.patient.pcp;
    lines.push(segment("PD1", { 4: `${pcp.npi}^${pcp.family}^${pcp.given}^^^DR`.toUpperCase() }));
  }
  if (trigger === "A40") {
    const merged = input.mergedMrn ?? input.mrn;
    lines.push(segment("MRG", { 1: `${merged}^^^${style.facility}^MR` }));
    return lines.join("\r");
  }
  if (visit !== undefined) {
    lines.push(pv1(input, visit));
    lines.push(segment("PV2", { 3: `${visit.diagnosis.code}^${visit.diagnosis.text}^I10` }));
    lines.push(segment("DG1", { 1: "1", 3: `${visit.diagnosis.code}^${visit.diagnosis.text}^I10`, 6: "A" }));
  }
  const insurance = in1(input);
  if (insurance !== undefined) lines.push(insurance);
  return lines.join("\r");
}
