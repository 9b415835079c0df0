import type { Bundle, Reference, Resource } from "@medplum/fhirtypes";
import { PROFILES, SYSTEMS } from "./fhir-codes.ts";

const HEADER_PROFILES: Record<string, string> = {
  "notification-admit": PROFILES.admitHeader,
  "notification-discharge": PROFILES.dischargeHeader,
  "notification-transfer": PROFILES.transferHeader,
};
const ENCOUNTER_STATUS = new Set([
  "planned",
  "arrived",
  "triaged",
  "in-progress",
  "onleave",
  "finished",
  "cancelled",
  "entered-in-error",
  "unknown",
]);
const GENDER = new Set(["male", "female", "other", "unknown"]);

/**
 * The Da Vinci Unsolicited Notifications 1.1.0 rules a generic R4 validator does not check, written
 * as code (the notifications-bundle, *-notification-messageheader and adt-notification-encounter
 * profiles, and US Core's Patient minimum): what a receiver may rely on. Returns the violations.
 */
export function daVinciViolations(bundle: Bundle): string[] {
  const v: string[] = [];
  const entries = bundle.entry ?? [];
  if (bundle.type !== "message") v.push("Bundle.type must be message");
  if (bundle.identifier?.value === undefined) v.push("Bundle.identifier is required");
  if (bundle.timestamp === undefined) v.push("Bundle.timestamp is required");
  if (!bundle.meta?.profile?.includes(PROFILES.bundle))
    v.push("Bundle.meta.profile must claim notifications-bundle");
  const byUrl = new Map<string, Resource>();
  for (const [i, e] of entries.entries()) {
    if (e.fullUrl === undefined || e.resource === undefined) v.push(`entry[${i}] needs fullUrl and resource`);
    else byUrl.set(e.fullUrl, e.resource);
  }
  const resolve = (ref: Reference | undefined, type: string, what: string) => {
    const target = ref?.reference === undefined ? undefined : byUrl.get(ref.reference);
    if (target?.resourceType !== type) v.push(`${what} must reference a ${type} in the Bundle`);
    return target;
  };
  const header = entries[0]?.resource;
  if (header?.resourceType !== "MessageHeader") return [...v, "the first entry must be the MessageHeader"];
  const code = header.eventCoding?.code ?? "";
  if (header.eventCoding?.system !== SYSTEMS.notificationEvent || HEADER_PROFILES[code] === undefined)
    v.push("MessageHeader.eventCoding must be an admit, discharge or transfer notification-event code");
  else if (!header.meta?.profile?.includes(HEADER_PROFILES[code] ?? ""))
    v.push("MessageHeader.meta.profile must claim the event's MessageHeader profile");
  if (header.source?.endpoint === undefined) v.push("MessageHeader.source.endpoint is required");
  resolve(header.sender, "Organization", "MessageHeader.sender");
  resolve(header.responsible, "Organization", "MessageHeader.responsible");
  for (const d of header.destination ?? []) {
    if (d.receiver !== undefined) resolve(d.receiver, "Organization", "MessageHeader.destination.receiver");
  }
  if (header.focus?.length !== 1) v.push("MessageHeader.focus must be exactly one Encounter");
  const encounter = resolve(header.focus?.[0], "Encounter", "MessageHeader.focus");
  if (encounter?.resourceType === "Encounter") {
    if (!ENCOUNTER_STATUS.has(encounter.status)) v.push("Encounter.status is not an R4 encounter-status");
    if (encounter.class?.system !== SYSTEMS.actCode) v.push("Encounter.class must be a v3 ActCode");
    if ((encounter.type?.length ?? 0) === 0) v.push("Encounter.type is required (US Core)");
    if ((encounter.identifier?.length ?? 0) === 0) v.push("Encounter.identifier is required to correlate");
    const patient = resolve(encounter.subject, "Patient", "Encounter.subject");
    if (patient?.resourceType === "Patient") {
      if ((patient.identifier?.length ?? 0) === 0) v.push("Patient.identifier is required (US Core)");
      if ((patient.name?.length ?? 0) === 0) v.push("Patient.name is required (US Core)");
      if (!GENDER.has(patient.gender ?? "")) v.push("Patient.gender is required (US Core)");
      for (const gp of patient.generalPractitioner ?? [])
        resolve(gp, "Practitioner", "Patient.generalPractitioner");
    }
    for (const p of encounter.participant ?? [])
      resolve(p.individual, "Practitioner", "Encounter.participant.individual");
    for (const l of encounter.location ?? []) resolve(l.location, "Location", "Encounter.location.location");
    for (const d of encounter.diagnosis ?? [])
      resolve(d.condition, "Condition", "Encounter.diagnosis.condition");
    if (encounter.serviceProvider !== undefined)
      resolve(encounter.serviceProvider, "Organization", "Encounter.serviceProvider");
    // A correction (MessageHeader.reason an A11/A12/A13 of table 0003) keeps the event code of the
    // message it corrects and says, by the Encounter, what stands after the cancel.
    const cancel = header.reason?.coding?.find((c) => c.system === SYSTEMS.eventType)?.code;
    if (cancel === "A11" && encounter.status !== "entered-in-error")
      v.push("an A11 correction's Encounter.status must be entered-in-error");
    if (cancel === "A13") {
      if (code !== "notification-discharge") v.push("an A13 correction corrects a notification-discharge");
      if (encounter.status !== "in-progress")
        v.push("an A13 correction's Encounter.status must be in-progress");
      if (encounter.period?.end !== undefined) v.push("an A13 correction's Encounter has no period.end");
      if (encounter.hospitalization?.dischargeDisposition !== undefined)
        v.push("an A13 correction's Encounter has no discharge disposition");
    }
    if (cancel === "A12") {
      if (code !== "notification-transfer") v.push("an A12 correction corrects a notification-transfer");
      if (encounter.status !== "in-progress")
        v.push("an A12 correction's Encounter.status must be in-progress");
    }
    if (cancel !== undefined && !["A11", "A12", "A13"].includes(cancel))
      v.push("MessageHeader.reason must be the cancel (A11, A12 or A13) of a correction");
    if (
      code === "notification-discharge" &&
      cancel === undefined &&
      encounter.status !== "entered-in-error"
    ) {
      if (encounter.period?.end === undefined) v.push("a discharge's Encounter.period.end is required");
      if (encounter.status !== "finished") v.push("a discharge's Encounter.status must be finished");
    }
    if (code === "notification-admit" && encounter.period?.start === undefined)
      v.push("an admit's Encounter.period.start is required");
  }
  for (const e of entries) {
    if (e.resource?.resourceType !== "Coverage") continue;
    resolve(e.resource.beneficiary, "Patient", "Coverage.beneficiary");
    for (const p of e.resource.payor) resolve(p, "Organization", "Coverage.payor");
  }
  return v;
}
