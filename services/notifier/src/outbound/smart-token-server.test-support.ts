import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { type CryptoKey, importJWK, type JWK, jwtVerify, type KeyObject } from "jose";

/**
 * An OAuth 2.0 token endpoint for tests, as an EHR's authorization server does SMART Backend
 * Services: `grant_type=client_credentials` with a `jwt-bearer` client assertion, verified against
 * the client's registered public key (signature, `alg` RS384/ES384, `kid`, `iss` = `sub` = the client
 * id, `aud` = this URL, `exp` at most five minutes away, a `jti` never seen before), and the scope
 * checked against what the client may have. It answers with a random access token that
 * {@link SmartTokenServer.accepts} then knows (for the FHIR receiver to require).
 */
export interface SmartTokenServer {
  tokenUrl: string;
  /** Whether an `Authorization` header carries a token this server issued and has not revoked. */
  accepts(authorization: string | undefined): boolean;
  /** Every issued token is refused from now on (as after a key rotation on the EHR's side). */
  revokeAll(): void;
  /** Tokens issued, and requests refused with their OAuth error. */
  issued: string[];
  refused: string[];
  close(): Promise<void>;
}

export async function startSmartTokenServer(options: {
  clientId: string;
  keyId: string;
  publicJwk: JWK;
  alg: "RS384" | "ES384";
  allowedScopes: readonly string[];
  expiresIn?: number;
  /** The server's clock (the test's, when it moves time). */
  now?: () => number;
}): Promise<SmartTokenServer> {
  const now = options.now ?? (() => Date.now());
  const key: CryptoKey | KeyObject | Uint8Array = await importJWK(options.publicJwk, options.alg);
  const seenJti = new Set<string>();
  const live = new Set<string>();
  const issued: string[] = [];
  const refused: string[] = [];
  let tokenUrl = "";
  const server = createServer((req, res) => {
    handle(req, res).catch(() => answer(res, 500, { error: "server_error" }));
  });
  async function handle(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const form = new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
    const refuse = (status: number, error: string, why: string) => {
      refused.push(`${error}: ${why}`);
      answer(res, status, { error, error_description: why });
    };
    if (
      req.method !== "POST" ||
      !(req.headers["content-type"] ?? "").startsWith("application/x-www-form-urlencoded")
    )
      return refuse(400, "invalid_request", "a form POST");
    if (form.get("grant_type") !== "client_credentials")
      return refuse(400, "unsupported_grant_type", "grant");
    if (form.get("client_assertion_type") !== "urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
      return refuse(400, "invalid_request", "client_assertion_type");
    const scopes = (form.get("scope") ?? "").split(" ").filter((s) => s !== "");
    if (scopes.length === 0 || scopes.some((s) => !options.allowedScopes.includes(s)))
      return refuse(400, "invalid_scope", form.get("scope") ?? "");
    let payload: Awaited<ReturnType<typeof jwtVerify>>["payload"];
    let header: Awaited<ReturnType<typeof jwtVerify>>["protectedHeader"];
    try {
      ({ payload, protectedHeader: header } = await jwtVerify(form.get("client_assertion") ?? "", key, {
        algorithms: [options.alg],
        issuer: options.clientId,
        subject: options.clientId,
        audience: tokenUrl,
        requiredClaims: ["exp", "jti"],
        currentDate: new Date(now()),
      }));
    } catch (err) {
      return refuse(401, "invalid_client", err instanceof Error ? err.message : "assertion");
    }
    if (header.kid !== options.keyId) return refuse(401, "invalid_client", "unknown kid");
    const nowSeconds = Math.floor(now() / 1000);
    if ((payload.exp ?? 0) > nowSeconds + 300)
      return refuse(401, "invalid_client", "exp more than 5 minutes away");
    const jti = payload.jti ?? "";
    if (seenJti.has(jti)) return refuse(401, "invalid_client", "jti replayed");
    seenJti.add(jti);
    const token = randomBytes(24).toString("base64url");
    live.add(token);
    issued.push(token);
    answer(res, 200, {
      access_token: token,
      token_type: "bearer",
      expires_in: options.expiresIn ?? 300,
      scope: scopes.join(" "),
    });
  }
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  tokenUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/auth/token`;
  return {
    tokenUrl,
    accepts: (authorization) =>
      authorization?.startsWith("Bearer ") === true && live.has(authorization.slice(7)),
    revokeAll: () => live.clear(),
    issued,
    refused,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function answer(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { "content-type": "application/json", "cache-control": "no-store" });
  res.end(JSON.stringify(body));
}
