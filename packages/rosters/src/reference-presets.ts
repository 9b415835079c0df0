import { z } from "zod";
import { columnMappingOf } from "./column-mapping.ts";
import {
  ConsentField,
  NotificationRuleField,
  type ReferenceKind,
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
      "Member ID": "identifierValue",
      MRN: "identifierValue",
      "Patient ID": "identifierValue",
      "ID Type": "identifierType",
      "ID Authority": "identifierAuthority",
      "Assigning Authority": "identifierAuthority",
      DOB: "birthDate",
      "Date of Birth": "birthDate",
      "Birth Date": "birthDate",
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
