import { z } from "zod";
import { columnMappingOf, type FieldChecks } from "./column-mapping.ts";
import { columnsOf, SPELLINGS } from "./presets.ts";
import {
  CONSENT_FIELDS,
  ConsentField,
  NOTIFICATION_RULE_FIELDS,
  NotificationRuleField,
  type ReferenceKind,
  SENSITIVE_FACILITY_FIELDS,
  SensitiveFacilityField,
} from "./reference-rows.ts";

/** The `--mapping` file of each reference kind: columns onto that kind's fields. */
export const REFERENCE_MAPPINGS = {
  consent: columnMappingOf(ConsentField),
  "sensitive-facility": columnMappingOf(SensitiveFacilityField),
  "notification-rule": columnMappingOf(NotificationRuleField),
} as const;
export type ReferenceMapping<K extends ReferenceKind> = z.infer<(typeof REFERENCE_MAPPINGS)[K]>;

/** Any reference kind's mapping (checked against the kind when the import starts). */
export const AnyReferenceMapping = z.union([
  REFERENCE_MAPPINGS.consent,
  REFERENCE_MAPPINGS["sensitive-facility"],
  REFERENCE_MAPPINGS["notification-rule"],
]);

/**
 * Layouts of the reference lists, each spelling of a column that senders use listed. A sender with
 * another layout passes its own mapping. `identifierAuthority` and a consent's `organization`
 * default to the importing organization's code (see `importReferenceList`).
 */
export const REFERENCE_PRESETS = {
  /** Opt-outs and opt-ins: a patient identifier, the decision, its scope and date. */
  "consent-list": {
    name: "consent-list",
    kind: "consent",
    description: "Consent decisions (member id or MRN, opt-out / opt-in, organization, program, date)",
    columns: {
      ...columnsOf("identifierValue", [...SPELLINGS.memberId, ...SPELLINGS.mrn, "Patient ID"]),
      ...columnsOf("identifierType", ["ID Type", "Identifier Type"]),
      ...columnsOf("identifierAuthority", ["ID Authority", "Assigning Authority"]),
      ...columnsOf("birthDate", SPELLINGS.birthDate),
      Decision: "decision",
      Consent: "decision",
      "Consent Decision": "decision",
      Organization: "organization",
      "Organization Code": "organization",
      "Practice ID": "organization",
      Program: "program",
      "Effective Date": "effectiveFrom",
      "Decision Date": "effectiveFrom",
      "Consent Date": "effectiveFrom",
      Note: "note",
      Comment: "note",
      Comments: "note",
    },
    defaults: { identifierType: "MB" },
  },
  /** 42 CFR Part 2 programmes and other places whose events must not be announced. */
  "sensitive-facilities": {
    name: "sensitive-facilities",
    kind: "sensitive-facility",
    description: "Sensitive facilities (sending facility, application, location, reason, active)",
    columns: {
      "Sending Facility": "sendingFacility",
      Facility: "sendingFacility",
      "MSH-4": "sendingFacility",
      "Sending Application": "sendingApplication",
      Application: "sendingApplication",
      "MSH-3": "sendingApplication",
      Location: "location",
      "Point of Care": "location",
      Unit: "location",
      "PV1-3": "location",
      Reason: "reason",
      Active: "active",
    },
  },
  /** Who of the organization hears of which events, for which programmes, tiers and facilities. */
  "notification-rules": {
    name: "notification-rules",
    kind: "notification-rule",
    description:
      "Notification rules (recipient e-mail or role, event kinds, programs, tiers, facilities, channel)",
    columns: {
      Organization: "organization",
      "Organization Code": "organization",
      "Recipient Email": "recipientEmail",
      Email: "recipientEmail",
      "Recipient Role": "recipientRole",
      Role: "recipientRole",
      Audience: "audience",
      "Event Kinds": "eventKinds",
      "Event Kind": "eventKinds",
      Events: "eventKinds",
      Programs: "programs",
      Program: "programs",
      "Risk Tiers": "riskTiers",
      "Risk Tier": "riskTiers",
      Tiers: "riskTiers",
      Priority: "riskTiers",
      Facilities: "facilities",
      Facility: "facilities",
      "Sending Facility": "facilities",
      Channel: "channel",
    },
  },
} as const satisfies {
  [name: string]: { name: string; kind: ReferenceKind; description: string } & (
    | ReferenceMapping<"consent">
    | ReferenceMapping<"sensitive-facility">
    | ReferenceMapping<"notification-rule">
  );
};

export type ReferencePresetName = keyof typeof REFERENCE_PRESETS;

/** The preset a kind uses when the caller names none. */
export const DEFAULT_REFERENCE_PRESET: Record<ReferenceKind, ReferencePresetName> = {
  consent: "consent-list",
  "sensitive-facility": "sensitive-facilities",
  "notification-rule": "notification-rules",
};

export function findReferencePreset(name: string) {
  return Object.hasOwn(REFERENCE_PRESETS, name) ? REFERENCE_PRESETS[name as ReferencePresetName] : undefined;
}

/**
 * What the normalized name of a column holding a reference field looks like; an unmapped
 * look-alike of a field no column fills refuses the file (see `FieldChecks`).
 */
const LOOKS_LIKE = {
  identifierValue:
    /(member|subscriber|payer|medicaid|medicare|beneficiary|patient)(id|no|num|number|identifier)?$|^mbi|mbi$|mrn|medicalrecord/,
  birthDate: /birth|dob/,
  decision: /decision|consent|opt(out|in)/,
  effectiveFrom: /effective|signed/,
  sendingApplication: /application|msh3$/,
  location: /location|unit|pointofcare|pv13$/,
  active: /active/,
  recipientEmail: /email/,
  recipientRole: /role/,
  eventKinds: /event/,
  programs: /program/,
  riskTiers: /tier|priority/,
  channel: /channel/,
} as const;

/**
 * What each reference kind must say of every row: a consent's patient identifier and a sensitive
 * facility's MSH-4 are what the matcher recognises the row by; a rule names its recipient by one
 * of two fields, which the rule import checks itself.
 */
export const REFERENCE_FIELD_CHECKS: { [K in ReferenceKind]: FieldChecks<string> } = {
  consent: { fields: CONSENT_FIELDS, needed: ["identifierValue"], looksLike: LOOKS_LIKE },
  "sensitive-facility": {
    fields: SENSITIVE_FACILITY_FIELDS,
    needed: ["sendingFacility"],
    looksLike: LOOKS_LIKE,
  },
  "notification-rule": { fields: NOTIFICATION_RULE_FIELDS, needed: [], looksLike: LOOKS_LIKE },
};
