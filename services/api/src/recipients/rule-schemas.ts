import { AdtEventKind } from "@homeward/contracts";
import { z } from "zod";
import { DbId, RiskTier } from "../schemas.ts";

/** Request and answer shapes of notification rules: validation and the OpenAPI document. */

export const Role = z.enum(["care_manager", "pcp", "supervisor"]);

export const Name = z.string().trim().min(1).max(100);

export const RuleBase = z.object({
  /** A named recipient of the organization… */
  recipientId: DbId.nullable().default(null),
  /** …or a role: the patient's own care-team member with it, or everyone with it (`audience`). */
  recipientRole: Role.nullable().default(null),
  audience: z.enum(["care_team", "everyone_in_role"]).default("care_team"),
  /** null: every event kind (and likewise: every program, tier, sending facility). */
  eventKinds: z.array(AdtEventKind).min(1).max(30).nullable().default(null),
  programs: z.array(Name).min(1).max(30).nullable().default(null),
  riskTiers: z.array(RiskTier).min(1).max(3).nullable().default(null),
  facilities: z.array(Name).min(1).max(50).nullable().default(null),
  channel: z.enum(["email", "pager"]).default("email"),
});

export const RuleOut = z
  .object({
    id: DbId,
    organizationId: DbId,
    recipientId: DbId.nullable(),
    recipientName: z.string().nullable(),
    recipientRole: Role.nullable(),
    audience: z.enum(["care_team", "everyone_in_role"]),
    eventKinds: z.array(z.string()).nullable(),
    programs: z.array(z.string()).nullable(),
    riskTiers: z.array(z.string()).nullable(),
    facilities: z.array(z.string()).nullable(),
    channel: z.enum(["email", "pager"]),
    /** The import feed it came from; null when made here. */
    source: z.string().nullable(),
    activeFrom: z.string(),
    activeTo: z.string().nullable(),
    active: z.boolean(),
  })
  .meta({ id: "NotificationRule" });

const oneWho = {
  check: (r: { recipientId: string | null; recipientRole: string | null }) =>
    (r.recipientId === null) !== (r.recipientRole === null),
  message: { message: "name a recipient or a role, not both", path: ["recipientId"] },
};

export const RuleFields = RuleBase.refine(oneWho.check, oneWho.message);

export const NewRule = RuleBase.extend({ organizationId: DbId }).refine(oneWho.check, oneWho.message);
