import { IanaTimeZone } from "@homeward/contracts";
import { isValidNpi } from "@homeward/rosters";
import { z } from "zod";
import { DbId } from "../schemas.ts";

/** Request and answer shapes of recipients: validation and the OpenAPI document. */

export const RecipientRole = z.enum(["care_manager", "pcp", "supervisor"]);

export const RecipientFields = z.object({
  role: RecipientRole,
  displayName: z.string().trim().min(1).max(200),
  email: z.email().max(320).nullable().default(null),
  pagerId: z.string().trim().min(1).max(100).nullable().default(null),
  timeZone: IanaTimeZone,
  active: z.boolean().default(true),
  /**
   * The clinician's NPI for a recipient who is one: routing finds a patient's PCP of record by the
   * attribution's PCP NPI, so a `pcp` recipient without it is never anyone's PCP of record.
   */
  npi: z
    .string()
    .trim()
    .refine(isValidNpi, "not a valid NPI (10 digits with a check digit)")
    .nullable()
    .default(null),
});

export const RecipientOut = z
  .object({
    id: DbId,
    organizationId: DbId,
    role: RecipientRole,
    displayName: z.string(),
    email: z.string().nullable(),
    pagerId: z.string().nullable(),
    timeZone: z.string(),
    active: z.boolean(),
    npi: z.string().nullable(),
  })
  .meta({ id: "Recipient" });

/** A new recipient: of an organization, reachable by e-mail or pager. */
export const NewRecipient = RecipientFields.extend({ organizationId: DbId }).refine(
  (r) => r.email !== null || r.pagerId !== null,
  { message: "give an e-mail or a pager id", path: ["email"] },
);

export const RecipientUpdate = RecipientFields.refine((r) => r.email !== null || r.pagerId !== null, {
  message: "give an e-mail or a pager id",
  path: ["email"],
});
