import { z } from "zod";

/** Request and answer shapes of the own account (password change, invitations): validation and the OpenAPI document. */

/** An invitation link's token: 32 random bytes, base64url (user-routes.ts makes them). */
export const InvitationToken = z.string().regex(/^[A-Za-z0-9_-]{43}$/, "not an invitation link");

export const SignedIn = z.object({
  token: z.string(),
  expiresAt: z.string(),
  mustChangePassword: z.boolean(),
});
