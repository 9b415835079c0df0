import { AdtEventKind } from "@homeward/contracts";
import { z } from "zod";
import { DbId, IsoDateTimeString } from "../schemas.ts";

/** Request and answer shapes of the 'who would be alerted' preview: validation and the OpenAPI document. */

export const PreviewRequest = z
  .object({
    patientId: DbId.optional(),
    /** An identifier of the patient (an MRN, a member id), with its authority when the value alone is ambiguous. */
    identifier: z.string().trim().min(1).max(100).optional(),
    assigningAuthority: z.string().trim().min(1).max(100).optional(),
    eventKind: AdtEventKind,
    /** The sending facility (MSH-4): rules may be for some facilities only; a sensitive one suppresses. */
    facility: z.string().trim().min(1).max(100).default("PREVIEW"),
    /** When the event happens; now when absent. Routing takes the rows in force then. */
    occurredAt: IsoDateTimeString.optional(),
  })
  .refine((b) => (b.patientId === undefined) !== (b.identifier === undefined), {
    message: "give a patient id or an identifier",
    path: ["patientId"],
  });

export const Send = z.object({
  channel: z.enum(["email", "pager"]),
  /** queued: at once; scheduled: a page waiting out quiet hours; held: an e-mail for the daily digest. */
  status: z.enum(["queued", "scheduled", "held"]),
  sendAfter: z.string().nullable(),
});

export const PreviewOut = z.object({
  patient: z.object({ id: DbId, displayName: z.string() }),
  event: z.object({
    kind: z.string(),
    occurredAt: z.string(),
    facility: z.string(),
    sensitiveFacility: z.boolean(),
  }),
  organizations: z.array(
    z.object({
      organizationId: DbId,
      name: z.string(),
      /** lead: the alert and the task; monitor: a copy, by e-mail only. */
      copy: z.enum(["lead", "monitor"]),
      enrollment: z
        .object({
          program: z.string(),
          riskTier: z.string().nullable(),
          status: z.string(),
          leadOrganization: z.string().nullable(),
        })
        .nullable(),
      attribution: z.object({ source: z.string() }).nullable(),
      recipients: z.array(
        z.object({
          recipientId: DbId,
          displayName: z.string(),
          role: z.string(),
          /** Why they are told: care-manager-of-record, pcp-of-record, named-by-rule, role-in-organization. */
          basis: z.string().nullable(),
          sends: z.array(Send),
        }),
      ),
    }),
  ),
  /** Organizations that would have been told but are not, and why (an opt-out, a sensitive place). */
  suppressed: z.array(z.object({ organizationId: DbId, name: z.string(), reason: z.string() })),
});
