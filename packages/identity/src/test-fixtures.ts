import type { Candidate, IncomingPatient } from "./identity-record.ts";

/** Test helpers: a roster candidate and the hospital's view of the same person. Synthetic, no PHI. */
export function candidate(overrides: Partial<Candidate> & Pick<Candidate, "patientId">): Candidate {
  return {
    identifiers: [],
    family: "Okonkwo",
    given: "William",
    middle: "James",
    birthDate: "1961-03-04",
    sex: "M",
    postalCode: "02134",
    phone: "6175550142",
    memberIds: [],
    ...overrides,
  };
}

/** The incoming patient that is an exact copy of a candidate (with an MRN the roster does not know). */
export function incomingFrom(c: Candidate, overrides: Partial<IncomingPatient> = {}): IncomingPatient {
  return {
    identifiers: [{ value: `NEW-${c.patientId}`, typeCode: "MR", assigningAuthority: "MERCYGEN" }],
    name: {
      family: c.family,
      given: c.given,
      ...(c.middle === undefined ? {} : { middle: c.middle }),
      ...(c.suffix === undefined ? {} : { suffix: c.suffix }),
    },
    birthDate: c.birthDate,
    sex: c.sex,
    addresses: c.postalCode === undefined ? [] : [{ postalCode: c.postalCode }],
    telecoms: c.phone === undefined ? [] : [{ system: "phone", value: c.phone, field: "PID-13" }],
    ...overrides,
  };
}
