import { type AdtEvent, type AdtEventKind, adtEventId, MatchedEvent } from "@homeward/contracts";
import type { BusinessCalendar } from "./business-calendar.ts";

/** Springfield Family Medicine works on Chicago time and closes for US federal holidays. */
export const CHICAGO_PRACTICE: BusinessCalendar = {
  timeZone: "America/Chicago",
  holidays: { country: "US" },
  closures: [],
};

export interface MatchedEventOptions {
  kind?: AdtEventKind;
  controlId?: string;
  occurredAt?: string;
  visit?: AdtEvent["visit"];
  isObservation?: boolean;
  deceased?: boolean;
  enrollment?: MatchedEvent["enrollment"] | null;
  recipients?: MatchedEvent["recipients"];
  organizationId?: string;
  visitNumber?: string;
  matchKind?: MatchedEvent["kind"];
}

const ED_KINDS: readonly AdtEventKind[] = ["ed-arrival", "ed-discharge"];
const TRIGGERS: Partial<Record<AdtEventKind, string>> = {
  "ed-arrival": "A04",
  "ed-discharge": "A03",
  discharge: "A03",
  "inpatient-admit": "A01",
  "ed-to-inpatient": "A06",
  "outpatient-to-inpatient": "A06",
};

/**
 * A MatchedEvent that passes `MatchedEvent.parse` (checked here, so a fixture can never drift from the
 * contract): by default an ED arrival of a Priority II complex-care patient whose practice holds the lead.
 */
export function matchedEvent(options: MatchedEventOptions = {}): MatchedEvent {
  const kind = options.kind ?? "ed-arrival";
  const controlId = options.controlId ?? "1";
  const isEd = ED_KINDS.includes(kind);
  const patient: AdtEvent["patient"] = {
    identifiers: [{ value: "123", typeCode: "MR" }],
    primaryIdentifier: { value: "123", typeCode: "MR" },
    addresses: [],
    telecoms: [],
  };
  if (options.deceased !== undefined) patient.deceased = options.deceased;
  const event: AdtEvent = {
    schemaVersion: 1,
    eventId: adtEventId("APP", "FAC", controlId),
    kind,
    messageType: "ADT",
    trigger: TRIGGERS[kind] ?? "A08",
    hl7Version: "2.5.1",
    processingId: "P",
    controlId,
    occurredAt: options.occurredAt ?? "2026-09-04T19:30:00-05:00",
    occurredAtSource: "EVN-6",
    recordedAt: options.occurredAt ?? "2026-09-04T19:30:00-05:00",
    facility: { sendingApplication: "APP", sendingFacility: "FAC", timeZone: "America/Chicago" },
    patient,
    visit: options.visit ?? { visitNumber: options.visitNumber ?? "V1", patientClass: isEd ? "E" : "I" },
    diagnoses: [],
    insurances: [],
    flags: {
      sensitiveFacility: false,
      isEdVisit: isEd,
      isObservation: options.isObservation ?? false,
      patientProtected: false,
    },
  };
  const matched: MatchedEvent = {
    schemaVersion: 1,
    matchId: `m-${controlId}`,
    kind: options.matchKind ?? "announcement",
    event,
    patientId: "p-1",
    practice: {
      organizationId: options.organizationId ?? "o-1",
      code: "SFM",
      name: "Springfield Family Medicine",
      timeZone: "America/Chicago",
    },
    recipients: options.recipients ?? [
      { recipientId: "r-pcp", role: "pcp", copy: "lead", basis: "pcp-of-record" },
      { recipientId: "r-cm", role: "care-manager", copy: "lead", basis: "care-manager-of-record" },
    ],
    flags: {},
    encounter: {
      facility: "FAC",
      visitNumber: options.visitNumber ?? "V1",
      setting: isEd ? "ed" : "inpatient",
      status: kind === "discharge" || kind === "ed-discharge" ? "discharged" : "active",
    },
    match: { method: "identifier", fields: [{ field: "identifier:MR", agreement: "exact" }] },
    matchedAt: "2026-09-04T19:30:05-05:00",
  };
  if (options.enrollment !== null) {
    matched.enrollment = options.enrollment ?? {
      program: "complex-care",
      riskTier: "II",
      status: "active",
      leadOrganization: "practice",
      copy: "lead",
    };
  }
  if (matched.kind === "retraction") {
    matched.retracts = { eventId: adtEventId("APP", "FAC", "0"), matchId: "m-0" };
  }
  return MatchedEvent.parse(matched);
}
