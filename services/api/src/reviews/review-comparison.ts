import {
  type AgreementLevel,
  type Candidate,
  compareRecords,
  type IncomingPatient,
  identifierKey,
  type MatchField,
  prepareCandidate,
  prepareIncoming,
} from "@homeward/identity";

/**
 * What a reviewer compares, field by field: the hospital's value beside a candidate's, with the
 * agreement level and weight the matcher's own comparison (`compareRecords`, the same weights that
 * made the score) gives them. Pure: the store loads both sides.
 */

/** One field of one candidate beside the incoming message's. */
export interface FieldComparisonRow {
  field: MatchField;
  /** The message's value as sent (several postal codes or phones joined), null when it had none. */
  incoming: string | null;
  candidate: string | null;
  level: AgreementLevel;
  /** log2 likelihood ratio the field added to the score (negative: evidence of another person). */
  weight: number;
}

/** An identifier of the incoming message, and what it is to a candidate. */
export interface IdentifierComparison {
  value: string;
  typeCode: string | null;
  assigningAuthority: string | null;
  /**
   * `same`: the candidate holds it already; `other-value`: the candidate holds another value of
   * the same authority and type; `held-by-other`: another patient holds it (a confirmation leaves
   * it there); `new`: confirming teaches it to the candidate; `no-authority`: never taught.
   */
  status: "same" | "other-value" | "held-by-other" | "new" | "no-authority";
}

const join = (values: readonly (string | undefined)[]) => {
  const shown = [...new Set(values.filter((v): v is string => v !== undefined && v.trim() !== ""))];
  return shown.length === 0 ? null : shown.join(", ");
};
const orNull = (value: string | undefined) => (value === undefined || value.trim() === "" ? null : value);

/** The message's value of each compared field, as a person reads it. */
function incomingValues(patient: IncomingPatient): Record<MatchField, string | null> {
  return {
    family: orNull(patient.name?.family),
    given: orNull(patient.name?.given),
    middle: orNull(patient.name?.middle),
    suffix: orNull(patient.name?.suffix),
    birthDate: orNull(patient.birthDate),
    sex: orNull(patient.sex),
    postalCode: join(patient.addresses.map((a) => a.postalCode)),
    phone: join(patient.telecoms.filter((t) => t.system === "phone").map((t) => t.value)),
  };
}

function candidateValues(candidate: Candidate): Record<MatchField, string | null> {
  return {
    family: orNull(candidate.family),
    given: orNull(candidate.given),
    middle: orNull(candidate.middle),
    suffix: orNull(candidate.suffix),
    birthDate: orNull(candidate.birthDate),
    sex: orNull(candidate.sex),
    postalCode: orNull(candidate.postalCode),
    phone: orNull(candidate.phone),
  };
}

/** Every compared field of the message beside the candidate's, in the matcher's order. */
export function compareFields(incoming: IncomingPatient, candidate: Candidate): FieldComparisonRow[] {
  const mine = incomingValues(incoming);
  const theirs = candidateValues(candidate);
  return compareRecords(prepareIncoming(incoming), prepareCandidate(candidate)).map((c) => ({
    field: c.field,
    incoming: mine[c.field],
    candidate: theirs[c.field],
    level: c.level,
    weight: Math.round(c.weight * 10) / 10,
  }));
}

/**
 * What each of the message's identifiers is to the candidate, and so what confirming would teach:
 * `heldBy` maps an identifier key (`identifierKey`) to the patient who holds it now.
 */
export function compareIdentifiers(
  incoming: IncomingPatient,
  candidate: Candidate,
  heldBy: ReadonlyMap<string, string>,
): IdentifierComparison[] {
  const own = new Set(candidate.identifiers.map(identifierKey).filter((k) => k !== undefined));
  const sameKind = (id: IncomingPatient["identifiers"][number]) =>
    candidate.identifiers.some(
      (c) =>
        (c.assigningAuthority ?? "").toUpperCase() === (id.assigningAuthority ?? "").toUpperCase() &&
        (c.typeCode ?? "").toUpperCase() === (id.typeCode ?? "").toUpperCase(),
    );
  return incoming.identifiers.map((id) => {
    const key = identifierKey(id);
    const holder = key === undefined ? undefined : heldBy.get(key);
    const status: IdentifierComparison["status"] =
      key === undefined || (id.typeCode ?? "") === ""
        ? "no-authority"
        : own.has(key)
          ? "same"
          : holder !== undefined && holder !== candidate.patientId
            ? "held-by-other"
            : sameKind(id)
              ? "other-value"
              : "new";
    return {
      value: id.value,
      typeCode: id.typeCode ?? null,
      assigningAuthority: id.assigningAuthority ?? null,
      status,
    };
  });
}
