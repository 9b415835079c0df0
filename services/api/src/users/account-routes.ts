import { createHash } from "node:crypto";
import { normalizeIP } from "@fastify/rate-limit";
import { recordAuditEvent } from "@homeward/audit";
import { inTransaction } from "@homeward/db";
import {
  authenticate,
  checkPasswordPolicy,
  endUserSessions,
  findOpenInvitation,
  hashPassword,
  markInvitationUsed,
  openSession,
  passwordHashOf,
  setPasswordHash,
  verifyPassword,
} from "@homeward/directory";
import type { FastifyRequest } from "fastify";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { ApiDeps } from "../api-deps.ts";
import { ALL_ROLES, sessionOf } from "../auth/access-control.ts";
import type { Principal } from "../auth/principal.ts";
import type { SessionCheck } from "../auth/session-check.ts";
import { ApiError, badRequest, ERROR_RESPONSES } from "../errors.ts";
import { InvitationToken, SignedIn } from "./account-schemas.ts";

/** What is stored of a token: its SHA-256, so the table alone signs nobody in. */
export const tokenHashOf = (token: string) => createHash("sha256").update(token).digest("hex");

const NOT_VALID =
  "This link is not valid: it was used or replaced, or it expired. Ask your administrator for a new one.";

/**
 * The user's own account: accepting an invitation (a one-time link: the invited user chooses their
 * password and is signed in) and changing one's password (required first after signing in with a
 * temporary one). Invitation routes are public and limited per client address like sign-in; the
 * token travels in the body, never in a URL the logs could keep.
 */
export const accountRoutes: FastifyPluginAsyncZod<{
  deps: ApiDeps;
  sessions: SessionCheck;
  perAddressPerMinute: number;
}> = async (app, { deps, sessions, perAddressPerMinute }) => {
  const limited = {
    public: true,
    rateLimit: {
      max: perAddressPerMinute,
      timeWindow: 60_000,
      keyGenerator: (request: FastifyRequest) => `invitation:address:${normalizeIP(request.ip)}`,
    },
  };
  const policy = (password: string, email: string) => {
    const problems = checkPasswordPolicy(password, { email });
    if (problems.length > 0) throw badRequest("weak_password", `The password ${problems.join("; ")}.`);
  };
  /** Signs the user in with the password they just set: a new session, as POST /api/login makes. */
  const signIn = async (email: string, password: string) => {
    const principal: Principal | undefined = await authenticate(deps.pool, email, password);
    if (principal === undefined)
      throw new ApiError(500, "sign_in_failed", "the new password did not sign in");
    const { token, sessionId, issuedAt, expiresAt } = await deps.tokens.issue(principal);
    await openSession(deps.pool, { id: sessionId, userId: principal.subject, issuedAt, expiresAt });
    return {
      token,
      expiresAt: expiresAt.toISOString(),
      mustChangePassword: principal.mustChangePassword === true,
    };
  };

  app.post(
    "/api/invitations/lookup",
    {
      config: limited,
      schema: {
        summary: "Whom an invitation link is for, while it may be used",
        tags: ["session"],
        security: [],
        body: z.object({ token: InvitationToken }),
        response: { 200: z.object({ email: z.string(), expiresAt: z.string() }), ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const open = await findOpenInvitation(deps.pool, tokenHashOf(request.body.token), deps.now());
      if (open === undefined) throw new ApiError(404, "invitation_not_valid", NOT_VALID);
      return { email: open.email, expiresAt: open.expiresAt };
    },
  );

  app.post(
    "/api/invitations/accept",
    {
      config: limited,
      schema: {
        summary: "Use an invitation link: set the password and sign in (the link then stops working)",
        tags: ["session"],
        security: [],
        body: z.object({ token: InvitationToken, password: z.string().min(1).max(1024) }),
        response: { 200: SignedIn, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const { token, password } = request.body;
      const now = deps.now();
      const hash = tokenHashOf(token);
      const found = await findOpenInvitation(deps.pool, hash, now);
      if (found === undefined) throw new ApiError(404, "invitation_not_valid", NOT_VALID);
      policy(password, found.email);
      const passwordHash = await hashPassword(password);
      const used = await inTransaction(deps.pool, async (tx) => {
        // Locked and read again: two tabs using one link set one password.
        const open = await findOpenInvitation(tx, hash, now, { forUpdate: true });
        if (open === undefined) return undefined;
        await markInvitationUsed(tx, open.id, now);
        await setPasswordHash(tx, open.userId, passwordHash, { mustChange: false, now });
        await endUserSessions(tx, open.userId, "password_changed");
        await recordAuditEvent(tx, {
          actor: `user:${open.userId}`,
          action: "invitation.accept",
          subjectType: "user",
          subjectId: open.userId,
        });
        return open;
      });
      if (used === undefined) throw new ApiError(404, "invitation_not_valid", NOT_VALID);
      request.log.info({ user: used.userId }, "invitation accepted");
      return signIn(used.email, password);
    },
  );

  app.post(
    "/api/account/password",
    {
      config: { roles: ALL_ROLES, duringPasswordChange: true },
      schema: {
        summary:
          "Change my password (first, after signing in with a temporary one): every session ends and a new one starts",
        tags: ["session"],
        body: z.object({
          currentPassword: z.string().min(1).max(1024),
          newPassword: z.string().min(1).max(1024),
        }),
        response: { 200: SignedIn, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const userId = request.principal.subject;
      const { currentPassword, newPassword } = request.body;
      const account = await passwordHashOf(deps.pool, userId);
      if (account === undefined || !(await verifyPassword(currentPassword, account.passwordHash)))
        throw badRequest("wrong_password", "The current password is not right.");
      if (newPassword === currentPassword)
        throw badRequest("same_password", "Choose a password other than the temporary one.");
      policy(newPassword, account.email);
      const passwordHash = await hashPassword(newPassword);
      const now = deps.now();
      await inTransaction(deps.pool, async (tx) => {
        await setPasswordHash(tx, userId, passwordHash, { mustChange: false, now });
        await endUserSessions(tx, userId, "password_changed");
        await recordAuditEvent(tx, {
          actor: `user:${userId}`,
          action: "account.password-change",
          subjectType: "user",
          subjectId: userId,
          detail: {
            role: request.principal.role,
            requestId: request.id,
            wasTemporary: request.principal.mustChangePassword === true,
          },
        });
      });
      const session = sessionOf(request);
      if (session !== undefined) sessions.forget(session.sessionId);
      return signIn(account.email, newPassword);
    },
  );
};
