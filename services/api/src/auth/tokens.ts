import { randomUUID } from "node:crypto";
import { errors, jwtVerify, SignJWT } from "jose";
import { z } from "zod";
import type { Principal, Role } from "./principal.ts";

const ISSUER = "homeward";
const AUDIENCE = "homeward-api";

const Claims = z.object({
  /** The user's id (users.id, a bigint). */
  sub: z.string().regex(/^\d{1,18}$/),
  /** The session's id (api_sessions.id): what sign-out ends. */
  jti: z.uuid(),
  role: z.enum(["care_manager", "practice_admin", "quality", "system_admin", "interface_analyst"]),
  orgs: z.array(z.string().regex(/^\d+$/)),
  rid: z.string().regex(/^\d+$/).optional(),
  /** Signed in with a temporary password (the dashboard asks for a new one first). */
  mcp: z.literal(true).optional(),
});

/** A token that was signed with our key and has not expired: whom it names and its session. */
export interface VerifiedToken {
  /** The principal as the token claims it; the session check replaces it with the user's current one. */
  principal: Principal;
  sessionId: string;
}

/** Signs and verifies the api's bearer tokens (HS256 JWT) with one secret. */
export interface TokenService {
  /** A token for `principal` in a new session (its `jti`), valid for the configured time. */
  issue(principal: Principal): Promise<{ token: string; sessionId: string; issuedAt: Date; expiresAt: Date }>;
  /** What a token names, or undefined when it is forged, expired or malformed. */
  verify(token: string): Promise<VerifiedToken | undefined>;
}

/**
 * Signed tokens naming a session. The signature and expiry are checked here, without I/O; whether
 * the session is still open and what the user may do now is the session check's job
 * (session-check.ts), so the role and organization claims are for the dashboard's menus only.
 */
export function createTokenService(options: {
  secret: string;
  ttlMinutes: number;
  now?: () => Date;
}): TokenService {
  const key = new TextEncoder().encode(options.secret);
  const now = options.now ?? (() => new Date());
  return {
    async issue(principal) {
      const issuedAt = Math.floor(now().getTime() / 1000);
      const exp = issuedAt + options.ttlMinutes * 60;
      const sessionId = randomUUID();
      const token = await new SignJWT({
        role: principal.role,
        orgs: [...principal.organizationIds],
        ...(principal.recipientId === undefined ? {} : { rid: principal.recipientId }),
        ...(principal.mustChangePassword === true ? { mcp: true } : {}),
      })
        .setProtectedHeader({ alg: "HS256", typ: "JWT" })
        .setSubject(principal.subject)
        .setJti(sessionId)
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setIssuedAt(issuedAt)
        .setExpirationTime(exp)
        .sign(key);
      return { token, sessionId, issuedAt: new Date(issuedAt * 1000), expiresAt: new Date(exp * 1000) };
    },
    async verify(token) {
      try {
        const { payload } = await jwtVerify(token, key, {
          algorithms: ["HS256"],
          issuer: ISSUER,
          audience: AUDIENCE,
          currentDate: now(),
          requiredClaims: ["exp", "sub", "jti"],
        });
        const claims = Claims.safeParse(payload);
        if (!claims.success) return undefined;
        const { sub, jti, role, orgs, rid } = claims.data;
        return {
          principal: {
            subject: sub,
            role: role satisfies Role,
            organizationIds: orgs,
            ...(rid === undefined ? {} : { recipientId: rid }),
          },
          sessionId: jti,
        };
      } catch (err) {
        if (err instanceof errors.JOSEError) return undefined;
        throw err;
      }
    },
  };
}
