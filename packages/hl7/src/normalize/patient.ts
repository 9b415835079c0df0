import type {
  Address,
  AdtPatient,
  FacilityMapping,
  Identifier,
  PrimaryCareProvider,
  Provider,
  Telecom,
} from "@homeward/contracts";
import type { Hl7Error } from "../errors.ts";
import type { Hl7Segment } from "../message.ts";
import { readAddress, readIdentifiers, readPreferredName, readProvider, readTelecom } from "./data-types.ts";
import { readTime } from "./event-times.ts";
import { isValidHl7Time, parseHl7Date } from "./hl7-time.ts";

const hasOne = <T>(list: T[]): list is [T, ...T[]] => list.length > 0;

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
): { ok: true; patient: AdtPatient; protected: boolean } | { ok: false; error: Hl7Error } {
  const identifiers = readIdentifiers(pid.field(3));
  if (!hasOne(identifiers)) {
    return {
      ok: false,
      error: {
        code: "101",
        text: "Required field PID-3 (patient identifier list) has no identifier",
        location: { segment: "PID", sequence: pid.sequence, field: 3, component: 1 },
      },
    };
  }
  const birth = pid.readText(7) ?? "";
  if (birth !== "" && !isValidHl7Time(birth)) {
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
  for (const rep of pid.field(13).repetitions) {
    const telecom = readTelecom(rep, "PID-13");
    if (telecom !== undefined) telecoms.push(telecom);
  }
  for (const rep of pid.field(14).repetitions) {
    const telecom = readTelecom(rep, "PID-14");
    if (telecom !== undefined) telecoms.push(telecom);
  }
  const addresses: Address[] = [];
  for (const rep of pid.field(11).repetitions) {
    const address = readAddress(rep);
    if (address !== undefined) addresses.push(address);
  }
  const deathIndicator = pid.readText(30);
  return {
    ok: true,
    patient: {
      identifiers,
      primaryIdentifier: primaryIdentifierOf(identifiers, mapping),
      name: readPreferredName(pid.field(5)),
      birthDate: birth === "" ? undefined : parseHl7Date(birth),
      sex: pid.readText(8),
      addresses,
      telecoms,
      deceased: deathIndicator === "Y" ? true : deathIndicator === "N" ? false : undefined,
      deceasedAt: death.iso,
      // Filled in by the caller, once the insurances are read.
      memberId: undefined,
    },
    protected: pd1?.readText(12) === "Y",
  };
}

// Written out rather than spread: an object spread costs far more than the rest of this path.
const withSource = (p: Provider, source: PrimaryCareProvider["source"]): PrimaryCareProvider => ({
  identifiers: p.identifiers,
  npi: p.npi,
  name: p.name,
  source,
});

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
    if (provider !== undefined) return withSource(provider, "ROL");
  }
  const provider = pd1 === undefined ? undefined : readProvider(pd1.field(4));
  return provider === undefined ? undefined : withSource(provider, "PD1-4");
}
