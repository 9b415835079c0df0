import { z } from "zod";
import {
  cellBoolean,
  cellDate,
  cellEnum,
  cellNpi,
  cellPhone,
  cellPostalCode,
  cellRiskTier,
  cellScore,
  cellSex,
  cellText,
} from "./values.ts";

/**
 * What a roster says about one patient, in our words. Presets and custom mappings translate a
 * file's column names to these fields; every row is `safeParse`d against its kind's schema.
 */

/** attribution: a payer's attribution roster; panel: a practice's own panel; enrollment: a care-management list. */
export const RosterKind = z.enum(["attribution", "panel", "enrollment"]);
export type RosterKind = z.infer<typeof RosterKind>;

const PatientFields = {
  /** The identifier the roster keys the patient by (member id, MRN). */
  identifierValue: cellText,
  /** HL7 table 0203 type of that identifier: `MB` member id, `MR` medical record number, `PI`... */
  identifierType: cellText.transform((v) => v.toUpperCase()),
  /** Who issued it (CX-4): the payer for member ids, the practice or hospital for MRNs. */
  identifierAuthority: cellText,
  /** A second identifier on the same row, e.g. the payer member id on a practice panel. */
  secondaryIdentifierValue: cellText.optional(),
  secondaryIdentifierType: cellText.transform((v) => v.toUpperCase()).optional(),
  secondaryIdentifierAuthority: cellText.optional(),
  familyName: cellText.optional(),
  givenName: cellText.optional(),
  middleName: cellText.optional(),
  birthDate: cellDate.optional(),
  sex: cellSex.optional(),
  postalCode: cellPostalCode.optional(),
  phone: cellPhone.optional(),
  /** The practice, by organization code or group NPI. */
  practice: cellText.optional(),
  /** The first day this row applies; the import's as-of date when absent. */
  effectiveFrom: cellDate.optional(),
};

export const AttributionRow = z
  .object({
    ...PatientFields,
    practice: cellText,
    pcpNpi: cellNpi.optional(),
    pcpFamilyName: cellText.optional(),
    pcpGivenName: cellText.optional(),
  })
  .refine((r) => r.secondaryIdentifierValue === undefined || r.secondaryIdentifierAuthority !== undefined, {
    message: "a second identifier needs its assigning authority",
    path: ["secondaryIdentifierAuthority"],
  });
export type AttributionRow = z.infer<typeof AttributionRow>;

export const LeadOrganization = z.enum(["practice", "plan", "joint"]);
export type LeadOrganization = z.infer<typeof LeadOrganization>;
export const EnrollmentStatus = z.enum(["active", "monitor", "tracking_list", "ended"]);
export type EnrollmentStatus = z.infer<typeof EnrollmentStatus>;

export const EnrollmentRow = z.object({
  ...PatientFields,
  /** Programme name as the list gives it, e.g. `complex-care`. */
  program: cellText,
  riskTier: cellRiskTier.optional(),
  /** The care manager, by e-mail, among the listing organization's recipients. */
  careManagerEmail: cellText.pipe(z.email({ message: "not an e-mail address" })).optional(),
  leadOrganization: cellEnum(LeadOrganization.options, {
    "health plan": "plan",
    payer: "plan",
    pcp: "practice",
    both: "joint",
  }).optional(),
  status: cellEnum(EnrollmentStatus.options, {
    tracking: "tracking_list",
    "tracking list": "tracking_list",
    closed: "ended",
    inactive: "ended",
    monitoring: "monitor",
  }).default("active"),
  goal: cellText.optional(),
  goalMet: cellBoolean.optional(),
  planRiskScore: cellScore.optional(),
  practiceFlag: cellBoolean.optional(),
});
export type EnrollmentRow = z.infer<typeof EnrollmentRow>;

/** Every field a mapping may name. */
export const ROSTER_FIELDS = [
  "identifierValue",
  "identifierType",
  "identifierAuthority",
  "secondaryIdentifierValue",
  "secondaryIdentifierType",
  "secondaryIdentifierAuthority",
  "familyName",
  "givenName",
  "middleName",
  "birthDate",
  "sex",
  "postalCode",
  "phone",
  "practice",
  "effectiveFrom",
  "pcpNpi",
  "pcpFamilyName",
  "pcpGivenName",
  "program",
  "riskTier",
  "careManagerEmail",
  "leadOrganization",
  "status",
  "goal",
  "goalMet",
  "planRiskScore",
  "practiceFlag",
] as const;
export const RosterField = z.enum(ROSTER_FIELDS);
export type RosterField = z.infer<typeof RosterField>;

/** The schema a row of `kind` must satisfy. */
export function rowSchema(kind: RosterKind): typeof AttributionRow | typeof EnrollmentRow {
  switch (kind) {
    case "attribution":
    case "panel":
      return AttributionRow;
    case "enrollment":
      return EnrollmentRow;
  }
}

/** Fields without which a row of `kind` cannot be imported (a file lacking their column is refused). */
export function requiredFields(kind: RosterKind): RosterField[] {
  switch (kind) {
    case "attribution":
    case "panel":
      return ["identifierValue", "identifierType", "identifierAuthority", "practice"];
    case "enrollment":
      return ["identifierValue", "identifierType", "identifierAuthority", "program"];
  }
}
