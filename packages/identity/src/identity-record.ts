import type { AdtPatient } from "@homeward/contracts";
import {
  type BirthDateParts,
  type NormalizedSex,
  normalizePhone,
  normalizePostalCode,
  normalizeSex,
  parseBirthDate,
} from "./normalize-contact.ts";
import {
  type NormalizedFamily,
  type NormalizedGiven,
  normalizeFamilyName,
  normalizeGivenName,
  normalizeSuffix,
  normalizeText,
  trailingSuffix,
} from "./normalize-name.ts";

/** An identifier the roster holds for a patient: a facility MRN (with its authority) or another id. */
export interface CandidateIdentifier {
  readonly value: string;
  /** HL7 table 0203 type, e.g. `MR`; compared exactly (case-insensitive). */
  readonly typeCode?: string | undefined;
  /** The issuing facility or system; an identifier without one never matches by identifier. */
  readonly assigningAuthority?: string | undefined;
}

/** One patient as the roster side (attribution or enrollment list) knows them. */
export interface Candidate {
  /** Homeward's patient id; what a match resolves to. */
  readonly patientId: string;
  readonly identifiers: readonly CandidateIdentifier[];
  readonly family: string;
  readonly given: string;
  readonly middle?: string | undefined;
  /**
   * Generational suffix (`Jr`, `Sr`, `III`) when the roster has a column for it; without one, a
   * suffix written after the family or given name is used.
   */
  readonly suffix?: string | undefined;
  /** `YYYY-MM-DD`. */
  readonly birthDate: string;
  /** Administrative sex as the roster wrote it (`F`, `M`, `female`...). */
  readonly sex: string;
  readonly postalCode?: string | undefined;
  readonly phone?: string | undefined;
  /** Payer member ids (IN1-36 / IN1-49 on the hospital side). */
  readonly memberIds?: readonly string[] | undefined;
}

/** The hospital side: the patient part of an `AdtEvent`. */
export type IncomingPatient = Pick<
  AdtPatient,
  "identifiers" | "name" | "birthDate" | "sex" | "addresses" | "telecoms" | "memberId"
>;

/** Either side reduced to comparable forms; built once per record. */
export interface PreparedRecord {
  readonly family: NormalizedFamily;
  readonly given: NormalizedGiven;
  /** Normalized middle name (or the given name's second token when no middle was sent). */
  readonly middle: string;
  /** Generational suffix in its compared spelling (`JR`, `SR`, `II`, `III`...), "" when none was written. */
  readonly suffix: string;
  readonly birthDate: BirthDateParts | undefined;
  readonly sex: NormalizedSex | undefined;
  /** Postal codes (5 digits); a hospital may send several addresses. */
  readonly postalCodes: readonly string[];
  /** Phone numbers (last 10 digits). */
  readonly phones: readonly string[];
  /** Identifier keys `authority|type|value`, upper case, only for identifiers with an authority. */
  readonly identifierKeys: readonly string[];
  /** Member ids, trimmed and upper case. */
  readonly memberIds: readonly string[];
}

/** The key an identifier is indexed and compared by; `undefined` without an assigning authority. */
export function identifierKey(id: {
  readonly value: string;
  readonly typeCode?: string | undefined;
  readonly assigningAuthority?: string | undefined;
}): string | undefined {
  const authority = id.assigningAuthority?.trim().toUpperCase() ?? "";
  const value = id.value.trim().toUpperCase();
  if (authority.length === 0 || value.length === 0) return undefined;
  return `${authority}|${id.typeCode?.trim().toUpperCase() ?? ""}|${value}`;
}

/** A member id as compared: trimmed, upper case, without spaces and dashes; `undefined` when empty. */
export function memberIdKey(value: string | undefined): string | undefined {
  const key = value?.replace(/[\s-]/g, "").toUpperCase();
  return key === undefined || key.length === 0 ? undefined : key;
}

function unique(values: readonly (string | undefined)[]): string[] {
  return [...new Set(values.filter((v): v is string => v !== undefined))];
}

function middleOf(middle: string | undefined, given: NormalizedGiven): string {
  const normalized = normalizeText(middle).replace(/ /g, "");
  return normalized.length > 0 ? normalized : (given.rest[0] ?? "");
}

/** The suffix field when it holds a generational suffix, else one written after the family or given name. */
function suffixOf(suffix: string | undefined, family: string | undefined, given: string | undefined): string {
  return normalizeSuffix(suffix) || trailingSuffix(family) || trailingSuffix(given, { given: true });
}

/** Normalizes a roster candidate. */
export function prepareCandidate(candidate: Candidate): PreparedRecord {
  const given = normalizeGivenName(candidate.given);
  return {
    family: normalizeFamilyName(candidate.family),
    given,
    middle: middleOf(candidate.middle, given),
    suffix: suffixOf(candidate.suffix, candidate.family, candidate.given),
    birthDate: parseBirthDate(candidate.birthDate),
    sex: normalizeSex(candidate.sex),
    postalCodes: unique([normalizePostalCode(candidate.postalCode)]),
    phones: unique([normalizePhone(candidate.phone)]),
    identifierKeys: unique(candidate.identifiers.map(identifierKey)),
    memberIds: unique((candidate.memberIds ?? []).map(memberIdKey)),
  };
}

/** Normalizes the hospital's patient. */
export function prepareIncoming(patient: IncomingPatient): PreparedRecord {
  const given = normalizeGivenName(patient.name?.given);
  return {
    family: normalizeFamilyName(patient.name?.family),
    given,
    middle: middleOf(patient.name?.middle, given),
    suffix: suffixOf(patient.name?.suffix, patient.name?.family, patient.name?.given),
    birthDate: parseBirthDate(patient.birthDate),
    sex: normalizeSex(patient.sex),
    postalCodes: unique(patient.addresses.map((a) => normalizePostalCode(a.postalCode))),
    phones: unique(patient.telecoms.filter((t) => t.system === "phone").map((t) => normalizePhone(t.value))),
    identifierKeys: unique(patient.identifiers.map(identifierKey)),
    memberIds: unique([memberIdKey(patient.memberId)]),
  };
}
