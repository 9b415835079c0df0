import { exportJWK, generateKeyPair, SignJWT } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { type AssertionClient, verifyClientAssertion } from "./client-assertion.ts";
import { createClientTokenService } from "./client-tokens.ts";
import { grantScopes, scopesAllow } from "./smart-scopes.ts";

// The SMART Backend Services assertion checks without a database: keys made here, the client and
// the jti memory as plain values.

const TOKEN_URL = "https://homeward.example.org/api/fhir/token";
const NOW = new Date("2026-03-10T15:00:00Z");
const nowS = NOW.getTime() / 1000;

type Keys = Awaited<ReturnType<typeof generateKeyPair>>;
let rsa: Keys;
let ec: Keys;
let other: Keys;
let client: AssertionClient;
beforeAll(async () => {
  rsa = await generateKeyPair("RS384", { extractable: true });
  ec = await generateKeyPair("ES384", { extractable: true });
  other = await generateKeyPair("RS384", { extractable: true });
  client = {
    id: "client-123456",
    organizationId: "1",
    enabled: true,
    jwks: {
      keys: [
        { ...(await exportJWK(rsa.publicKey)), kid: "rsa-1", alg: "RS384" },
        { ...(await exportJWK(ec.publicKey)), kid: "ec-1", alg: "ES384" },
      ],
    },
    scopes: ["system/Subscription.cruds"],
  };
});

const sign = (
  key: Keys["privateKey"],
  o: {
    alg?: string;
    kid?: string;
    iss?: string;
    sub?: string;
    aud?: string;
    exp?: number;
    jti?: string;
  } = {},
) =>
  new SignJWT({})
    .setProtectedHeader({ alg: o.alg ?? "RS384", kid: o.kid ?? "rsa-1", typ: "JWT" })
    .setIssuer(o.iss ?? client.id)
    .setSubject(o.sub ?? client.id)
    .setAudience(o.aud ?? TOKEN_URL)
    .setExpirationTime(o.exp ?? nowS + 240)
    .setJti(o.jti ?? crypto.randomUUID())
    .sign(key);

function verifier(c: AssertionClient | undefined = client) {
  const seen = new Set<string>();
  return (assertion: string) =>
    verifyClientAssertion(assertion, {
      tokenUrl: TOKEN_URL,
      now: NOW,
      loadClient: async (id) => (c?.id === id ? c : undefined),
      claimJti: async (id, jti) => {
        const k = `${id}/${jti}`;
        if (seen.has(k)) return false;
        seen.add(k);
        return true;
      },
    });
}

const refusal = async (p: Promise<{ ok: boolean }>) => {
  const r = (await p) as { ok: boolean; error?: string; description?: string };
  expect(r.ok).toBe(false);
  return `${r.error}: ${r.description}`;
};

describe("SMART client assertion", () => {
  it("accepts RS384 and ES384 assertions signed by a registered key", async () => {
    const verify = verifier();
    const r = await verify(await sign(rsa.privateKey));
    expect(r).toMatchObject({ ok: true, client: { id: client.id } });
    expect((await verify(await sign(ec.privateKey, { alg: "ES384", kid: "ec-1" }))).ok).toBe(true);
  });

  it("refuses another key, a replayed jti, an expired one, one living over five minutes, a wrong aud", async () => {
    const verify = verifier();
    expect(await refusal(verify(await sign(other.privateKey)))).toMatch(
      /^invalid_client: .*not signed by a key/,
    );
    const once = await sign(rsa.privateKey, { jti: "jti-1" });
    expect((await verify(once)).ok).toBe(true);
    expect(await refusal(verify(once))).toMatch(/jti was already used/);
    expect(await refusal(verify(await sign(rsa.privateKey, { exp: nowS - 120 })))).toMatch(/expired/);
    expect(await refusal(verify(await sign(rsa.privateKey, { exp: nowS + 3600 })))).toMatch(/five minutes/);
    expect(
      await refusal(verify(await sign(rsa.privateKey, { aud: "https://elsewhere.example/token" }))),
    ).toMatch(/aud must be the token endpoint/);
  });

  it("refuses iss ≠ sub, an unknown or disabled client, HS256, and what is not a JWT", async () => {
    const verify = verifier();
    expect(await refusal(verify(await sign(rsa.privateKey, { sub: "someone-else" })))).toMatch(/iss and sub/);
    expect(
      await refusal(verify(await sign(rsa.privateKey, { iss: "nobody-12345", sub: "nobody-12345" }))),
    ).toMatch(/unknown client/);
    expect(await refusal(verifier({ ...client, enabled: false })(await sign(rsa.privateKey)))).toMatch(
      /disabled/,
    );
    const hs = await new SignJWT({})
      .setProtectedHeader({ alg: "HS256" })
      .setIssuer(client.id)
      .setSubject(client.id)
      .setAudience(TOKEN_URL)
      .setExpirationTime(nowS + 60)
      .setJti("x")
      .sign(new Uint8Array(32));
    expect(await refusal(verify(hs))).toMatch(/RS384 or ES384/);
    expect(await refusal(verify("not-a-jwt"))).toMatch(/not a JWT/);
  });
});

describe("SMART v2 scopes", () => {
  it("grants what was asked when every letter is registered; refuses wider or unknown scopes", () => {
    expect(grantScopes("system/Subscription.rs", ["system/Subscription.cruds"])).toEqual([
      "system/Subscription.rs",
    ]);
    expect(grantScopes("system/Subscription.cruds", ["system/Subscription.rs"])).toBeUndefined();
    expect(grantScopes("system/Patient.rs", ["system/Subscription.cruds"])).toBeUndefined();
    expect(grantScopes("system/Subscription.sr", ["system/Subscription.cruds"])).toBeUndefined();
    expect(grantScopes("", ["system/Subscription.cruds"])).toBeUndefined();
    expect(scopesAllow(["system/Subscription.rs"], "Subscription", "s")).toBe(true);
    expect(scopesAllow(["system/Subscription.rs"], "Subscription", "c")).toBe(false);
  });

  it("Encounter and Patient are read-only scopes, granted when registered", () => {
    const registered = ["system/Subscription.cruds", "system/Encounter.r", "system/Patient.r"];
    expect(grantScopes("system/Encounter.r system/Patient.r", registered)).toEqual([
      "system/Encounter.r",
      "system/Patient.r",
    ]);
    expect(grantScopes("system/Encounter.r", ["system/Subscription.cruds"])).toBeUndefined();
    // Homeward serves no search, create or update on them: such scopes are unknown.
    expect(grantScopes("system/Encounter.rs", registered)).toBeUndefined();
    expect(grantScopes("system/Patient.cruds", registered)).toBeUndefined();
    expect(scopesAllow(["system/Encounter.r"], "Encounter", "r")).toBe(true);
    expect(scopesAllow(["system/Encounter.r"], "Patient", "r")).toBe(false);
    expect(scopesAllow(["system/Subscription.cruds"], "Encounter", "r")).toBe(false);
  });
});

describe("client access tokens", () => {
  it("a client token names the client, organization and scopes; a token under another secret is nothing", async () => {
    const a = createClientTokenService({ secret: "s".repeat(40), now: () => NOW });
    const b = createClientTokenService({ secret: "t".repeat(40), now: () => NOW });
    const { token, expiresIn } = await a.issue({
      clientId: "c-1",
      organizationId: "7",
      scopes: ["system/Subscription.rs"],
    });
    expect(expiresIn).toBe(300);
    expect(await a.verify(token)).toEqual({
      clientId: "c-1",
      organizationId: "7",
      scopes: ["system/Subscription.rs"],
    });
    expect(await b.verify(token)).toBeUndefined();
    const later = createClientTokenService({
      secret: "s".repeat(40),
      now: () => new Date(NOW.getTime() + 301_000),
    });
    expect(await later.verify(token)).toBeUndefined();
  });
});
