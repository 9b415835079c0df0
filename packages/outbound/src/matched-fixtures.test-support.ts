import { type AdtEvent, adtEventId, type MatchedEvent } from "@homeward/contracts";

/** A synthetic inpatient discharge with every field the Da Vinci mapping reads. Invented people. */
export function dischargeEvent(overrides: Partial<AdtEvent> = {}): AdtEvent {
  return {
    schemaVersion: 1,
    eventId: adtEventId("EPICADT", "NORTHGEN", "CTRL-D-1"),
    kind: "discharge",
    messageType: "ADT",
    trigger: "A03",
    messageStructure: "ADT_A03",
    hl7Version: "2.5.1",
    processingId: "P",
    controlId: "CTRL-D-1",
    occurredAt: "2026-03-09T14:30:00-05:00",
    occurredAtSource: "PV1-45",
    recordedAt: "2026-03-09T14:31:00-05:00",
    facility: {
      sendingApplication: "EPICADT",
      sendingFacility: "NORTHGEN",
      displayName: "Northgen General Hospital",
      timeZone: "America/New_York",
    },
    patient: {
      identifiers: [
        { value: "MRN00417", typeCode: "MR", assigningAuthority: "NORTHGEN" },
        { value: "M-99001", typeCode: "MB", assigningAuthority: "HPLAN" },
      ],
      primaryIdentifier: { value: "MRN00417", typeCode: "MR", assigningAuthority: "NORTHGEN" },
      name: { family: "Testperson", given: "Avery", middle: "Q", typeCode: "L" },
      birthDate: "1951-07-04",
      sex: "F",
      addresses: [
        { street: "12 Elm St", city: "Springvale", state: "MA", postalCode: "01001", typeCode: "H" },
      ],
      telecoms: [{ system: "phone", value: "555-0100", useCode: "PRN", field: "PID-13" }],
    },
    visit: {
      visitNumber: "V20260301",
      accountNumber: "ACCT-88",
      patientClass: "I",
      location: { pointOfCare: "4W", room: "412", bed: "B", facility: "NORTHGEN" },
      priorLocation: { pointOfCare: "ED", room: "7" },
      hospitalService: "MED",
      admitSource: "7",
      dischargeDisposition: "03",
      dischargedTo: "Maple Court Skilled Nursing",
      attendingProvider: {
        identifiers: [{ value: "1234567893", typeCode: "NPI" }],
        npi: "1234567893",
        name: { family: "Carver", given: "Dana", prefix: "DR" },
      },
      admittingProvider: {
        identifiers: [{ value: "D-55", assigningAuthority: "NORTHGEN" }],
        name: { family: "Lind", given: "Rowan" },
      },
      admitReason: { code: "CP", text: "Chest pain" },
      admittedAt: "2026-03-05T22:10:00-05:00",
      dischargedAt: "2026-03-09T14:30:00-05:00",
    },
    primaryCareProvider: {
      identifiers: [{ value: "1245319599", typeCode: "NPI" }],
      npi: "1245319599",
      name: { family: "Osei", given: "Kwame" },
      source: "PD1-4",
    },
    diagnoses: [
      {
        code: "I21.4",
        system: "I10",
        description: "Non-ST elevation myocardial infarction",
        type: "F",
        priority: "1",
      },
      { code: "E11.9", system: "I10", description: "Type 2 diabetes mellitus", type: "W" },
      { description: "Shortness of breath", type: "A" },
    ],
    insurances: [
      {
        setId: "1",
        planId: "HP-GOLD",
        planName: "Harbor Plan Gold",
        payerId: "HPLAN",
        payerName: "Harbor Health Plan",
        groupNumber: "G-100",
        memberId: "M-99001",
      },
      { setId: "2", planName: "No payer named" },
    ],
    flags: { sensitiveFacility: false, isEdVisit: false, isObservation: false, patientProtected: false },
    ...overrides,
  };
}

export function matchedOf(event: AdtEvent, overrides: Partial<MatchedEvent> = {}): MatchedEvent {
  return {
    schemaVersion: 1,
    matchId: `m-${event.eventId}`,
    kind: "announcement",
    event,
    patientId: "417",
    practice: {
      organizationId: "1",
      code: "SFM",
      name: "Springvale Family Medicine",
      timeZone: "America/New_York",
    },
    enrollment: {
      program: "complex-care",
      riskTier: "I",
      status: "active",
      leadOrganization: "practice",
      copy: "lead",
    },
    recipients: [],
    flags: {},
    encounter: {
      facility: event.facility.sendingFacility,
      visitNumber: event.visit?.visitNumber ?? "V0",
      setting: "inpatient",
      status: event.kind === "discharge" || event.kind === "ed-discharge" ? "discharged" : "active",
    },
    match: { method: "identifier", fields: [{ field: "identifier:MR", agreement: "exact" }] },
    matchedAt: "2026-03-09T14:31:05-05:00",
    ...overrides,
  };
}

/** The same patient arriving at the ED: few fields (no diagnoses, no providers, no address). */
export function edArrivalEvent(): AdtEvent {
  const d = dischargeEvent();
  return {
    ...d,
    eventId: adtEventId("EPICADT", "NORTHGEN", "CTRL-E-1"),
    kind: "ed-arrival",
    trigger: "A04",
    messageStructure: "ADT_A01",
    controlId: "CTRL-E-1",
    occurredAt: "2026-03-05T20:02:00-05:00",
    occurredAtSource: "EVN-6",
    patient: { ...d.patient, addresses: [], telecoms: [], name: undefined, sex: undefined },
    visit: { visitNumber: "V20260301", patientClass: "E", location: { pointOfCare: "ED" } },
    primaryCareProvider: undefined,
    diagnoses: [],
    insurances: [],
    flags: { ...d.flags, isEdVisit: true },
  };
}
