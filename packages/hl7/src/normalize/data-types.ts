import type {
  Address,
  Coded,
  Identifier,
  PatientLocation,
  PersonName,
  Provider,
  Telecom,
} from "@homeward/contracts";
import type { Hl7Field, Hl7Repetition } from "../field.ts";
import type { Hl7Segment } from "../message.ts";

/**
 * Readers for the HL7 v2 composite data types the normalizer needs (CX, XPN, XAD, XTN, XCN, PL, CWE,
 * HD). Each takes one repetition and returns the contract's shape, or `undefined` when nothing
 * useful was sent, so empty repetitions (`~~`) and null fields never become empty objects.
 */

/** The trimmed value, or `undefined` for empty or blank (the parser already reads `""` as empty). */
export function text(value: string): string | undefined {
  if (value === "") return undefined;
  // Most values start and end with a printable ASCII character, which is never white space.
  const first = value.charCodeAt(0);
  const last = value.charCodeAt(value.length - 1);
  if (first > 0x20 && first < 0x7f && last > 0x20 && last < 0x7f) return value;
  const trimmed = value.trim();
  return trimmed === "" ? undefined : trimmed;
}

/** HD in component `c`: namespace id (subcomponent 1), else universal id (subcomponent 2). */
export function hdAt(rep: Hl7Repetition, c: number): string | undefined {
  return rep.componentText(c, 1) ?? rep.componentText(c, 2);
}

/** HD as the whole field `n` of `segment` (MSH-3, MSH-4): HD-1, else HD-2. */
export function hdField(segment: Hl7Segment, n: number): string | undefined {
  return segment.readText(n, 1, 1) ?? segment.readText(n, 1, 2);
}

/** CX: PID-3, MRG-1, IN1-49. */
export function readIdentifier(rep: Hl7Repetition): Identifier | undefined {
  const value = rep.componentText(1);
  if (value === undefined) return undefined;
  return {
    value,
    typeCode: rep.componentText(5),
    assigningAuthority: hdAt(rep, 4),
    assigningFacility: hdAt(rep, 6),
  };
}

/** Every identifier of a repeating CX field, empty repetitions skipped. */
export function readIdentifiers(field: Hl7Field): Identifier[] {
  const out: Identifier[] = [];
  for (const rep of field.repetitions) {
    const id = readIdentifier(rep);
    if (id !== undefined) out.push(id);
  }
  return out;
}

/** XPN, or the name components of XCN starting at `first` (XPN: 1, XCN: 2). */
export function readName(rep: Hl7Repetition, first = 1): PersonName | undefined {
  const family = rep.componentText(first, 1);
  const given = rep.componentText(first + 1);
  const middle = rep.componentText(first + 2);
  const suffix = rep.componentText(first + 3);
  const prefix = rep.componentText(first + 4);
  const degree = rep.componentText(first + 5);
  const typeCode = first === 1 ? rep.componentText(7) : undefined;
  if (
    family === undefined &&
    given === undefined &&
    middle === undefined &&
    suffix === undefined &&
    prefix === undefined &&
    degree === undefined &&
    typeCode === undefined
  ) {
    return undefined;
  }
  return { family, given, middle, suffix, prefix, degree, typeCode };
}

/** PID-5: the legal name (XPN-7 `L`) when there is one, else the first non-empty repetition. */
export function readPreferredName(field: Hl7Field): PersonName | undefined {
  let first: PersonName | undefined;
  for (const rep of field.repetitions) {
    const name = readName(rep);
    if (name === undefined) continue;
    if (name.typeCode === "L") return name;
    first ??= name;
  }
  return first;
}

/** XAD. */
export function readAddress(rep: Hl7Repetition): Address | undefined {
  const street = rep.componentText(1, 1);
  const otherDesignation = rep.componentText(2);
  const city = rep.componentText(3);
  const state = rep.componentText(4);
  const postalCode = rep.componentText(5);
  const country = rep.componentText(6);
  const typeCode = rep.componentText(7);
  const county = rep.componentText(9);
  if (
    street === undefined &&
    otherDesignation === undefined &&
    city === undefined &&
    state === undefined &&
    postalCode === undefined &&
    country === undefined &&
    typeCode === undefined &&
    county === undefined
  ) {
    return undefined;
  }
  return { street, otherDesignation, city, state, postalCode, country, typeCode, county };
}

/**
 * XTN. The number is XTN-1 as sent when present (what a person dials); otherwise it is composed from
 * the v2.3+ parts: `+country (area) local xext`. An XTN with use `NET` or equipment `Internet` is an
 * e-mail address (XTN-4, or XTN-1 from senders that put it there).
 */
export function readTelecom(rep: Hl7Repetition, field: Telecom["field"]): Telecom | undefined {
  const useCode = rep.componentText(2);
  const equipmentType = rep.componentText(3);
  const email = rep.componentText(4);
  const formatted = rep.componentText(1);
  if (useCode === "NET" || equipmentType === "Internet" || equipmentType === "X.400") {
    const value = email ?? formatted;
    return value === undefined ? undefined : { system: "email", value, useCode, equipmentType, field };
  }
  const country = rep.componentText(5);
  const area = rep.componentText(6);
  const local = rep.componentText(7);
  const extension = rep.componentText(8);
  const composed =
    local === undefined
      ? undefined
      : `${country === undefined ? "" : `+${country} `}${area === undefined ? "" : `(${area}) `}${local}${
          extension === undefined ? "" : ` x${extension}`
        }`;
  const number = formatted ?? composed;
  if (number !== undefined) return { system: "phone", value: number, useCode, equipmentType, field };
  if (email !== undefined) return { system: "email", value: email, useCode, equipmentType, field };
  return undefined;
}

/** OID of the NPI registry, used by senders as the assigning authority's universal id. */
const NPI_OID = "2.16.840.1.113883.4.6";

function isNpi(id: Identifier): boolean {
  return id.typeCode === "NPI" || id.assigningAuthority === "NPI" || id.assigningAuthority === NPI_OID;
}

/** One XCN repetition's id: XCN-1 with XCN-13 type code and XCN-9 assigning authority. */
function xcnIdentifier(rep: Hl7Repetition): Identifier | undefined {
  const value = rep.componentText(1);
  if (value === undefined) return undefined;
  return { value, typeCode: rep.componentText(13), assigningAuthority: hdAt(rep, 9) };
}

/**
 * XCN (PV1-7, PV1-17, PD1-4, ROL-4). Senders repeat the field to give the same person's other ids
 * (Epic: internal id, then NPI); a repetition naming a different family name is a different person
 * and is not merged in.
 */
export function readProvider(field: Hl7Field): Provider | undefined {
  const reps = field.repetitions;
  const first = reps[0];
  if (first === undefined) return undefined;
  const name = readName(first, 2);
  const identifiers: Identifier[] = [];
  const firstId = xcnIdentifier(first);
  if (firstId !== undefined) identifiers.push(firstId);
  for (let i = 1; i < reps.length; i++) {
    const rep = reps[i] as Hl7Repetition;
    const family = rep.componentText(2, 1);
    if (family !== undefined && family !== name?.family) continue;
    const id = xcnIdentifier(rep);
    if (id !== undefined) identifiers.push(id);
  }
  if (identifiers.length === 0 && name === undefined) return undefined;
  return { identifiers, npi: identifiers.find(isNpi)?.value, name };
}

/** PL (PV1-3, PV1-6). */
export function readLocation(rep: Hl7Repetition): PatientLocation | undefined {
  const pointOfCare = rep.componentText(1);
  const room = rep.componentText(2);
  const bed = rep.componentText(3);
  const facility = hdAt(rep, 4);
  const building = rep.componentText(7);
  const floor = rep.componentText(8);
  const description = rep.componentText(9);
  if (
    pointOfCare === undefined &&
    room === undefined &&
    bed === undefined &&
    facility === undefined &&
    building === undefined &&
    floor === undefined &&
    description === undefined
  ) {
    return undefined;
  }
  return { pointOfCare, room, bed, facility, building, floor, description };
}

/** CE / CWE. */
export function readCoded(rep: Hl7Repetition): Coded | undefined {
  const coded: Coded = {
    code: rep.componentText(1),
    text: rep.componentText(2),
    system: rep.componentText(3),
  };
  return coded.code === undefined && coded.text === undefined ? undefined : coded;
}
