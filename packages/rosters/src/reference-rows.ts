import { z } from "zod";
import { cellBoolean, cellDate, cellEnum, cellList, cellText, riskTierOf } from "./values.ts";

/**
 * Reference lists besides rosters, in our words: what one CSV row of a consent list, a
 * sensitive-facility list or a notification-rule list says. Presets and custom mappings translate
 * a file's column names to these fields; every row is `safeParse`d against its kind's schema.
 */

/** consent: opt-outs and opt-ins; sensitive-facility: 42 CFR Part 2 places; notification-rule: who hears of what. */
export const ReferenceKind = z.enum(["consent", "sensitive-facility", "notification-rule"]);
export type ReferenceKind = z.infer<typeof ReferenceKind>;

export const ConsentDecision = z.enum(["opt_out", "opt_in"]);
export type ConsentDecision = z.infer<typeof ConsentDecision>;

/** In an organization cell: the decision is for every organization. */
export const EVERY_ORGANIZATION = "ALL";

export const CONSENT_FIELDS = [
  "identifierValue",
  "identifierType",
  "identifierAuthority",
  "birthDate",
  "decision",
  "organization",
  "program",
  "effectiveFrom",
  "note",
] as const;
export const ConsentField = z.enum(CONSENT_FIELDS);
export type ConsentField = z.infer<typeof ConsentField>;

/** One patient's decision, identified as rosters identify patients (never creating one). */
export const ConsentRow = z.object({
  /** Member id, MRN… as the patient's roster gave it. */
  identifierValue: cellText,
  /** HL7 table 0203 type: `MB` member id, `MR` medical record number… */
  identifierType: cellText.transform((v) => v.toUpperCase()),
  /** Who issued the identifier (CX-4); the importing organization by default. */
  identifierAuthority: cellText,
  /** When given, must agree with the patient's: a guard against a mistyped identifier. */
  birthDate: cellDate.optional(),
  decision: cellEnum(ConsentDecision.options, {
    out: "opt_out",
    deny: "opt_out",
    denied: "opt_out",
    in: "opt_in",
    permit: "opt_in",
    allow: "opt_in",
  }),
  /** Whose alerts the decision is about, by code or NPI; `ALL` (or `*`) for every organization. */
  organization: cellText,
  /** The programme it is about; every programme when empty. */
  program: cellText.optional(),
  /** The day the decision takes effect; the import's as-of date when absent. */
  effectiveFrom: cellDate.optional(),
  note: cellText.optional(),
});
export type ConsentRow = z.infer<typeof ConsentRow>;

export const SENSITIVE_FACILITY_FIELDS = [
  "sendingFacility",
  "sendingApplication",
  "location",
  "reason",
  "active",
] as const;
export const SensitiveFacilityField = z.enum(SENSITIVE_FACILITY_FIELDS);
export type SensitiveFacilityField = z.infer<typeof SensitiveFacilityField>;

/** A place whose events are never announced (a substance-use treatment programme, 42 CFR Part 2). */
export const SensitiveFacilityRow = z.object({
  /** MSH-4, as the facility mapping keys it. */
  sendingFacility: cellText,
  /** MSH-3; every application of the facility when empty. */
  sendingApplication: cellText.optional(),
  /** PV1-3 point of care; the whole facility when empty. */
  location: cellText.optional(),
  reason: cellText.optional(),
  /** `N` deactivates the place (events there are announced again). */
  active: cellBoolean.default(true),
});
export type SensitiveFacilityRow = z.infer<typeof SensitiveFacilityRow>;

export const NOTIFICATION_RULE_FIELDS = [
  "organization",
  "recipientEmail",
  "recipientRole",
  "audience",
  "eventKinds",
  "programs",
  "riskTiers",
  "facilities",
  "channel",
] as const;
export const NotificationRuleField = z.enum(NOTIFICATION_RULE_FIELDS);
export type NotificationRuleField = z.infer<typeof NotificationRuleField>;

export const RecipientRole = z.enum(["care_manager", "pcp", "supervisor"]);
export type RecipientRole = z.infer<typeof RecipientRole>;

const text = (v: string) => v;

/**
 * A rule of the importing organization: a recipient (by e-mail, or everyone of a role), the event
 * kinds, programmes, tiers and sending facilities it applies to (empty: all), and the channel.
 * `eventKinds` are checked against `kinds`, the AdtEventKind values of the contracts.
 */
export function notificationRuleRow(kinds: readonly string[]) {
  const known = new Set(kinds);
  return z
    .object({
      /** Must be the importing organization when the file names one. */
      organization: cellText.optional(),
      recipientEmail: cellText.pipe(z.email({ message: "not an e-mail address" })).optional(),
      recipientRole: cellEnum(RecipientRole.options, {
        "care manager": "care_manager",
        cm: "care_manager",
        "primary care provider": "pcp",
        "primary care physician": "pcp",
      }).optional(),
      /**
       * For a role: `care team` (the default) is the patient's own care manager or PCP of record;
       * `everyone` is every recipient with the role in the organization (a triage inbox), an
       * explicit choice, never the default.
       */
      audience: cellEnum(["care_team", "everyone_in_role"], {
        "care team": "care_team",
        "patient's care team": "care_team",
        everyone: "everyone_in_role",
        all: "everyone_in_role",
        "everyone in role": "everyone_in_role",
        "everyone with the role": "everyone_in_role",
      }).optional(),
      eventKinds: cellList((v) => {
        const kind = v.toLowerCase().replace(/[\s_]+/g, "-");
        return known.has(kind) ? kind : { error: `not an event kind: ${v} (one of ${kinds.join(", ")})` };
      }).optional(),
      programs: cellList(text).optional(),
      riskTiers: cellList(
        (v) => riskTierOf(v) ?? { error: `not a risk tier: ${v} (I, II or III)` },
      ).optional(),
      /** MSH-4 values. */
      facilities: cellList(text).optional(),
      channel: cellEnum(["email", "pager"], { mail: "email", page: "pager", beeper: "pager" }).default(
        "email",
      ),
    })
    .superRefine((r, ctx) => {
      if (r.recipientEmail !== undefined && r.recipientRole !== undefined)
        ctx.addIssue({
          code: "custom",
          path: ["recipientRole"],
          message: "name the recipient by e-mail or by role, not both",
        });
      if (r.recipientEmail !== undefined && r.audience !== undefined)
        ctx.addIssue({
          code: "custom",
          path: ["audience"],
          message: "an audience is for a role; a rule that names a person by e-mail has none",
        });
      if (r.recipientEmail === undefined && r.recipientRole === undefined)
        ctx.addIssue({
          code: "custom",
          path: ["recipientEmail"],
          message: "a rule needs a recipient: an e-mail or a role",
        });
    });
}
export type NotificationRuleRow = z.infer<ReturnType<typeof notificationRuleRow>>;

/** A rule names its recipient by one of these: a file must have a column (or a default) for one of them. */
export const RULE_RECIPIENT_FIELDS = [
  "recipientEmail",
  "recipientRole",
] as const satisfies readonly NotificationRuleField[];

/** Fields without which a file of `kind` cannot be imported (a file lacking their column is refused). */
export const REFERENCE_REQUIRED = {
  consent: ["identifierValue", "identifierType", "identifierAuthority", "decision", "organization"],
  "sensitive-facility": ["sendingFacility"],
  "notification-rule": [],
} as const satisfies {
  consent: readonly ConsentField[];
  "sensitive-facility": readonly SensitiveFacilityField[];
  "notification-rule": readonly NotificationRuleField[];
};
