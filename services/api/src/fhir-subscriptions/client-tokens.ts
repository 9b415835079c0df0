import { createHmac, randomUUID } from "node:crypto";
import { errors, jwtVerify, SignJWT } from "jose";
import { z } from "zod";
import type { Principal } from "../auth/principal.ts";
import type { SessionCheck } from "../auth/session-check.ts";

/**
 * Access tokens for registered FHIR clients (the token endpoint's answer): HS256 JWTs under a key
 * derived from API_TOKEN_SECRET for this purpose only, with their own audience, so a client token is
 * never taken for a user's session token nor the other way round. Short-lived; no refresh.
 */

const ISSUER = "homeward";
const AUDIENCE = "homeward-fhir";
/** How long a client's access token is good for (SMART suggests five minutes or less). */
export const CLIENT_TOKEN_SECONDS = 300;

const Claims = z.object({
  sub: z.string().min(1).max(200),
  org: z.string().regex(/^\d{1,18}$/),
  scope: z.string().min(1).max(2000),
  jti: z.string().min(1),
});

export interface ClientGrant {
  clientId: string;
  organizationId: string;
  scopes: readonly string[];
}

export interface ClientTokenService {
  issue(grant: ClientGrant): Promise<{ token: string; expiresIn: number }>;
  /** What a token grants, or undefined when forged, expired, malformed or a user's token. */
  verify(token: string): Promise<ClientGrant | undefined>;
}

export function createClientTokenService(options: { secret: string; now: () => Date }): ClientTokenService {
  const key = createHmac("sha256", options.secret).update("homeward fhir client access token v1").digest();
  return {
    async issue(grant) {
      const iat = Math.floor(options.now().getTime() / 1000);
      const token = await new SignJWT({ org: grant.organizationId, scope: grant.scopes.join(" ") })
        .setProtectedHeader({ alg: "HS256", typ: "JWT" })
        .setSubject(grant.clientId)
        .setJti(randomUUID())
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setIssuedAt(iat)
        .setExpirationTime(iat + CLIENT_TOKEN_SECONDS)
        .sign(key);
      return { token, expiresIn: CLIENT_TOKEN_SECONDS };
    },
    async verify(token) {
      try {
        const { payload } = await jwtVerify(token, key, {
          algorithms: ["HS256"],
          issuer: ISSUER,
          audience: AUDIENCE,
          currentDate: options.now(),
          requiredClaims: ["exp", "sub", "jti"],
        });
        const claims = Claims.safeParse(payload);
        if (!claims.success) return undefined;
        return {
          clientId: claims.data.sub,
          organizationId: claims.data.org,
          scopes: claims.data.scope.split(" "),
        };
      } catch (err) {
        if (err instanceof errors.JOSEError) return undefined;
        throw err;
      }
    },
  };
}

/**
 * The api's bearer check with FHIR clients added: a user's session token as before, else a client
 * access token whose client is still enabled and of the same organization (a disabled client's
 * tokens stop at once). The client's principal has the `fhir_client` role, which only the FHIR
 * Subscription routes and the notified Encounter and Patient reads accept, and its granted scopes.
 */
export function withFhirClients(
  sessions: SessionCheck,
  clients: {
    tokens: ClientTokenService;
    isEnabled: (clientId: string, organizationId: string) => Promise<boolean>;
  },
): SessionCheck {
  return {
    async check(token) {
      const session = await sessions.check(token);
      if (session !== undefined) return session;
      const grant = await clients.tokens.verify(token);
      if (grant === undefined || !(await clients.isEnabled(grant.clientId, grant.organizationId)))
        return undefined;
      const principal: Principal = {
        subject: grant.clientId,
        role: "fhir_client",
        organizationIds: [grant.organizationId],
        scopes: grant.scopes,
      };
      return { principal, sessionId: `fhir-client:${grant.clientId}` };
    },
    forget: (sessionId) => sessions.forget(sessionId),
  };
}
