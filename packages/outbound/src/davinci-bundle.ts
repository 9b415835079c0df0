import type { AdtEvent, AdtEventKind, MatchedEvent, PersonName, Provider } from "@homeward/contracts";
import type {
  Bundle,
  BundleEntry,
  Condition,
  Coverage,
  CoverageClass,
  Encounter,
  EncounterDiagnosis,
  EncounterLocation,
  EncounterParticipant,
  HumanName,
  Identifier,
  Location,
  MessageHeader,
  Organization,
  Patient,
  Practitioner,
  Resource,
} from "@medplum/fhirtypes";
import {
  CANCEL_TRIGGER_DISPLAY,
  DIAGNOSIS_SYSTEM,
  DIAGNOSIS_USE,
  DISCHARGE_DISPOSITION_DISPLAY,
  ENCOUNTER_CLASS,
  ENCOUNTER_TYPE,
  genderOf,
  NOTIFICATION_DISPLAY,
  type NotificationEvent,
  PROFILES,
  SYSTEMS,
} from "./fhir-codes.ts";
import { urnUuid } from "./fhir-ids.ts";

/** Where Homeward's own identifier systems live: `<base>/<kind>/<authority>`. */
export const IDENTIFIER_BASE = "urn:homeward";

export interface NotificationOptions {
  /** The delivery's id: the Bundle's identifier and every fullUrl derive from it. */
  messageId: string;
  timestamp: Date;
  event: NotificationEvent;
  /** Homeward, the source application. */
  source: { name: string; endpoint: string };
  /** The receiver: the endpoint's URL. */
  destination: { endpoint: string };
}

const HEADER_PROFILE: Record<NotificationEvent, string> = {
  "notification-admit": PROFILES.admitHeader,
  "notification-discharge": PROFILES.dischargeHeader,
  "notification-transfer": PROFILES.transferHeader,
};

const DISCHARGE_KINDS = new Set<AdtEvent["kind"]>(["ed-discharge", "discharge"]);

/**
 * The Da Vinci Unsolicited Notifications (1.1.0) message for one matched record: a `message` Bundle
 * whose first entry is the MessageHeader (event code, source Homeward, sender the hospital, the
 * receiving practice), focused on the Encounter, with the Patient, the facility's Organization and
 * Locations, the practitioners and the diagnoses as Conditions. Pure: the same record and options
 * always give the same Bundle. The field mapping is written down in docs/outbound-davinci.md.
 */
export function buildNotificationBundle(matched: MatchedEvent, options: NotificationOptions): Bundle {
  const event = matched.event;
  const id = (what: string) => urnUuid(options.messageId, what);
  const entries: BundleEntry[] = [];
  // Each resource's id is the uuid of its fullUrl (R4: a fullUrl ends with the resource's id).
  const add = (fullUrl: string, resource: Resource) => {
    entries.push({ fullUrl, resource: { ...resource, id: fullUrl.slice("urn:uuid:".length) } });
    return { reference: fullUrl };
  };
  const facilityCode = event.facility.sendingFacility;

  const hospital = add(id("organization:facility"), {
    resourceType: "Organization",
    meta: { profile: [PROFILES.organization] },
    active: true,
    identifier: [{ system: `${IDENTIFIER_BASE}:facility`, value: facilityCode }],
    name: event.facility.displayName ?? facilityCode,
  } satisfies Organization);
  const practice = add(id("organization:practice"), {
    resourceType: "Organization",
    meta: { profile: [PROFILES.organization] },
    active: true,
    identifier: [{ system: `${IDENTIFIER_BASE}:organization`, value: matched.practice.code }],
    name: matched.practice.name,
  } satisfies Organization);
  const pcp =
    event.primaryCareProvider === undefined
      ? undefined
      : add(id("practitioner:PCP"), practitionerOf(event.primaryCareProvider));
  const patient = add(id("patient"), {
    ...patientOf(matched),
    ...(pcp === undefined ? {} : { generalPractitioner: [pcp] }),
  });

  const locations: EncounterLocation[] = [];
  const visit = event.visit;
  for (const [which, pl, status] of [
    ["location:prior", visit?.priorLocation, "completed"],
    ["location:current", visit?.location, DISCHARGE_KINDS.has(event.kind) ? "completed" : "active"],
  ] as const) {
    if (pl === undefined) continue;
    const name = [pl.pointOfCare, pl.room, pl.bed].filter((p) => p !== undefined).join("-");
    const ref = add(id(which), {
      resourceType: "Location",
      meta: { profile: [PROFILES.location] },
      status: "active",
      name: name === "" ? (pl.description ?? facilityCode) : name,
      ...(pl.description === undefined ? {} : { description: pl.description }),
      mode: "instance",
      managingOrganization: hospital,
    } satisfies Location);
    locations.push({ location: ref, status });
  }

  const participants: EncounterParticipant[] = [];
  for (const [role, provider, display] of [
    ["ATND", visit?.attendingProvider, "attender"],
    ["ADM", visit?.admittingProvider, "admitter"],
  ] as const) {
    if (provider === undefined) continue;
    const ref = add(id(`practitioner:${role}`), practitionerOf(provider));
    participants.push({
      type: [{ coding: [{ system: SYSTEMS.participationType, code: role, display }] }],
      individual: ref,
    });
  }

  const diagnoses: EncounterDiagnosis[] = [];
  event.diagnoses.forEach((dg, i) => {
    const system = dg.system === undefined ? undefined : DIAGNOSIS_SYSTEM[dg.system.toUpperCase()];
    const ref = add(id(`condition:${i}`), {
      resourceType: "Condition",
      meta: { profile: [PROFILES.condition] },
      category: [
        {
          coding: [
            {
              system: SYSTEMS.conditionCategory,
              code: "encounter-diagnosis",
              display: "Encounter Diagnosis",
            },
          ],
        },
      ],
      code: {
        ...(dg.code === undefined || system === undefined
          ? {}
          : {
              coding: [
                {
                  system,
                  code: dg.code,
                  ...(dg.description === undefined ? {} : { display: dg.description }),
                },
              ],
            }),
        text: dg.description ?? dg.code ?? "diagnosis",
      },
      subject: patient,
    } satisfies Condition);
    const use = dg.type === undefined ? undefined : DIAGNOSIS_USE[dg.type];
    const rank =
      dg.priority !== undefined && /^[1-9][0-9]{0,3}$/.test(dg.priority) ? Number(dg.priority) : undefined;
    diagnoses.push({
      condition: ref,
      ...(use === undefined ? {} : { use: { coding: [{ system: SYSTEMS.diagnosisRole, ...use }] } }),
      ...(rank === undefined ? {} : { rank }),
    });
  });

  // IN1: one Coverage per insurance the hospital sent with a payer, its payer an Organization.
  event.insurances.forEach((ins, i) => {
    if (ins.payerId === undefined && ins.payerName === undefined) return;
    const payer = add(id(`organization:payer:${i}`), {
      resourceType: "Organization",
      meta: { profile: [PROFILES.organization] },
      active: true,
      ...(ins.payerId === undefined
        ? {}
        : { identifier: [{ system: `${IDENTIFIER_BASE}:payer`, value: ins.payerId }] }),
      name: ins.payerName ?? ins.payerId ?? "payer",
    } satisfies Organization);
    const classes: CoverageClass[] = [];
    for (const [code, value, name] of [
      ["group", ins.groupNumber, ins.groupName],
      ["plan", ins.planId, ins.planName],
    ] as const) {
      if (value === undefined) continue;
      classes.push({
        type: { coding: [{ system: SYSTEMS.coverageClass, code }] },
        value,
        ...(name === undefined ? {} : { name }),
      });
    }
    const subscriberId = ins.memberId ?? ins.insuredId ?? ins.policyNumber;
    const order =
      ins.setId !== undefined && /^[1-9][0-9]{0,2}$/.test(ins.setId) ? Number(ins.setId) : undefined;
    add(id(`coverage:${i}`), {
      resourceType: "Coverage",
      meta: { profile: [PROFILES.coverage] },
      status: "active",
      ...(subscriberId === undefined ? {} : { subscriberId }),
      beneficiary: patient,
      payor: [payer],
      ...(classes.length === 0 ? {} : { class: classes }),
      ...(order === undefined ? {} : { order }),
    } satisfies Coverage);
  });

  const encounter = add(
    id("encounter"),
    encounterOf(matched, { patient, hospital, locations, participants, diagnoses }),
  );

  const headerUrl = id("message-header");
  const header: MessageHeader = {
    resourceType: "MessageHeader",
    id: headerUrl.slice("urn:uuid:".length),
    meta: { profile: [HEADER_PROFILE[options.event]] },
    eventCoding: {
      system: SYSTEMS.notificationEvent,
      code: options.event,
      display: NOTIFICATION_DISPLAY[options.event],
    },
    destination: [{ endpoint: options.destination.endpoint, receiver: practice }],
    sender: hospital,
    source: { name: options.source.name, endpoint: options.source.endpoint },
    responsible: hospital,
    focus: [encounter],
  };
  return {
    resourceType: "Bundle",
    meta: { profile: [PROFILES.bundle], lastUpdated: options.timestamp.toISOString() },
    identifier: { system: "urn:ietf:rfc:3986", value: urnUuid(options.messageId, "bundle") },
    type: "message",
    timestamp: options.timestamp.toISOString(),
    entry: [{ fullUrl: headerUrl, resource: header }, ...entries],
  };
}

export interface CorrectionOptions {
  /** The correction's delivery id: its Bundle identifier and MessageHeader derive from it. */
  messageId: string;
  timestamp: Date;
  /** The delivery id the original was built with (to find its current and prior Location). */
  originalMessageId: string;
  /** What the hospital cancelled: the retraction's kind and its HL7 trigger (EVN-1 / MSH-9.2). */
  cancel: { kind: AdtEventKind; trigger: string };
}

/**
 * The correction of a notification already sent, built from what was sent: the same message (same
 * event code, same resources, so the receiver finds its encounter by `Encounter.identifier`) under a
 * new identifier and time, `MessageHeader.reason` the hospital's trigger (v2 table 0003: A11, A12,
 * A13), and the Encounter as it stands after the cancel. The IG (1.1.0) defines no cancel event code;
 * docs/outbound-davinci.md gives this mapping:
 * - A11 (the admission did not happen): the Encounter `entered-in-error`.
 * - A13 (the discharge did not happen, the patient is still in): `in-progress`, without
 *   `period.end`, discharge disposition and destination; its current location active again.
 * - A12 (the transfer did not happen): `in-progress` at the prior location when the transfer named
 *   one, else with no location; the location it moved to is dropped.
 * Any other cancel kind is taken as the first (`entered-in-error`).
 */
export function buildRetractionBundle(original: Bundle, options: CorrectionOptions): Bundle {
  const kind = options.cancel.kind;
  const locationUrl = (which: "current" | "prior") => urnUuid(options.originalMessageId, `location:${which}`);
  // A12: the location the patient was moved to is gone from the Encounter, so from the Bundle too.
  const dropped = kind === "cancel-transfer" ? locationUrl("current") : undefined;
  const entry = (original.entry ?? [])
    .filter((e) => dropped === undefined || e.fullUrl !== dropped)
    .map((e): BundleEntry => {
      if (e.resource?.resourceType === "Encounter")
        return { ...e, resource: correctedEncounter(e.resource, kind, locationUrl) };
      if (e.resource?.resourceType === "MessageHeader") {
        const fullUrl = urnUuid(options.messageId, "message-header");
        const trigger = options.cancel.trigger;
        const display = CANCEL_TRIGGER_DISPLAY[trigger];
        return {
          fullUrl,
          resource: {
            ...e.resource,
            id: fullUrl.slice("urn:uuid:".length),
            reason: {
              coding: [
                { system: SYSTEMS.eventType, code: trigger, ...(display === undefined ? {} : { display }) },
              ],
            },
          },
        };
      }
      return e;
    });
  return {
    ...original,
    meta: { ...original.meta, lastUpdated: options.timestamp.toISOString() },
    identifier: { system: "urn:ietf:rfc:3986", value: urnUuid(options.messageId, "bundle") },
    timestamp: options.timestamp.toISOString(),
    entry,
  };
}

function correctedEncounter(
  encounter: Encounter,
  kind: AdtEventKind,
  locationUrl: (which: "current" | "prior") => string,
): Encounter {
  switch (kind) {
    case "cancel-discharge": {
      const { end: _end, ...period } = encounter.period ?? {};
      const {
        dischargeDisposition: _disposition,
        destination: _destination,
        ...hospitalization
      } = encounter.hospitalization ?? {};
      const { period: _p, hospitalization: _h, location: _l, ...rest } = encounter;
      const location = (encounter.location ?? []).map((l) =>
        l.location.reference === locationUrl("current") ? { ...l, status: "active" as const } : l,
      );
      return {
        ...rest,
        status: "in-progress",
        ...(Object.keys(period).length === 0 ? {} : { period }),
        ...(Object.keys(hospitalization).length === 0 ? {} : { hospitalization }),
        ...(location.length === 0 ? {} : { location }),
      };
    }
    case "cancel-transfer": {
      const { location: _l, ...rest } = encounter;
      const location = (encounter.location ?? [])
        .filter((l) => l.location.reference !== locationUrl("current"))
        .map((l) =>
          l.location.reference === locationUrl("prior") ? { ...l, status: "active" as const } : l,
        );
      return { ...rest, status: "in-progress", ...(location.length === 0 ? {} : { location }) };
    }
    default:
      return { ...encounter, status: "entered-in-error" };
  }
}

function encounterOf(
  matched: MatchedEvent,
  parts: {
    patient: { reference: string };
    hospital: { reference: string };
    locations: EncounterLocation[];
    participants: EncounterParticipant[];
    diagnoses: EncounterDiagnosis[];
  },
): Encounter {
  const { event, encounter } = matched;
  const visit = event.visit;
  const discharged = DISCHARGE_KINDS.has(event.kind) || encounter.status === "discharged";
  const start = visit?.admittedAt ?? (discharged ? undefined : event.occurredAt);
  const end = discharged ? (visit?.dischargedAt ?? event.occurredAt) : undefined;
  const cls = ENCOUNTER_CLASS[encounter.setting] ?? { code: "AMB", display: "ambulatory" };
  const type = ENCOUNTER_TYPE[encounter.setting];
  const disposition = visit?.dischargeDisposition;
  const hospitalization: Encounter["hospitalization"] = {
    ...(visit?.admitSource === undefined
      ? {}
      : { admitSource: { coding: [{ system: SYSTEMS.admitSource, code: visit.admitSource }] } }),
    ...(disposition === undefined
      ? {}
      : {
          dischargeDisposition: {
            coding: [
              {
                system: SYSTEMS.dischargeDisposition,
                code: disposition,
                ...(DISCHARGE_DISPOSITION_DISPLAY[disposition] === undefined
                  ? {}
                  : { display: DISCHARGE_DISPOSITION_DISPLAY[disposition] }),
              },
            ],
          },
        }),
    ...(visit?.dischargedTo === undefined ? {} : { destination: { display: visit.dischargedTo } }),
  };
  const identifiers: Identifier[] = [
    {
      use: "official",
      type: { coding: [{ system: SYSTEMS.identifierType, code: "VN", display: "Visit number" }] },
      system: `${IDENTIFIER_BASE}:visit:${event.facility.sendingFacility}`,
      value: encounter.visitNumber,
    },
  ];
  if (visit?.accountNumber !== undefined) {
    identifiers.push({
      type: { coding: [{ system: SYSTEMS.identifierType, code: "AN", display: "Account number" }] },
      system: `${IDENTIFIER_BASE}:account:${event.facility.sendingFacility}`,
      value: visit.accountNumber,
    });
  }
  const reason = visit?.admitReason;
  return {
    resourceType: "Encounter",
    meta: { profile: [PROFILES.encounter] },
    identifier: identifiers,
    status: discharged ? "finished" : encounter.setting === "pre-admit" ? "planned" : "in-progress",
    class: { system: SYSTEMS.actCode, ...cls },
    ...(type === undefined
      ? {}
      : { type: [{ coding: [{ system: SYSTEMS.sct, ...type }], text: type.display }] }),
    subject: parts.patient,
    ...(parts.participants.length === 0 ? {} : { participant: parts.participants }),
    ...(start === undefined && end === undefined
      ? {}
      : { period: { ...(start === undefined ? {} : { start }), ...(end === undefined ? {} : { end }) } }),
    ...(reason === undefined || (reason.code === undefined && reason.text === undefined)
      ? {}
      : {
          reasonCode: [
            {
              ...(reason.code === undefined
                ? {}
                : {
                    coding: [
                      { code: reason.code, ...(reason.text === undefined ? {} : { display: reason.text }) },
                    ],
                  }),
              ...(reason.text === undefined ? {} : { text: reason.text }),
            },
          ],
        }),
    ...(parts.diagnoses.length === 0 ? {} : { diagnosis: parts.diagnoses }),
    ...(Object.keys(hospitalization).length === 0 ? {} : { hospitalization }),
    ...(parts.locations.length === 0 ? {} : { location: parts.locations }),
    serviceProvider: parts.hospital,
  };
}

/** The identifier system of Homeward's own patient id on every Patient it builds. */
const PATIENT_ID_SYSTEM = `${IDENTIFIER_BASE}:patient`;

/** Homeward's patient ids among built resources (their Patients' `urn:homeward:patient` identifier): for the access log. */
export const homewardPatientIds = (resources: readonly Resource[]): string[] =>
  resources.flatMap((r) =>
    r.resourceType === "Patient"
      ? (r.identifier ?? []).flatMap((i) =>
          i.system === PATIENT_ID_SYSTEM && i.value !== undefined ? [i.value] : [],
        )
      : [],
  );

function patientOf(matched: MatchedEvent): Patient {
  const p = matched.event.patient;
  const identifier: Identifier[] = [
    { system: PATIENT_ID_SYSTEM, value: matched.patientId },
    ...p.identifiers.map(
      (i): Identifier => ({
        ...(i.typeCode === undefined
          ? {}
          : { type: { coding: [{ system: SYSTEMS.identifierType, code: i.typeCode }] } }),
        system: `${IDENTIFIER_BASE}:id:${i.assigningAuthority ?? matched.event.facility.sendingFacility}`,
        value: i.value,
      }),
    ),
  ];
  const name = p.name === undefined ? undefined : humanName(p.name);
  return {
    resourceType: "Patient",
    meta: { profile: [PROFILES.patient] },
    identifier,
    // US Core: a name is required; a sender without PID-5 gets the data-absent form.
    name: [name ?? { text: "unknown" }],
    gender: genderOf(p.sex),
    ...(p.birthDate === undefined ? {} : { birthDate: p.birthDate }),
    ...(p.deceasedAt !== undefined
      ? { deceasedDateTime: p.deceasedAt }
      : p.deceased === undefined
        ? {}
        : { deceasedBoolean: p.deceased }),
    ...(p.addresses.length === 0
      ? {}
      : {
          address: p.addresses.map((a) => ({
            ...(a.street === undefined && a.otherDesignation === undefined
              ? {}
              : { line: [a.street, a.otherDesignation].filter((l): l is string => l !== undefined) }),
            ...(a.city === undefined ? {} : { city: a.city }),
            ...(a.state === undefined ? {} : { state: a.state }),
            ...(a.postalCode === undefined ? {} : { postalCode: a.postalCode }),
            ...(a.country === undefined ? {} : { country: a.country }),
          })),
        }),
    ...(p.telecoms.length === 0
      ? {}
      : {
          telecom: p.telecoms.map((t) => ({
            system: t.system,
            value: t.value,
            ...(t.field === "PID-14"
              ? { use: "work" as const }
              : t.equipmentType === "CP"
                ? { use: "mobile" as const }
                : { use: "home" as const }),
          })),
        }),
  };
}

function practitionerOf(provider: Provider): Practitioner {
  const identifier: Identifier[] =
    provider.npi !== undefined
      ? [{ system: SYSTEMS.npi, value: provider.npi }]
      : provider.identifiers.map((i) => ({
          system: `${IDENTIFIER_BASE}:provider:${i.assigningAuthority ?? "local"}`,
          value: i.value,
        }));
  const name = provider.name === undefined ? undefined : humanName(provider.name);
  return {
    resourceType: "Practitioner",
    meta: { profile: [PROFILES.practitioner] },
    ...(identifier.length === 0 ? {} : { identifier }),
    name: [name ?? { text: "unknown" }],
  };
}

function humanName(n: PersonName): HumanName | undefined {
  const given = [n.given, n.middle].filter((g): g is string => g !== undefined);
  if (n.family === undefined && given.length === 0) return undefined;
  return {
    ...(n.typeCode === "L" ? { use: "official" as const } : {}),
    ...(n.family === undefined ? {} : { family: n.family }),
    ...(given.length === 0 ? {} : { given }),
    ...(n.prefix === undefined ? {} : { prefix: [n.prefix] }),
    ...(n.suffix === undefined ? {} : { suffix: [n.suffix] }),
  };
}
