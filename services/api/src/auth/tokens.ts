import { errors, jwtVerify, SignJWT } from "jose";
import { z } from "zod";
import type { Principal, Role } from "./principal.ts";

const ISSUER = "homeward";
const AUDIENCE = "homeward-api";

const Claims = z.object({
  sub: z.string().min(1),
  role: z.enum(["care_manager", "practice_admin", "quality", "system_admin"]),
  orgs: z.array(z.string().regex(/^\d+$/)),
  rid: z.string().regex(/^\d+$/).optional(),
});

/** Signs and verifies the api's bearer tokens (HS256 JWT) with one secret. */
export interface TokenService {
  /** A token for `principal`, valid for the configured time; returns it with its expiry. */
  issue(principal: Principal): Promise<{ token: string; expiresAt: Date }>;
  /** The principal a token names, or undefined when it is forged, expired or malformed. */
  verify(token: string): Promise<Principal | undefined>;
}

/**
 * Stateless tokens: the claims (sub, role, orgs, rid, exp) are all the api needs to scope a
 * request, so no database read per request. The price is that a disabled user or a changed
 * organization list takes effect when the token expires: keep TOKEN_TTL_MINUTES short.
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
      const token = await new SignJWT({
        role: principal.role,
        orgs: [...principal.organizationIds],
        ...(principal.recipientId === undefined ? {} : { rid: principal.recipientId }),
      })
        .setProtectedHeader({ alg: "HS256", typ: "JWT" })
        .setSubject(principal.subject)
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setIssuedAt(issuedAt)
        .setExpirationTime(exp)
        .sign(key);
      return { token, expiresAt: new Date(exp * 1000) };
    },
    async verify(token) {
      try {
        const { payload } = await jwtVerify(token, key, {
          algorithms: ["HS256"],
          issuer: ISSUER,
          audience: AUDIENCE,
          currentDate: now(),
          requiredClaims: ["exp", "sub"],
        });
        const claims = Claims.safeParse(payload);
        if (!claims.success) return undefined;
        const { sub, role, orgs, rid } = claims.data;
        return {
          subject: sub,
          role: role satisfies Role,
          organizationIds: orgs,
          ...(rid === undefined ? {} : { recipientId: rid }),
        };
      } catch (err) {
        if (err instanceof errors.JOSEError) return undefined;
        throw err;
      }
    },
  };
}
