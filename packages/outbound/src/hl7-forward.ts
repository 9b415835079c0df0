import type { Address, MatchedEvent, PatientLocation, PersonName, Provider } from "@homeward/contracts";
import { DEFAULT_DELIMITERS, escapeHl7 } from "@homeward/hl7";

/**
 * HL7 v2 forwarding: the ADT re-encoded (v2.5.1) from the normalized event, with Homeward's patient
 * id added to PID-3 (authority `HOMEWARD`, type `PI`), for an organization's EHR interface. Only
 * what the `AdtEvent` carries is sent (minimum necessary; Z-segments and fields Homeward does not
 * keep are not). Pure: the same record and options always give the same text.
 */
export interface ForwardOptions {
  /** MSH-10 of the forwarded message: the delivery id, so the EHR can recognize a resend. */
  controlId: string;
  /** MSH-7. */
  now: Date;
  /** MSH-5 / MSH-6. */
  receiving: { application: string; facility: string };
}

const esc = (v: string | undefined) => (v === undefined ? "" : escapeHl7(v, DEFAULT_DELIMITERS));
const join = (parts: readonly string[], sep: string) => {
  let end = parts.length;
  while (end > 0 && parts[end - 1] === "") end--;
  return parts.slice(0, end).join(sep);
};
const components = (...parts: (string | undefined)[]) => join(parts.map(esc), "^");

/** `2026-03-09T14:30:00-05:00` → `20260309143000-0500` (the offset kept as sent). */
export function hl7DateTime(iso: string | undefined): string {
  if (iso === undefined) return "";
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?(Z|[+-]\d{2}:\d{2})$/.exec(iso);
  if (m === null) return "";
  const offset = m[7] === "Z" ? "+0000" : (m[7] ?? "").replace(":", "");
  return `${m[1]}${m[2]}${m[3]}${m[4]}${m[5]}${m[6] ?? "00"}${offset}`;
}

const hl7Date = (iso: string | undefined) => (iso === undefined ? "" : iso.replaceAll("-", ""));
const name = (n: PersonName | undefined) =>
  n === undefined ? "" : components(n.family, n.given, n.middle, n.suffix, n.prefix, n.degree, n.typeCode);
const xcn = (p: Provider | undefined) => {
  if (p === undefined) return "";
  const id = p.npi ?? p.identifiers[0]?.value;
  const n = p.name;
  return components(
    id,
    n?.family,
    n?.given,
    n?.middle,
    n?.suffix,
    n?.prefix,
    n?.degree,
    undefined,
    // XCN-9 assigning authority and XCN-13 identifier type: how receivers recognize an NPI.
    p.npi === undefined ? p.identifiers[0]?.assigningAuthority : "NPI",
    undefined,
    undefined,
    undefined,
    p.npi === undefined ? p.identifiers[0]?.typeCode : "NPI",
  );
};
const pl = (l: PatientLocation | undefined) =>
  l === undefined
    ? ""
    : components(
        l.pointOfCare,
        l.room,
        l.bed,
        l.facility,
        undefined,
        undefined,
        l.building,
        l.floor,
        l.description,
      );
const xad = (a: Address) =>
  components(
    a.street,
    a.otherDesignation,
    a.city,
    a.state,
    a.postalCode,
    a.country,
    a.typeCode,
    undefined,
    a.county,
  );

/** The forwarded message, segments joined by CR (no MLLP framing). */
export function buildForwardedAdt(matched: MatchedEvent, o: ForwardOptions): string {
  const e = matched.event;
  const v = e.visit;
  const p = e.patient;
  const msh = join(
    [
      "MSH",
      "^~\\&",
      "HOMEWARD",
      esc(e.facility.sendingFacility),
      esc(o.receiving.application),
      esc(o.receiving.facility),
      hl7DateTime(o.now.toISOString().replace(/\.\d{3}Z$/, "Z")),
      "",
      components("ADT", e.trigger, e.messageStructure),
      esc(o.controlId),
      esc(e.processingId),
      "2.5.1",
    ],
    "|",
  );
  const evn = join(
    ["EVN", esc(e.trigger), hl7DateTime(e.recordedAt), "", "", "", hl7DateTime(e.occurredAt)],
    "|",
  );
  const ids = [
    ...p.identifiers.map((i) => components(i.value, undefined, undefined, i.assigningAuthority, i.typeCode)),
    components(matched.patientId, undefined, undefined, "HOMEWARD", "PI"),
  ].join("~");
  const phones = p.telecoms
    .filter((t) => t.field === "PID-13")
    .map((t) =>
      t.system === "email"
        ? components(undefined, "NET", "Internet", t.value)
        : components(t.value, t.useCode, t.equipmentType),
    )
    .join("~");
  const pidFields: string[] = [
    "PID",
    "1",
    "",
    ids,
    "",
    name(p.name),
    "",
    hl7Date(p.birthDate),
    esc(p.sex),
    "",
    "",
    p.addresses.map(xad).join("~"),
    "",
    phones,
  ];
  pidFields[29] = hl7DateTime(p.deceasedAt);
  pidFields[30] = p.deceased === undefined ? "" : p.deceased ? "Y" : "N";
  for (let i = 0; i < pidFields.length; i++) pidFields[i] ??= "";
  if (v?.accountNumber !== undefined) pidFields[18] = components(v.accountNumber);
  const segments = [msh, evn, join(pidFields, "|")];
  if (e.primaryCareProvider !== undefined)
    segments.push(join(["PD1", "", "", "", xcn(e.primaryCareProvider)], "|"));
  if (v !== undefined) {
    const pv1: string[] = Array.from({ length: 46 }, () => "");
    pv1[0] = "PV1";
    pv1[1] = "1";
    pv1[2] = esc(v.patientClass);
    pv1[3] = pl(v.location);
    pv1[4] = esc(v.admissionType);
    pv1[6] = pl(v.priorLocation);
    pv1[7] = xcn(v.attendingProvider);
    pv1[10] = esc(v.hospitalService);
    pv1[14] = esc(v.admitSource);
    pv1[17] = xcn(v.admittingProvider);
    pv1[18] = esc(v.patientType);
    pv1[19] = components(v.visitNumber);
    pv1[36] = esc(v.dischargeDisposition);
    pv1[37] = components(v.dischargedTo);
    pv1[44] = hl7DateTime(v.admittedAt);
    pv1[45] = hl7DateTime(v.dischargedAt);
    segments.push(join(pv1, "|"));
    if (v.admitReason !== undefined)
      segments.push(
        join(["PV2", "", "", components(v.admitReason.code, v.admitReason.text, v.admitReason.system)], "|"),
      );
  }
  e.diagnoses.forEach((d, i) => {
    const dg1: string[] = Array.from({ length: 16 }, () => "");
    dg1[0] = "DG1";
    dg1[1] = String(i + 1);
    dg1[3] = components(d.code, d.description, d.system);
    dg1[6] = esc(d.type);
    dg1[15] = esc(d.priority);
    segments.push(join(dg1, "|"));
  });
  return segments.join("\r");
}
