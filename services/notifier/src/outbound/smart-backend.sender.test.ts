import { createPrivateKey, generateKeyPairSync } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { type JWK, SignJWT } from "jose";
import { afterEach, describe, expect, it } from "vitest";
import { DaVinciFhirSender } from "./davinci-fhir.sender.ts";
import { SmartBackendTokens } from "./smart-backend-token.ts";
import { type SmartTokenServer, startSmartTokenServer } from "./smart-token-server.test-support.ts";

// SMART Backend Services end to end on Homeward's side: a real token endpoint that verifies the
// client assertion against the registered public key, and a FHIR receiver that takes only the
// tokens that endpoint issued.

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

function keyPair(kind: "rsa" | "ec") {
  const { privateKey, publicKey } =
    kind === "rsa"
      ? generateKeyPairSync("rsa", { modulusLength: 2048 })
      : generateKeyPairSync("ec", { namedCurve: "P-384" });
  return {
    pem: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    jwk: JSON.stringify(privateKey.export({ format: "jwk" })),
    publicJwk: publicKey.export({ format: "jwk" }) as JWK,
  };
}

async function fhirReceiver(tokens: SmartTokenServer): Promise<{ url: string; seen: number[] }> {
  const seen: number[] = [];
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      const status = tokens.accepts(req.headers.authorization) ? 202 : 401;
      seen.push(status);
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  closers.push(() => new Promise((resolve) => server.close(() => resolve())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/fhir`, seen };
}

async function setup(kind: "rsa" | "ec", keyForm: "pem" | "jwk", scope: string | null = null) {
  const keys = keyPair(kind);
  let now = Date.now();
  const tokenServer = await startSmartTokenServer({
    clientId: "homeward-test",
    keyId: "hw-1",
    publicJwk: keys.publicJwk,
    alg: kind === "rsa" ? "RS384" : "ES384",
    allowedScopes: ["system/*.write", "system/Bundle.write"],
    now: () => now,
  });
  closers.push(() => tokenServer.close());
  const receiver = await fhirReceiver(tokenServer);
  const tokens = new SmartBackendTokens({ timeoutMs: 2000, now: () => now });
  const sender = new DaVinciFhirSender({ timeoutMs: 2000, tokens });
  const message = {
    deliveryId: "obd_1",
    endpointId: "7",
    url: receiver.url,
    secret: keys[keyForm],
    smart: { tokenUrl: tokenServer.tokenUrl, clientId: "homeward-test", keyId: "hw-1", scope },
    payload: { resourceType: "Bundle" },
  };
  return { tokenServer, receiver, sender, message, advance: (ms: number) => (now += ms) };
}

describe("SMART Backend Services for FHIR endpoints", () => {
  it("an RS384 key (PEM) gets a token with a signed assertion, and the token is used until shortly before it expires", async () => {
    const t = await setup("rsa", "pem");
    expect(await t.sender.send(t.message)).toEqual({ status: "sent", responseStatus: "202" });
    expect(await t.sender.send(t.message)).toEqual({ status: "sent", responseStatus: "202" });
    expect(t.tokenServer.issued).toHaveLength(1);
    t.advance(269_000); // 300 s token, refreshed 30 s before
    expect(await t.sender.send(t.message)).toMatchObject({ status: "sent" });
    expect(t.tokenServer.issued).toHaveLength(1);
    t.advance(2_000);
    expect(await t.sender.send(t.message)).toMatchObject({ status: "sent" });
    expect(t.tokenServer.issued).toHaveLength(2);
    expect(t.tokenServer.refused).toEqual([]);
  });

  it("an ES384 key given as a JWK works too, with a configured scope", async () => {
    const t = await setup("ec", "jwk", "system/Bundle.write");
    expect(await t.sender.send(t.message)).toEqual({ status: "sent", responseStatus: "202" });
    expect(t.tokenServer.issued).toHaveLength(1);
  });

  it("a token the FHIR server refuses (401) is replaced once, with a new assertion (new jti)", async () => {
    const t = await setup("rsa", "pem");
    expect(await t.sender.send(t.message)).toMatchObject({ status: "sent" });
    t.tokenServer.revokeAll();
    expect(await t.sender.send(t.message)).toMatchObject({ status: "sent" });
    expect(t.receiver.seen).toEqual([202, 401, 202]);
    expect(t.tokenServer.issued).toHaveLength(2);
    expect(t.tokenServer.refused).toEqual([]);
  });

  it("a wrong key, client or scope is refused by the token endpoint and not retried", async () => {
    const t = await setup("rsa", "pem");
    const other = keyPair("rsa");
    expect(await t.sender.send({ ...t.message, secret: other.pem })).toMatchObject({
      status: "failed",
      retryable: false,
      code: "token-http-401",
    });
    expect(
      await t.sender.send({ ...t.message, smart: { ...t.message.smart, scope: "system/*.read" } }),
    ).toMatchObject({ status: "failed", retryable: false, code: "token-http-400" });
    expect(await t.sender.send({ ...t.message, secret: "not a key at all, really" })).toMatchObject({
      status: "failed",
      retryable: false,
      code: "smart-key",
    });
    expect(t.tokenServer.refused).toEqual([
      expect.stringMatching(/^invalid_client: signature verification failed/),
      "invalid_scope: system/*.read",
    ]);
    expect(t.receiver.seen).toEqual([]);
  });

  it("the test token endpoint itself refuses a replayed jti and an assertion living longer than 5 minutes", async () => {
    const t = await setup("rsa", "pem");
    const key = createPrivateKey(t.message.secret);
    const assertion = (jti: string, lifetime: number) =>
      new SignJWT({})
        .setProtectedHeader({ alg: "RS384", kid: "hw-1" })
        .setIssuer("homeward-test")
        .setSubject("homeward-test")
        .setAudience(t.tokenServer.tokenUrl)
        .setIssuedAt()
        .setExpirationTime(Math.floor(Date.now() / 1000) + lifetime)
        .setJti(jti)
        .sign(key);
    const post = async (jwt: string) =>
      (
        await fetch(t.tokenServer.tokenUrl, {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded" },
          body: new URLSearchParams({
            grant_type: "client_credentials",
            scope: "system/*.write",
            client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            client_assertion: jwt,
          }),
        })
      ).status;
    const once = await assertion("jti-1", 240);
    expect(await post(once)).toBe(200);
    expect(await post(once)).toBe(401);
    expect(await post(await assertion("jti-2", 3600))).toBe(401);
    expect(t.tokenServer.refused).toEqual([
      "invalid_client: jti replayed",
      "invalid_client: exp more than 5 minutes away",
    ]);
  });

  it("a token endpoint that is down is retried later; a 1024-bit RSA or P-256 key is refused", async () => {
    const t = await setup("rsa", "pem");
    expect(
      await t.sender.send({
        ...t.message,
        smart: { ...t.message.smart, tokenUrl: "http://127.0.0.1:1/token" },
      }),
    ).toMatchObject({ status: "failed", retryable: true });
    const weak = generateKeyPairSync("rsa", { modulusLength: 1024 }).privateKey;
    const p256 = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey;
    for (const k of [weak, p256])
      expect(
        await t.sender.send({ ...t.message, secret: k.export({ type: "pkcs8", format: "pem" }).toString() }),
      ).toMatchObject({ status: "failed", retryable: false, code: "smart-key" });
  });
});
