import { z } from "zod";

/** Request and answer shapes of the review queue: validation and the OpenAPI document. */

export const AGREEMENT_LEVELS = [
  "exact",
  "compound",
  "nickname",
  "close",
  "similar",
  "initial",
  "transposed",
  "off-by-one",
  "partial",
  "agree",
  "disagree",
  "missing",
] as const;

export const Review = z
  .object({
    eventId: z.string(),
    facility: z.string(),
    /** Why the matcher held it: identifier-contradicted, identifier-conflict, ambiguous, between-thresholds, vetoed. */
    reason: z.string(),
    status: z.enum(["pending", "confirmed", "rejected"]),
    createdAt: z.string(),
    decidedAt: z.string().nullable(),
    decidedBy: z.string().nullable(),
    decidedByName: z.string().nullable(),
    decidedPatientId: z.string().nullable(),
    eventKind: z.string().nullable(),
    eventOccurredAt: z.string().nullable(),
    eventPatient: z
      .object({
        displayName: z.string(),
        birthDate: z.string().nullable(),
        sex: z.string().nullable(),
        identifiers: z.array(
          z.object({
            value: z.string(),
            typeCode: z.string().nullable(),
            assigningAuthority: z.string().nullable(),
          }),
        ),
      })
      .nullable(),
    candidates: z.array(
      z.object({
        patientId: z.string(),
        /** The matcher's score when it held the event (log2 likelihood ratio). */
        score: z.number(),
        /** The rules that fired (vetoes, the reason's own words), without patient data. */
        notes: z.array(z.string()),
        displayName: z.string(),
        birthDate: z.string().nullable(),
        sex: z.string().nullable(),
        postalCode: z.string().nullable(),
        organizations: z.array(z.string()),
        identifiers: z.array(
          z.object({ value: z.string(), typeCode: z.string(), assigningAuthority: z.string() }),
        ),
        /** Each compared field: the message's value, the candidate's, their agreement and its weight. */
        fields: z.array(
          z.object({
            field: z.enum(["family", "given", "middle", "suffix", "birthDate", "sex", "postalCode", "phone"]),
            incoming: z.string().nullable(),
            candidate: z.string().nullable(),
            level: z.enum(AGREEMENT_LEVELS),
            weight: z.number(),
          }),
        ),
        /** The message's identifiers and what confirming this candidate does with each. */
        identifierComparison: z.array(
          z.object({
            value: z.string(),
            typeCode: z.string().nullable(),
            assigningAuthority: z.string().nullable(),
            status: z.enum(["same", "other-value", "held-by-other", "new", "no-authority"]),
          }),
        ),
      }),
    ),
  })
  .meta({ id: "MatchReview" });

export const EventParams = z.object({ eventId: z.string().min(1).max(200) });

export const Decided = z.object({
  review: Review,
  identifiersAdded: z.number().int(),
  /** Identifiers of the event that already name another patient (left where they are). */
  identifiersHeldByOthers: z.number().int(),
});
