import { z } from "zod";
import { DbId, OrganizationRef } from "../schemas.ts";

/** Request and answer shapes of sign-in, sign-out and /api/me: validation and the OpenAPI document. */

export const LoginBody = z.object({ email: z.email().max(320), password: z.string().min(1).max(1024) });

export const LoginResponse = z.object({
  token: z.string(),
  expiresAt: z.string(),
  /** Signed in with a temporary password: POST /api/account/password before anything else. */
  mustChangePassword: z.boolean(),
});

export const Me = z.object({
  userId: z.string(),
  role: z.enum(["care_manager", "practice_admin", "quality", "system_admin", "interface_analyst"]),
  recipientId: DbId.nullable(),
  organizations: z.array(OrganizationRef.extend({ kind: z.string() })),
  mustChangePassword: z.boolean(),
});
