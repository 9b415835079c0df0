import { normalizeIP } from "@fastify/rate-limit";
import { authenticate, endSession, listOrganizations, openSession } from "@homeward/directory";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { ApiDeps } from "../api-deps.ts";
import { ALL_ROLES, sessionOf } from "../auth/access-control.ts";
import type { SessionCheck } from "../auth/session-check.ts";
import { ApiError, ERROR_RESPONSES } from "../errors.ts";
import { LoginBody, LoginResponse, Me } from "./session-schemas.ts";

/** How many sign-in attempts a minute: per client address, and per account from any address. */
export interface SignInLimits {
  perAddress: number;
  perAccount: number;
}

/** The account a sign-in names, however the e-mail is spelled (the users table matches it case-insensitively). */
const accountKey = (email: string) => email.trim().toLowerCase();

/**
 * Sign-in (`POST /api/login`, public), sign-out (`POST /api/logout`) and `GET /api/me`, what the
 * dashboard needs to label the signed-in user and their organizations.
 *
 * Password guessing meets two budgets: per client address (`request.ip`, which believes
 * X-Forwarded-For only from TRUST_PROXY's proxies) and per account, so a client rotating
 * addresses still gets a few guesses per account, and one account's lockout leaves the others
 * alone. The bearer header plays no part: sign-in is public, and its budgets are keyed by address
 * and account only.
 */
export const sessionRoutes: FastifyPluginAsyncZod<{
  deps: ApiDeps;
  sessions: SessionCheck;
  signInLimits: SignInLimits;
}> = async (app, { deps, sessions, signInLimits }) => {
  const accountLimit = app.createRateLimit({
    max: signInLimits.perAccount,
    timeWindow: 60_000,
    keyGenerator: (request) => `sign-in:account:${accountKey((request.body as { email: string }).email)}`,
  });

  app.post(
    "/api/login",
    {
      config: {
        public: true,
        rateLimit: {
          max: signInLimits.perAddress,
          timeWindow: 60_000,
          keyGenerator: (request) => `sign-in:address:${normalizeIP(request.ip)}`,
        },
      },
      schema: {
        summary: "Sign in with e-mail and password; returns a bearer token",
        tags: ["session"],
        security: [],
        body: LoginBody,
        response: { 200: LoginResponse, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const limit = await accountLimit(request);
      if (!limit.isAllowed && limit.isExceeded) {
        reply.header("retry-after", limit.ttlInSeconds);
        throw new ApiError(429, "rate_limited", "too many sign-in attempts; try again shortly");
      }
      const principal = await authenticate(deps.pool, request.body.email, request.body.password);
      if (principal === undefined) {
        request.log.info("sign-in refused");
        throw new ApiError(401, "invalid_credentials", "wrong e-mail or password");
      }
      const { token, sessionId, issuedAt, expiresAt } = await deps.tokens.issue(principal);
      await openSession(deps.pool, { id: sessionId, userId: principal.subject, issuedAt, expiresAt });
      request.log.info({ user: principal.subject }, "signed in");
      return {
        token,
        expiresAt: expiresAt.toISOString(),
        mustChangePassword: principal.mustChangePassword === true,
      };
    },
  );

  app.post(
    "/api/logout",
    {
      config: { roles: ALL_ROLES, duringPasswordChange: true },
      schema: {
        summary: "Sign out: the presented token stops working at once (the user's other sessions go on)",
        tags: ["session"],
        response: { 204: z.null().describe("signed out"), ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const session = sessionOf(request);
      // The access hook has answered 401 already when there is no open session.
      if (session === undefined) throw new ApiError(401, "unauthorized", "sign in required");
      await endSession(deps.pool, session.sessionId, "signed_out");
      sessions.forget(session.sessionId);
      request.log.info({ user: session.principal.subject }, "signed out");
      return reply.code(204).send(null);
    },
  );

  app.get(
    "/api/me",
    {
      config: { roles: ALL_ROLES, duringPasswordChange: true },
      schema: { summary: "The signed-in user", tags: ["session"], response: { 200: Me, ...ERROR_RESPONSES } },
    },
    async (request) => {
      const p = request.principal;
      // Users only (ALL_ROLES): a FHIR client's token never reaches here.
      if (p.role === "fhir_client") throw new ApiError(403, "forbidden", "not a user");
      const all = p.role === "system_admin";
      const organizations = await listOrganizations(deps.pool, all ? null : p.organizationIds, deps.now());
      return {
        userId: p.subject,
        role: p.role,
        recipientId: p.recipientId ?? null,
        organizations: organizations.map(({ id, code, name, kind }) => ({ id, code, name, kind })),
        mustChangePassword: p.mustChangePassword === true,
      };
    },
  );
};
