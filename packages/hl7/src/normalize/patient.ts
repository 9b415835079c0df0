import type {
  AdtPatient,
  FacilityMapping,
  Identifier,
  PrimaryCareProvider,
  Telecom,
} from "@homeward/contracts";
import type { Hl7Error } from "../errors.ts";
import type { Hl7Segment } from "../message.ts";
import {
  readAddress,
  readIdentifiers,
  readPreferredName,
  readProvider,
  readTelecom,
  text,
} from "./data-types.ts";
import { readTime } from "./event-times.ts";
import { parseHl7Date, parseHl7Time } from "./hl7-time.ts";

/** The key identifier: first PID-3 repetition of an MRN type (and authority, if the mapping says). */
export function primaryIdentifierOf(
  identifiers: readonly [Identifier, ...Identifier[]],
  mapping: Pick<FacilityMapping, "mrnTypeCodes" | "mrnAssigningAuthority">,
): Identifier {
  const match = identifiers.find(
    (id) =>
      id.typeCode !== undefined &&
      mapping.mrnTypeCodes.includes(id.typeCode) &&
      (mapping.mrnAssigningAuthority === undefined ||
        id.assigningAuthority === mapping.mrnAssigningAuthority),
  );
  return match ?? identifiers[0];
}

/**
 * PID (and PD1-12): the person. PID-3 must hold at least one identifier (101 otherwise): without it
 * the event cannot be keyed or matched. A malformed PID-7 or PID-29 is a 102; a birth date given
 * to the year or month only is left out rather than invented.
 */
export function readPatient(
  pid: Hl7Segment,
  pd1: Hl7Segment | undefined,
  mapping: Pick<FacilityMapping, "mrnTypeCodes" | "mrnAssigningAuthority" | "timeZone">,
): { ok: true; patient: Omit<AdtPatient, "memberId">; protected: boolean } | { ok: false; error: Hl7Error } {
  const [first, ...more] = readIdentifiers(pid.field(3));
  if (first === undefined) {
    return {
      ok: false,
      error: {
        code: "101",
        text: "Required field PID-3 (patient identifier list) has no identifier",
        location: { segment: "PID", sequence: pid.sequence, field: 3, component: 1 },
      },
    };
  }
  const identifiers: [Identifier, ...Identifier[]] = [first, ...more];

  const birth = pid.read(7).trim();
  if (birth !== "" && !parseHl7Time(birth, "UTC").ok) {
    return {
      ok: false,
      error: {
        code: "102",
        text: "PID-7 (date/time of birth) is not a valid date",
        location: { segment: "PID", sequence: pid.sequence, field: 7 },
      },
    };
  }
  const death = readTime(pid, 29, mapping.timeZone);
  if (!death.ok) return death;

  const telecoms: Telecom[] = [];
  for (const [n, field] of [
    [13, "PID-13"],
    [14, "PID-14"],
  ] as const) {
    for (const rep of pid.field(n).repetitions) {
      const telecom = readTelecom(rep, field);
      if (telecom !== undefined) telecoms.push(telecom);
    }
  }
  const deathIndicator = text(pid.read(30));
  return {
    ok: true,
    patient: {
      identifiers,
      primaryIdentifier: primaryIdentifierOf(identifiers, mapping),
      name: readPreferredName(pid.field(5)),
      birthDate: birth === "" ? undefined : parseHl7Date(birth),
      sex: text(pid.read(8)),
      addresses: pid.field(11).repetitions.flatMap((rep) => readAddress(rep) ?? []),
      telecoms,
      deceased: deathIndicator === "Y" ? true : deathIndicator === "N" ? false : undefined,
      deceasedAt: death.iso,
    },
    protected: text(pd1?.read(12) ?? "") === "Y",
  };
}

/**
 * The primary care provider: a ROL segment with role `PP` (HL7 table 0443; ROL-2 `DE` deletions
 * skipped), which v2.7 prefers, else PD1-4.
 */
export function readPrimaryCareProvider(
  rols: readonly Hl7Segment[],
  pd1: Hl7Segment | undefined,
): PrimaryCareProvider | undefined {
  for (const rol of rols) {
    if (rol.read(3) !== "PP" || rol.read(2) === "DE") continue;
    const provider = readProvider(rol.field(4));
    if (provider !== undefined) return { ...provider, source: "ROL" };
  }
  const provider = pd1 === undefined ? undefined : readProvider(pd1.field(4));
  return provider === undefined ? undefined : { ...provider, source: "PD1-4" };
}
