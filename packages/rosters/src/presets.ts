import type { ColumnMapping, FieldChecks } from "./column-mapping.ts";
import { type RosterField, type RosterKind, rowSchema } from "./roster-row.ts";

/** A named mapping for a common roster layout. */
export interface RosterPreset extends ColumnMapping {
  name: string;
  kind: RosterKind;
  description: string;
}

/**
 * How senders spell each field in a header, one list per field, the more specific spellings first
 * (when a file has two of them, a row's first non-empty cell wins). Names match ignoring case,
 * spaces, dashes and underscores: `Date of Birth` also reads `date_of_birth` and `DATEOFBIRTH`,
 * `Birth Date` reads `birthdate`. The identifier lists are kept apart: which one is a roster's
 * main identifier depends on who sends it.
 */
export const SPELLINGS = {
  familyName: [
    "Member Last Name",
    "Patient Last Name",
    "Last Name",
    "Family Name",
    "Surname",
    "LName",
    "Last",
  ],
  givenName: ["Member First Name", "Patient First Name", "First Name", "Given Name", "FName", "First"],
  middleName: [
    "Member Middle Name",
    "Patient Middle Name",
    "Middle Name",
    "Member Middle Initial",
    "Patient Middle Initial",
    "Middle Initial",
    "MI",
    "Middle",
  ],
  birthDate: [
    "Member Date of Birth",
    "Patient Date of Birth",
    "Date of Birth",
    "Member DOB",
    "Patient DOB",
    "DOB",
    "Member Birth Date",
    "Patient Birth Date",
    "Birth Date",
  ],
  sex: [
    "Member Sex",
    "Patient Sex",
    "Sex",
    "Member Gender",
    "Patient Gender",
    "Gender",
    "Administrative Sex",
  ],
  postalCode: [
    "Member Zip",
    "Patient Zip",
    "Zip",
    "Member Zip Code",
    "Patient Zip Code",
    "Zip Code",
    "Postal Code",
    "Postal",
    "Zip5",
  ],
  phone: [
    "Member Phone",
    "Patient Phone",
    "Phone",
    "Phone Number",
    "Home Phone",
    "Telephone",
    "Primary Phone",
    "Mobile Phone",
    "Cell Phone",
  ],
  /** A payer's identifier of the person: member id, subscriber id, Medicare's MBI, a Medicaid id. */
  memberId: [
    "Member ID",
    "Member Number",
    "Subscriber ID",
    "Subscriber Number",
    "MBI",
    "Medicare Beneficiary ID",
    "Medicaid ID",
  ],
  /** A practice's or hospital's identifier of the patient. */
  mrn: ["MRN", "Medical Record Number", "Patient MRN", "MR Number", "Chart Number"],
  pcpNpi: ["PCP NPI", "Attributed PCP NPI", "Attributed Provider NPI", "Provider NPI", "NPI"],
  pcpFamilyName: ["PCP Last Name", "PCP Family Name", "Provider Last Name"],
  pcpGivenName: ["PCP First Name", "PCP Given Name", "Provider First Name"],
  practice: ["Attributed Practice ID", "Practice ID", "Practice Code", "Practice NPI", "Group NPI"],
} as const;

/** `{ spelling: field }` entries for a mapping's `columns`, in the order given. */
export function columnsOf<F extends string>(field: F, spellings: readonly string[]): Record<string, F> {
  return Object.fromEntries(spellings.map((s) => [s, field]));
}

/** The patient's demographics, spelled every way `SPELLINGS` knows: every roster preset reads them. */
const DEMOGRAPHICS: Record<string, RosterField> = {
  ...columnsOf("familyName", SPELLINGS.familyName),
  ...columnsOf("givenName", SPELLINGS.givenName),
  ...columnsOf("middleName", SPELLINGS.middleName),
  ...columnsOf("birthDate", SPELLINGS.birthDate),
  ...columnsOf("sex", SPELLINGS.sex),
  ...columnsOf("postalCode", SPELLINGS.postalCode),
  ...columnsOf("phone", SPELLINGS.phone),
};

/** The attributed PCP, by NPI and name. */
const PCP: Record<string, RosterField> = {
  ...columnsOf("pcpNpi", SPELLINGS.pcpNpi),
  ...columnsOf("pcpFamilyName", SPELLINGS.pcpFamilyName),
  ...columnsOf("pcpGivenName", SPELLINGS.pcpGivenName),
};

/**
 * Layouts seen from payers and practices, with every spelling of `SPELLINGS`; a sender with yet
 * another layout passes its own mapping. `identifierAuthority` defaults to the importing
 * organization's code (see `importRoster`).
 */
export const ROSTER_PRESETS = {
  /** A payer's monthly attribution file: member id, demographics, attributed practice and PCP. */
  "payer-attribution": {
    name: "payer-attribution",
    kind: "attribution",
    description: "Payer monthly attribution roster (member id, practice id, PCP NPI)",
    columns: {
      ...columnsOf("identifierValue", SPELLINGS.memberId),
      ...DEMOGRAPHICS,
      ...columnsOf("practice", SPELLINGS.practice),
      ...PCP,
      ...columnsOf("effectiveFrom", [
        "Attribution Start Date",
        "Attribution Effective Date",
        "Effective Date",
      ]),
    },
    defaults: { identifierType: "MB" },
  },
  /** A practice's own panel out of its EHR: MRN, demographics, PCP, and the payer member id if known. */
  "practice-panel": {
    name: "practice-panel",
    kind: "panel",
    description: "Practice panel export (MRN, PCP NPI, insurance member id)",
    columns: {
      ...columnsOf("identifierValue", [...SPELLINGS.mrn, "Patient ID"]),
      ...DEMOGRAPHICS,
      ...PCP,
      ...columnsOf("secondaryIdentifierValue", ["Insurance Member ID", "Insurance ID", "Plan Member ID"]),
      ...columnsOf("secondaryIdentifierAuthority", ["Insurance Plan Code", "Plan Code"]),
      ...columnsOf("effectiveFrom", ["Panel Start Date", "Effective Date"]),
    },
    defaults: { identifierType: "MR", secondaryIdentifierType: "MB" },
  },
  /** A high-risk / care-management list, from a plan or from a practice. */
  "cm-enrollment": {
    name: "cm-enrollment",
    kind: "enrollment",
    description: "Care-management enrollment / high-risk list (programme, tier, lead, goal, risk score)",
    columns: {
      ...columnsOf("identifierValue", [...SPELLINGS.memberId, ...SPELLINGS.mrn]),
      ...columnsOf("identifierType", ["ID Type", "Identifier Type"]),
      ...columnsOf("identifierAuthority", ["ID Authority", "Assigning Authority"]),
      ...DEMOGRAPHICS,
      ...columnsOf("practice", SPELLINGS.practice),
      ...columnsOf("program", ["Program", "Program Name", "Care Program"]),
      ...columnsOf("riskTier", ["Risk Tier", "Tier", "Priority"]),
      ...columnsOf("careManagerEmail", ["Care Manager Email", "Care Manager E-mail", "CM Email"]),
      ...columnsOf("leadOrganization", ["Lead Organization", "Lead"]),
      ...columnsOf("status", ["Status", "Enrollment Status"]),
      ...columnsOf("goal", ["Patient Goal", "Patient-Centered Goal", "Goal"]),
      ...columnsOf("goalMet", ["Goal Met"]),
      ...columnsOf("planRiskScore", ["Risk Score", "Plan Risk Score"]),
      ...columnsOf("practiceFlag", ["Practice Flag", "Practice High Risk"]),
      ...columnsOf("effectiveFrom", ["Enrollment Date", "Start Date", "Effective Date"]),
    },
    defaults: { identifierType: "MB" },
  },
} as const satisfies Record<string, RosterPreset>;

export type RosterPresetName = keyof typeof ROSTER_PRESETS;

/** The preset a kind uses when the caller names none. */
export const DEFAULT_PRESET: Record<RosterKind, RosterPresetName> = {
  attribution: "payer-attribution",
  panel: "practice-panel",
  enrollment: "cm-enrollment",
};

export function findPreset(name: string): RosterPreset | undefined {
  return Object.hasOwn(ROSTER_PRESETS, name) ? ROSTER_PRESETS[name as RosterPresetName] : undefined;
}

/** Whose identifier of the patient a column holds, when its name ends with it (`Member Number`, `subscriber_id`). */
const ID_OWNER = "(member|subscriber|payer|medicaid|medicare|beneficiary)";

/** Columns about someone other than the patient (the PCP, a guarantor…) are no look-alikes of theirs. */
const patient = (names: string) =>
  new RegExp(
    `^(?!pcp|provider|physician|doctor|guarantor|caregiver|emergency|practice|clinic|facility)(?:.*(?:${names}))`,
  );

/**
 * What the normalized name of a column holding a roster field looks like (`patient_birth_dt` →
 * `patientbirthdt` looks like a birth date). An unmapped look-alike of a field no column fills
 * refuses the file: the field is in the file, under a name no preset knows.
 */
export const ROSTER_LOOKS_LIKE: Partial<Record<RosterField, RegExp>> = {
  identifierValue: patient(`${ID_OWNER}(id|no|num|number|identifier)?$|^mbi|mbi$|mrn|medicalrecord`),
  familyName: patient("lastname|surname|familyname|^lname$"),
  givenName: patient("firstname|givenname|^fname$"),
  middleName: patient("middle|^mi$"),
  birthDate: patient("birth|dob"),
  sex: patient("sex|gender"),
  postalCode: patient("zip|postal"),
  phone: patient("phone|mobile"),
  riskTier: /tier|priority|acuity/,
  careManagerEmail: /caremanager|^cm/,
};

/** The demographics the matcher recognises a roster's patients by, beside the identifier (`packages/identity`). */
export const MATCHED_ON: readonly RosterField[] = [
  "identifierValue",
  "familyName",
  "givenName",
  "birthDate",
  "sex",
];

/** What a roster of `kind` must say of every patient (see `FieldChecks`). */
export function rosterFieldChecks(kind: RosterKind): FieldChecks<RosterField> {
  return {
    fields: Object.keys(rowSchema(kind).shape) as RosterField[],
    needed: MATCHED_ON,
    looksLike: ROSTER_LOOKS_LIKE,
  };
}
