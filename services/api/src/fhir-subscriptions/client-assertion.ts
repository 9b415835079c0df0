import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, errors, jwtVerify } from "jose";

/**
 * The checks on a SMART Backend Services client assertion (private_key_jwt,
 * https://hl7.org/fhir/smart-app-launch/backend-services.html): signed RS384 or ES384 by one of the
 * client's registered public keys, iss = sub = client_id, aud = this token endpoint's URL, an exp
 * at most five minutes ahead, and a jti not seen before. Every failure is the OAuth `invalid_client`
 * with words for the client's developer (never the key). I/O comes in as functions.
 */

export const ASSERTION_ALGORITHMS = ["RS384", "ES384"] as const;
/** The longest an assertion may live: its exp at most this far ahead of now (SMART: five minutes). */
export const MAX_ASSERTION_SECONDS = 300;
/** Clock difference tolerated between the client and Homeward. */
const CLOCK_SKEW_SECONDS = 30;

export interface AssertionClient {
  id: string;
  organizationId: string;
  enabled: boolean;
  jwks: { keys: object[] };
  scopes: readonly string[];
}

export type AssertionResult<C extends AssertionClient> =
  | { ok: true; client: C; jti: string; expiresAt: Date }
  | { ok: false; error: "invalid_client"; description: string };

const refused = (description: string) => ({ ok: false, error: "invalid_client", description }) as const;

export async function verifyClientAssertion<C extends AssertionClient>(
  assertion: string,
  options: {
    /** This endpoint's URL as the client must name it (the assertion's aud). */
    tokenUrl: string;
    now: Date;
    loadClient: (clientId: string) => Promise<C | undefined>;
    /** Remembers the jti until `expiresAt`; false when it was already used. */
    claimJti: (clientId: string, jti: string, expiresAt: Date) => Promise<boolean>;
  },
): Promise<AssertionResult<C>> {
  let iss: unknown;
  let alg: unknown;
  try {
    alg = decodeProtectedHeader(assertion).alg;
    iss = decodeJwt(assertion).iss;
  } catch {
    return refused("client_assertion is not a JWT");
  }
  if (!(ASSERTION_ALGORITHMS as readonly unknown[]).includes(alg))
    return refused("client_assertion must be signed with RS384 or ES384");
  if (typeof iss !== "string" || iss.length === 0 || iss.length > 200)
    return refused("client_assertion has no iss (the client_id)");
  const client = await options.loadClient(iss);
  if (client === undefined) return refused("unknown client");
  if (!client.enabled) return refused("client disabled");
  let payload: { exp?: number; jti?: string };
  try {
    const keys = createLocalJWKSet(client.jwks as Parameters<typeof createLocalJWKSet>[0]);
    ({ payload } = await jwtVerify(assertion, keys, {
      algorithms: [...ASSERTION_ALGORITHMS],
      issuer: client.id,
      subject: client.id,
      audience: options.tokenUrl,
      currentDate: options.now,
      clockTolerance: CLOCK_SKEW_SECONDS,
      requiredClaims: ["exp", "jti", "sub", "aud"],
    }));
  } catch (err) {
    if (err instanceof errors.JWTExpired) return refused("client_assertion expired");
    if (err instanceof errors.JWTClaimValidationFailed) {
      if (err.claim === "aud") return refused(`aud must be the token endpoint, ${options.tokenUrl}`);
      if (err.claim === "sub" || err.claim === "iss")
        return refused("iss and sub must both be the client_id");
      return refused(`client_assertion claim ${err.claim} is not acceptable`);
    }
    if (err instanceof errors.JOSEError)
      return refused("client_assertion is not signed by a key registered for this client");
    throw err;
  }
  const nowSeconds = Math.floor(options.now.getTime() / 1000);
  const exp = payload.exp as number;
  if (exp - nowSeconds > MAX_ASSERTION_SECONDS + CLOCK_SKEW_SECONDS)
    return refused("client_assertion exp must be at most five minutes ahead");
  const jti = payload.jti as string;
  if (jti.length === 0 || jti.length > 200)
    return refused("client_assertion jti must be 1 to 200 characters");
  const expiresAt = new Date((exp + CLOCK_SKEW_SECONDS) * 1000);
  if (!(await options.claimJti(client.id, jti, expiresAt)))
    return refused("client_assertion jti was already used");
  return { ok: true, client, jti, expiresAt };
}
