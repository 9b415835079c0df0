import { z } from "zod";
import { DbId } from "../schemas.ts";

/** Request and answer shapes of the admin's users and invitations: validation and the OpenAPI document. */

export const ROLES = [
  "care_manager",
  "practice_admin",
  "quality",
  "system_admin",
  "interface_analyst",
] as const;

export const Method = z
  .enum(["link", "password"])
  .describe("link: a one-time link; password: a temporary password");

export const Access = z.object({
  role: z.enum(ROLES),
  organizationIds: z.array(DbId).max(50).default([]),
  /** A care manager's recipient row (their tasks: "assignee = me"), in one of their organizations. */
  recipientId: DbId.nullable().default(null),
});

export const NewUser = Access.extend({ email: z.email().max(320), method: Method });

export const UserOut = z
  .object({
    id: DbId,
    email: z.string(),
    role: z.enum(ROLES),
    active: z.boolean(),
    /** invited (an open link, never signed in), must-change (temporary password), active, disabled. */
    status: z.enum(["invited", "must-change", "active", "disabled"]),
    mustChangePassword: z.boolean(),
    createdAt: z.string(),
    lastLoginAt: z.string().nullable(),
    /** Their organizations the caller administers (a practice admin sees no other organization's name). */
    organizations: z.array(z.object({ id: DbId, code: z.string(), name: z.string() })),
    recipient: z.object({ id: DbId, displayName: z.string() }).nullable(),
    invitation: z.object({ expiresAt: z.string() }).nullable(),
    /** Whether the caller may change this user (not themselves; a practice admin: only users wholly of their organizations). */
    manageable: z.boolean(),
  })
  .meta({ id: "UserAccount" });

export const Credentials = z.object({
  /** The one-time link's token (the link is `/invite#<token>`), shown once. */
  invitation: z.object({ token: z.string(), expiresAt: z.string() }).nullable(),
  /** The temporary password, shown once; the user must change it at sign-in. */
  temporaryPassword: z.string().nullable(),
});
