import { z } from "zod";
import { DbId, IsoDateTimeString, Page } from "../schemas.ts";

/** The access log's request and answer shapes: validation and the OpenAPI document of /api/admin/access-log. */

export const AccessLogQuery = z.object({
  organizationId: DbId.optional(),
  /** Every access to one patient's data. */
  patientId: DbId.optional(),
  /** `user:<id>`, `matcher`... */
  actor: z.string().min(1).max(100).optional(),
  /** A signed-in user by e-mail (any case). */
  userEmail: z.string().trim().min(1).max(320).optional(),
  action: z.string().min(1).max(100).optional(),
  from: IsoDateTimeString.optional(),
  to: IsoDateTimeString.optional(),
  /** `csv`: every matching row (up to 50,000) as a download, newest first. */
  format: z.enum(["json", "csv"]).default("json"),
  ...Page,
});

export const AccessLogEntry = z.object({
  id: DbId,
  at: IsoDateTimeString,
  actor: z.string(),
  /** The user's e-mail when the actor is a signed-in user. */
  actorName: z.string().nullable(),
  action: z.string(),
  subjectType: z.string(),
  subjectId: z.string(),
  organizationId: DbId.nullable(),
  organizationName: z.string().nullable(),
  detail: z.unknown(),
});

export type AccessLogEntry = z.infer<typeof AccessLogEntry>;
