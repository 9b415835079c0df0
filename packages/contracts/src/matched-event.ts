import { z } from "zod";
import { AdtEvent } from "./adt-event.ts";
import { IsoDateTime, Text } from "./common.ts";

/** How the patient was found: most certain first. "reviewed" = a person confirmed it in the review queue. */
export const MatchMethod = z.enum(["identifier", "deterministic", "probabilistic", "reviewed"]);
export type MatchMethod = z.infer<typeof MatchMethod>;

/** Why a match was made: which fields agreed, and the score when one was computed. */
export const MatchExplanation = z.object({
  method: MatchMethod,
  /** Fellegi–Sunter total weight (log2), when scored. */
  score: z.number().optional(),
  /** The thresholds the score was held against. */
  thresholds: z.object({ upper: z.number(), lower: z.number() }).optional(),
  fields: z.array(
    z.object({
      /** e.g. `identifier:MR`, `family`, `given`, `birthDate`, `sex`, `postalCode`, `phone`. */
      field: Text,
      agreement: z.enum(["exact", "equivalent", "partial", "disagree", "missing"]),
      weight: z.number().optional(),
    }),
  ),
});
export type MatchExplanation = z.infer<typeof MatchExplanation>;

/** Who gets told, and as what: the lead organization's people get the alert and task, the other side a copy. */
export const MatchedRecipient = z.object({
  recipientId: Text,
  role: z.enum(["care-manager", "pcp", "supervisor"]),
  copy: z.enum(["lead", "monitor"]),
  /**
   * Why this person: the enrollment's named care manager, the PCP of record (the attribution's PCP
   * NPI), a rule that names them, or a rule for everyone with their role in the organization. The
   * task goes to the care manager of record, else the PCP of record; never to a role holder.
   * Absent on records written before the care team was kept.
   */
  basis: z
    .enum(["care-manager-of-record", "pcp-of-record", "named-by-rule", "role-in-organization"])
    .optional(),
});
export type MatchedRecipient = z.infer<typeof MatchedRecipient>;

/**
 * Kafka topic `adt.matched.v1`: one record per (event, practice). `matchId` is derived from the event
 * id and the practice, so a replayed event yields the same record and consumers dedupe on it.
 * A `retraction` takes back an earlier announcement (its event was cancelled by A11/A12/A13).
 */
export const MatchedEvent = z
  .object({
    schemaVersion: z.literal(1),
    matchId: Text,
    kind: z.enum(["announcement", "retraction"]),
    event: AdtEvent,
    /** For a retraction: the announcement taken back. */
    retracts: z.object({ eventId: Text, matchId: Text }).optional(),
    patientId: Text,
    practice: z.object({ organizationId: Text, code: Text, name: Text, timeZone: Text }),
    attribution: z.object({ source: Text, pcpNpi: Text.optional(), effectiveFrom: z.iso.date() }).optional(),
    enrollment: z
      .object({
        program: Text,
        /** Absent when the list gave no tier: "unassigned", never taken for Priority III. */
        riskTier: z.enum(["I", "II", "III"]).optional(),
        status: z.enum(["active", "monitor", "tracking_list"]),
        leadOrganization: z.enum(["practice", "plan", "joint"]),
        /** Whether this practice holds the lead (alert + task) or gets the monitor copy. */
        copy: z.enum(["lead", "monitor"]),
      })
      .optional(),
    recipients: z.array(MatchedRecipient),
    flags: z.object({
      frequentEd: z.object({ visits: z.number().int(), windowDays: z.number().int() }).optional(),
      readmission: z
        .object({ priorDischargeAt: IsoDateTime, daysSinceDischarge: z.number().int() })
        .optional(),
    }),
    encounter: z.object({
      facility: Text,
      visitNumber: Text,
      setting: z.enum(["ed", "inpatient", "outpatient", "observation", "pre-admit"]),
      status: z.enum(["active", "discharged", "cancelled", "on-leave"]),
    }),
    match: MatchExplanation,
    matchedAt: IsoDateTime,
  })
  .meta({
    title: "MatchedEvent v1",
    description:
      "An ADT event resolved to one practice, with recipients and the match explanation, on adt.matched.v1.",
  });
export type MatchedEvent = z.infer<typeof MatchedEvent>;

/** Kafka topic `adt.unmatched.v1`: events that matched nobody, or went to the review queue, or were suppressed. */
export const UnmatchedEvent = z
  .object({
    schemaVersion: z.literal(1),
    event: AdtEvent,
    reason: z.enum(["no-match", "review", "suppressed"]),
    /** For review: the candidates and their scores (patient ids only). */
    candidates: z
      .array(z.object({ patientId: Text, score: z.number(), explanation: MatchExplanation }))
      .optional(),
    /** For suppressed: why (sensitive facility, opt-out), with no patient data. */
    detail: Text.optional(),
    decidedAt: IsoDateTime,
  })
  .meta({
    title: "UnmatchedEvent v1",
    description:
      "An ADT event that was not matched to a practice (or was held for review or suppressed), on adt.unmatched.v1.",
  });
export type UnmatchedEvent = z.infer<typeof UnmatchedEvent>;
