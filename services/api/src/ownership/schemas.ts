import { z } from "zod";

/** Request and answer shapes of identifier agreements and demographic conflicts: validation and the OpenAPI document. */

export const Agreement = z
  .object({
    id: z.string(),
    organizationCode: z.string(),
    assigningAuthority: z.string(),
    typeCode: z.string().nullable(),
    note: z.string().nullable(),
    createdAt: z.string(),
  })
  .meta({ id: "IdentifierAgreement" });

export const Side = z.object({
  organizationCode: z.string().nullable(),
  source: z.string(),
  familyName: z.string().nullable(),
  givenName: z.string().nullable(),
  birthDate: z.string().nullable(),
  sex: z.string().nullable(),
});

export const Conflict = z
  .object({
    id: z.string(),
    patientId: z.string(),
    fields: z.array(z.string()),
    status: z.enum(["pending", "resolved"]),
    createdAt: z.string(),
    decidedBy: z.string().nullable(),
    sources: z.tuple([Side, Side]),
  })
  .meta({ id: "DemographicConflict" });

export const Code = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, "letters, digits, . _ -");
