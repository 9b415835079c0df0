import type { ColumnMapping } from "./column-mapping.ts";
import type { RosterKind } from "./roster-row.ts";

/** A named mapping for a common roster layout. */
export interface RosterPreset extends ColumnMapping {
  name: string;
  kind: RosterKind;
  description: string;
}

/**
 * Layouts seen from payers and practices. Where a column is commonly spelled several ways, each
 * spelling is listed; a sender with yet another layout passes its own mapping.
 * `identifierAuthority` defaults to the importing organization's code (see `importRoster`).
 */
export const ROSTER_PRESETS = {
  /** A payer's monthly attribution file: member id, demographics, attributed practice and PCP. */
  "payer-attribution": {
    name: "payer-attribution",
    kind: "attribution",
    description: "Payer monthly attribution roster (member id, practice id, PCP NPI)",
    columns: {
      "Member ID": "identifierValue",
      "Subscriber ID": "identifierValue",
      "Member Last Name": "familyName",
      "Last Name": "familyName",
      "Member First Name": "givenName",
      "First Name": "givenName",
      "Member Middle Name": "middleName",
      "Date of Birth": "birthDate",
      DOB: "birthDate",
      Gender: "sex",
      Sex: "sex",
      "Zip Code": "postalCode",
      Zip: "postalCode",
      Phone: "phone",
      "Attributed Practice ID": "practice",
      "Practice ID": "practice",
      "Practice NPI": "practice",
      "PCP NPI": "pcpNpi",
      "PCP Last Name": "pcpFamilyName",
      "PCP First Name": "pcpGivenName",
      "Attribution Start Date": "effectiveFrom",
      "Effective Date": "effectiveFrom",
    },
    defaults: { identifierType: "MB" },
  },
  /** A practice's own panel out of its EHR: MRN, demographics, PCP, and the payer member id if known. */
  "practice-panel": {
    name: "practice-panel",
    kind: "panel",
    description: "Practice panel export (MRN, PCP NPI, insurance member id)",
    columns: {
      MRN: "identifierValue",
      "Medical Record Number": "identifierValue",
      "Patient Last Name": "familyName",
      "Last Name": "familyName",
      "Patient First Name": "givenName",
      "First Name": "givenName",
      "Middle Name": "middleName",
      "Birth Date": "birthDate",
      DOB: "birthDate",
      Sex: "sex",
      Gender: "sex",
      "Zip Code": "postalCode",
      Zip: "postalCode",
      "Home Phone": "phone",
      Phone: "phone",
      "PCP NPI": "pcpNpi",
      "PCP Last Name": "pcpFamilyName",
      "PCP First Name": "pcpGivenName",
      "Insurance Member ID": "secondaryIdentifierValue",
      "Insurance Plan Code": "secondaryIdentifierAuthority",
      "Panel Start Date": "effectiveFrom",
    },
    defaults: { identifierType: "MR", secondaryIdentifierType: "MB" },
  },
  /** A high-risk / care-management list, from a plan or from a practice. */
  "cm-enrollment": {
    name: "cm-enrollment",
    kind: "enrollment",
    description: "Care-management enrollment / high-risk list (programme, tier, lead, goal, risk score)",
    columns: {
      "Member ID": "identifierValue",
      MRN: "identifierValue",
      "ID Type": "identifierType",
      "ID Authority": "identifierAuthority",
      "Last Name": "familyName",
      "First Name": "givenName",
      DOB: "birthDate",
      "Date of Birth": "birthDate",
      Sex: "sex",
      Gender: "sex",
      Zip: "postalCode",
      Phone: "phone",
      "Practice ID": "practice",
      Program: "program",
      "Risk Tier": "riskTier",
      Priority: "riskTier",
      "Care Manager Email": "careManagerEmail",
      "Lead Organization": "leadOrganization",
      Lead: "leadOrganization",
      Status: "status",
      "Patient Goal": "goal",
      "Patient-Centered Goal": "goal",
      "Goal Met": "goalMet",
      "Risk Score": "planRiskScore",
      "Practice Flag": "practiceFlag",
      "Practice High Risk": "practiceFlag",
      "Enrollment Date": "effectiveFrom",
      "Start Date": "effectiveFrom",
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
