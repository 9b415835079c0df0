import { createHash, randomUUID } from "node:crypto";
import { DEFAULT_SMART_SCOPE, parseSmartPrivateKey, type SmartBackendSettings } from "@homeward/outbound";
import { SignJWT } from "jose";
import { networkFailure, type OutboundResult, retryableHttpStatus } from "./outbound-sender.ts";

/**
 * Access tokens for FHIR endpoints that use OAuth 2.0 client credentials with a signed JWT
 * assertion (SMART Backend Services, "SMART App Launch" 2.x §backend-services): the assertion is
 * signed with the endpoint's private key (RS384 or ES384, `kid` the registered key's id), `iss` =
 * `sub` = the client id, `aud` = the token URL, five minutes to live and a fresh `jti`; the token is
 * kept until `refreshMarginSeconds` before its `expires_in` and fetched again when the FHIR server
 * refuses it. Cached per endpoint and per settings (changing the key or the client starts over).
 */
export class SmartBackendTokens {
  private readonly cache = new Map<string, { token: string; until: number }>();

  constructor(
    private readonly options: { timeoutMs: number; now: () => number; refreshMarginSeconds?: number },
  ) {}

  /** A token for the endpoint, from the cache or the token URL; a failure is an outcome, as a send's is. */
  async token(
    endpointKey: string,
    settings: SmartBackendSettings,
    privateKey: string,
  ): Promise<{ token: string } | Extract<OutboundResult, { status: "failed" }>> {
    const key = cacheKey(endpointKey, settings, privateKey);
    const cached = this.cache.get(key);
    if (cached !== undefined && cached.until > this.options.now()) return { token: cached.token };
    const signing = parseSmartPrivateKey(privateKey);
    if ("error" in signing)
      return {
        status: "failed",
        retryable: false,
        code: "smart-key",
        message: `the endpoint's key: ${signing.error}`,
      };
    const nowSeconds = Math.floor(this.options.now() / 1000);
    const assertion = await new SignJWT({})
      .setProtectedHeader({ alg: signing.alg, kid: settings.keyId, typ: "JWT" })
      .setIssuer(settings.clientId)
      .setSubject(settings.clientId)
      .setAudience(settings.tokenUrl)
      .setIssuedAt(nowSeconds)
      .setExpirationTime(nowSeconds + 300)
      .setJti(randomUUID())
      .sign(signing.key);
    let res: Response;
    try {
      res = await fetch(settings.tokenUrl, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
        body: new URLSearchParams({
          grant_type: "client_credentials",
          scope: settings.scope ?? DEFAULT_SMART_SCOPE,
          client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
          client_assertion: assertion,
        }),
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
    } catch (err) {
      const failure = networkFailure(err) as Extract<OutboundResult, { status: "failed" }>;
      return { ...failure, code: `token-${failure.code}` };
    }
    const body = (await res.json().catch(() => undefined)) as
      | { access_token?: unknown; expires_in?: unknown; token_type?: unknown }
      | undefined;
    if (!res.ok || typeof body?.access_token !== "string" || body.access_token === "") {
      return {
        status: "failed",
        // 400/401 (invalid_client, invalid_scope): the registration is wrong; a retry will not fix it.
        retryable: !res.ok && retryableHttpStatus(res.status),
        code: res.ok ? "token-malformed" : `token-http-${res.status}`,
        message: res.ok
          ? "the token endpoint answered without an access token"
          : `the token endpoint answered HTTP ${res.status}`,
        responseStatus: `token ${res.status}`,
      };
    }
    const lifetime = typeof body.expires_in === "number" && body.expires_in > 0 ? body.expires_in : 300;
    const margin = Math.min(this.options.refreshMarginSeconds ?? 30, lifetime / 2);
    this.cache.set(key, { token: body.access_token, until: this.options.now() + (lifetime - margin) * 1000 });
    return { token: body.access_token };
  }

  /** Forgets the endpoint's token (the FHIR server refused it). */
  forget(endpointKey: string, settings: SmartBackendSettings, privateKey: string): void {
    this.cache.delete(cacheKey(endpointKey, settings, privateKey));
  }
}

/** The cache's key: the endpoint and a digest of what the token depends on (never the key itself). */
function cacheKey(endpointKey: string, s: SmartBackendSettings, privateKey: string): string {
  const digest = createHash("sha256")
    .update(JSON.stringify([s.tokenUrl, s.clientId, s.keyId, s.scope, privateKey]))
    .digest("base64url");
  return `${endpointKey}:${digest}`;
}
