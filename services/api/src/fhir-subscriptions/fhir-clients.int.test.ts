import { randomBytes, randomUUID } from "node:crypto";
import {
  planAndSendOnce,
  type SubscriptionReceiver,
  startSubscriptionReceiver,
} from "@homeward/outbound/subscription-test-support";
import type { RestHookOptions } from "@homeward/outbound/subscriptions";
import { edArrivalEvent, fhirErrors, matchedOf } from "@homeward/outbound/test-support";
import type { InjectOptions } from "fastify";
import { exportJWK, generateKeyPair, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiTest, NOW, startTestApi } from "../api.test-support.ts";

// FHIR Subscriptions for registered clients (SMART Backend Services) on the real api and
// PostgreSQL: an organization's admin registers a client by its public key; the client signs an
// assertion (keys made here with jose), trades it at /api/fhir/token for a bearer token and runs a
// Subscription's whole life with it (create → handshake, read, search, update with a new endpoint
// → new handshake, $status, $events within backport-max-count, delete). Bad assertions get the
// OAuth error; another organization's client sees nothing of A's.

const BEARER = "Bearer client-hook-token-0123456789";
const START = "http://homeward.example/fhir/SubscriptionTopic/encounter-start";
const BACKPORT = "http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition";
const JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
const nowS = Math.floor(NOW.getTime() / 1000);
const runId = randomUUID().slice(0, 8);

type Keys = Awaited<ReturnType<typeof generateKeyPair>>;
interface Client {
  id: string;
  tokenUrl: string;
  keys: Keys;
  alg: "RS384" | "ES384";
}

let t: ApiTest;
let hookA: SubscriptionReceiver;
let hookA2: SubscriptionReceiver;
let clientA: Client;
let clientB: Client;
const key = randomBytes(32);

async function register(as: "adminA" | "adminB", alg: "RS384" | "ES384", scopes?: string[]): Promise<Client> {
  const keys = await generateKeyPair(alg, { extractable: true });
  const res = await t.call(as, {
    method: "POST",
    url: "/api/admin/fhir-clients",
    payload: {
      name: `EHR ${alg}`,
      jwks: { keys: [{ ...(await exportJWK(keys.publicKey)), kid: "k1", alg }] },
      ...(scopes === undefined ? {} : { scopes }),
    },
  });
  expect(res.statusCode, res.body).toBe(201);
  const body = res.json();
  return { id: body.clientId, tokenUrl: body.tokenUrl, keys, alg };
}

const assertion = (
  c: Client,
  o: { aud?: string; exp?: number; jti?: string; key?: Keys["privateKey"] } = {},
) =>
  new SignJWT({})
    .setProtectedHeader({ alg: c.alg, kid: "k1", typ: "JWT" })
    .setIssuer(c.id)
    .setSubject(c.id)
    .setAudience(o.aud ?? c.tokenUrl)
    .setExpirationTime(o.exp ?? nowS + 240)
    .setJti(o.jti ?? randomUUID())
    .sign(o.key ?? c.keys.privateKey);

const tokenRequest = (signed: string, scope = "system/Subscription.cruds") =>
  t.app.inject({
    method: "POST",
    url: "/api/fhir/token",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    payload: new URLSearchParams({
      grant_type: "client_credentials",
      client_assertion_type: JWT_BEARER,
      client_assertion: signed,
      scope,
    }).toString(),
  });

async function tokenOf(c: Client, scope?: string): Promise<string> {
  const res = await tokenRequest(await assertion(c), scope);
  expect(res.statusCode, res.body).toBe(200);
  return res.json().access_token;
}

const as = (token: string, options: InjectOptions) =>
  t.app.inject({ ...options, headers: { ...options.headers, authorization: `Bearer ${token}` } });

const subscription = (endpoint: string, extra: object[] = []) => ({
  resourceType: "Subscription",
  status: "requested",
  reason: "Care management follow-up",
  criteria: START,
  channel: {
    type: "rest-hook",
    endpoint,
    payload: "application/fhir+json",
    header: [`Authorization: ${BEARER}`],
    extension: [{ url: `${BACKPORT}/backport-heartbeat-period`, valueUnsignedInt: 60 }, ...extra],
    _payload: { extension: [{ url: `${BACKPORT}/backport-payload-content`, valueCode: "full-resource" }] },
  },
});

beforeAll(async () => {
  t = await startTestApi("fhir-clients", { OUTBOUND_SECRET_KEY: key.toString("hex") });
  hookA = await startSubscriptionReceiver(BEARER, "full-resource");
  hookA2 = await startSubscriptionReceiver(BEARER, "full-resource");
  clientA = await register("adminA", "RS384");
  clientB = await register("adminB", "ES384");
});
afterAll(async () => {
  await Promise.all([hookA?.close(), hookA2?.close()]);
  await t?.close();
});

describe("FHIR clients (SMART Backend Services)", () => {
  it("the smart-configuration names the token endpoint, private_key_jwt and the algorithms", async () => {
    const res = await t.app.inject({ url: "/api/fhir/.well-known/smart-configuration" });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      token_endpoint: clientA.tokenUrl,
      token_endpoint_auth_methods_supported: ["private_key_jwt"],
      token_endpoint_auth_signing_alg_values_supported: ["RS384", "ES384"],
      grant_types_supported: ["client_credentials"],
    });
  });

  it("admins register, list and see only their organization's clients; the registration is audited", async () => {
    const listA = (await t.call("adminA", { url: "/api/admin/fhir-clients" })).json().items;
    expect(listA.map((c: { clientId: string }) => c.clientId)).toContain(clientA.id);
    expect(listA.map((c: { clientId: string }) => c.clientId)).not.toContain(clientB.id);
    const audit = await t.pool.query(
      "SELECT actor FROM audit_log WHERE action = 'fhir-client.create' AND subject_id = $1",
      [clientA.id],
    );
    expect(audit.rows).toHaveLength(1);
    const withPrivate = await t.call("adminA", {
      method: "POST",
      url: "/api/admin/fhir-clients",
      payload: { name: "leaky", jwks: { keys: [await exportJWK(clientA.keys.privateKey)] } },
    });
    expect(withPrivate.statusCode).toBe(400);
    expect(withPrivate.json().error.message).toMatch(/private key/);
    expect(
      (
        await t.call("adminB", {
          method: "PATCH",
          url: `/api/admin/fhir-clients/${clientA.id}`,
          payload: { enabled: false },
        })
      ).statusCode,
    ).toBe(404);
  });

  it("a good assertion earns a bearer token with the scope asked for; the token is no session", async () => {
    const res = await tokenRequest(await assertion(clientA), "system/Subscription.rs");
    expect(res.statusCode).toBe(200);
    expect(res.headers["cache-control"]).toBe("no-store");
    expect(res.json()).toMatchObject({
      token_type: "bearer",
      expires_in: 300,
      scope: "system/Subscription.rs",
    });
    const token = res.json().access_token;
    expect((await as(token, { url: "/api/admin/fhir-clients" })).statusCode).toBe(403);
    expect((await as(token, { url: "/api/me" })).statusCode).toBe(403);
    expect((await as(token, { url: "/api/tasks" })).statusCode).toBe(403);
    // Read and search only: creating is refused.
    const create = await as(token, {
      method: "POST",
      url: "/api/fhir/Subscription",
      payload: subscription(hookA.url),
    });
    expect(create.statusCode).toBe(403);
    expect(create.json().error.code).toBe("insufficient_scope");
  });

  it("refused with the OAuth error: another key, a replayed jti, expired, too long-lived, wrong aud, too wide a scope", async () => {
    const other = await generateKeyPair("RS384");
    const cases: [string, Promise<string>, number, string][] = [
      ["other key", assertion(clientA, { key: other.privateKey }), 401, "invalid_client"],
      ["expired", assertion(clientA, { exp: nowS - 300 }), 401, "invalid_client"],
      ["an hour", assertion(clientA, { exp: nowS + 3600 }), 401, "invalid_client"],
      ["wrong aud", assertion(clientA, { aud: "https://elsewhere.example/token" }), 401, "invalid_client"],
    ];
    for (const [what, signed, status, error] of cases) {
      const res = await tokenRequest(await signed);
      expect(res.statusCode, what).toBe(status);
      expect(res.json().error, what).toBe(error);
      expect(res.json().error_description, what).toEqual(expect.any(String));
    }
    const once = await assertion(clientA, { jti: `jti-${runId}` });
    expect((await tokenRequest(once)).statusCode).toBe(200);
    const replay = await tokenRequest(once);
    expect(replay.statusCode).toBe(401);
    expect(replay.json()).toMatchObject({
      error: "invalid_client",
      error_description: expect.stringMatching(/jti/),
    });
    const wide = await tokenRequest(await assertion(clientA), "system/Patient.rs");
    expect(wide.statusCode).toBe(400);
    expect(wide.json().error).toBe("invalid_scope");
    const grant = await t.app.inject({
      method: "POST",
      url: "/api/fhir/token",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      payload: "grant_type=password",
    });
    expect(grant.json().error).toBe("unsupported_grant_type");
  });

  let subId = "";
  it("a client subscribes with its token: the handshake arrives, it reads and searches its subscription", async () => {
    const token = await tokenOf(clientA);
    const res = await as(token, {
      method: "POST",
      url: "/api/fhir/Subscription",
      payload: subscription(hookA.url),
    });
    expect(res.statusCode, res.body).toBe(201);
    subId = res.json().id;
    expect(res.json().status).toBe("active");
    expect(hookA.received.map((r) => r.type)).toEqual(["handshake"]);
    const audit = await t.pool.query(
      "SELECT actor FROM audit_log WHERE action = 'fhir-subscription.create' AND subject_id = $1",
      [subId],
    );
    expect(audit.rows[0]?.actor).toBe(`fhir-client:${clientA.id}`);
    expect((await as(token, { url: `/api/fhir/Subscription/${subId}` })).json()).toMatchObject({
      id: subId,
      status: "active",
      criteria: START,
    });
    const search = (await as(token, { url: "/api/fhir/Subscription?status=active" })).json();
    expect(fhirErrors(search)).toEqual([]);
    expect(search).toMatchObject({ resourceType: "Bundle", type: "searchset" });
    expect(search.entry.map((e: { resource: { id: string } }) => e.resource.id)).toContain(subId);
    const byId = (await as(token, { url: `/api/fhir/Subscription?_id=${subId}` })).json();
    expect(byId.total).toBe(1);
    expect((await as(token, { url: "/api/fhir/Subscription?status=off" })).json().total).toBe(0);
  });

  it("an update to a new endpoint sends a new handshake there; max-count bounds $events; reads are audited", async () => {
    const token = await tokenOf(clientA);
    const put = await as(token, {
      method: "PUT",
      url: `/api/fhir/Subscription/${subId}`,
      payload: { ...subscription(hookA2.url), id: subId },
    });
    expect(put.statusCode, put.body).toBe(200);
    expect(put.json()).toMatchObject({ status: "active", channel: { endpoint: hookA2.url } });
    expect(hookA2.received.map((r) => r.type)).toEqual(["handshake"]);
    // The resource as read back (no header: it is never returned) with a max-count added: same
    // endpoint, no new handshake, and the stored header is kept (the receiver checks it below).
    const read = (await as(token, { url: `/api/fhir/Subscription/${subId}` })).json();
    const maxCount = { url: `${BACKPORT}/backport-max-count`, valuePositiveInt: 2 };
    const again = await as(token, {
      method: "PUT",
      url: `/api/fhir/Subscription/${subId}`,
      payload: { ...read, channel: { ...read.channel, extension: [...read.channel.extension, maxCount] } },
    });
    expect(again.statusCode, again.body).toBe(200);
    expect(again.json().channel.header).toBeUndefined();
    expect(hookA2.received.map((r) => r.type)).toEqual(["handshake"]);
    const notifier: RestHookOptions = {
      pool: t.pool,
      secretKey: key,
      base: "https://homeward.test/api/fhir",
      timeoutMs: 5000,
      now: () => new Date(),
    };
    for (const n of ["1", "2", "3"]) {
      const event = { ...edArrivalEvent(), eventId: `evt-cl-${runId}-${n}` };
      await planAndSendOnce(
        notifier,
        matchedOf(event, {
          matchId: `m-cl-${runId}-${n}`,
          practice: {
            organizationId: t.ids.practiceA,
            code: "SFM",
            name: "Practice",
            timeZone: "America/New_York",
          },
        }),
      );
    }
    expect(hookA2.received.filter((r) => r.type === "event-notification").map((r) => r.eventNumbers)).toEqual(
      [[1], [2], [3]],
    );
    expect(hookA.received.map((r) => r.type)).toEqual(["handshake"]);
    const numbers = (b: {
      entry: {
        resource: { parameter: { name: string; part?: { name: string; valueString?: string }[] }[] };
      }[];
    }) =>
      b.entry[0]?.resource.parameter
        .filter((p) => p.name === "notification-event")
        .map((p) => p.part?.find((x) => x.name === "event-number")?.valueString);
    const first = (await as(token, { url: `/api/fhir/Subscription/${subId}/$events` })).json();
    expect(fhirErrors(first)).toEqual([]);
    expect(numbers(first)).toEqual(["1", "2"]);
    const rest = (
      await as(token, { url: `/api/fhir/Subscription/${subId}/$events?eventsSinceNumber=3` })
    ).json();
    expect(numbers(rest)).toEqual(["3"]);
    const until = (
      await as(token, {
        url: `/api/fhir/Subscription/${subId}/$events?eventsSinceNumber=2&eventsUntilNumber=2`,
      })
    ).json();
    expect(numbers(until)).toEqual(["2"]);
    const access = await t.pool.query<{ actor: string; subject_type: string }>(
      "SELECT actor, subject_type FROM audit_log WHERE action = 'fhir-subscription.events' AND detail->>'subscriptionId' = $1",
      [subId],
    );
    expect(access.rows.length).toBeGreaterThanOrEqual(3);
    expect(
      access.rows.every((r) => r.actor === `fhir-client:${clientA.id}` && r.subject_type === "patient"),
    ).toBe(true);
    const status = (await as(token, { url: `/api/fhir/Subscription/${subId}/$status` })).json();
    expect(fhirErrors(status)).toEqual([]);
  });

  it("another organization's client sees none of A's subscriptions; A's admin still does", async () => {
    const tokenB = await tokenOf(clientB);
    for (const url of [
      `/api/fhir/Subscription/${subId}`,
      `/api/fhir/Subscription/${subId}/$status`,
      `/api/fhir/Subscription/${subId}/$events`,
    ])
      expect((await as(tokenB, { url })).statusCode, url).toBe(404);
    expect((await as(tokenB, { method: "DELETE", url: `/api/fhir/Subscription/${subId}` })).statusCode).toBe(
      404,
    );
    expect(
      (
        await as(tokenB, {
          method: "PUT",
          url: `/api/fhir/Subscription/${subId}`,
          payload: subscription(hookA.url),
        })
      ).statusCode,
    ).toBe(404);
    expect((await as(tokenB, { url: `/api/fhir/Subscription?_id=${subId}` })).json().total).toBe(0);
    expect(
      (
        await as(tokenB, {
          method: "POST",
          url: `/api/fhir/Subscription?organizationId=${t.ids.practiceA}`,
          payload: subscription(hookA.url),
        })
      ).statusCode,
    ).toBe(404);
    expect((await t.call("adminA", { url: `/api/fhir/Subscription/${subId}` })).statusCode).toBe(200);
  });

  it("the client ends its subscription; once disabled, its token stops and it gets no new one", async () => {
    const token = await tokenOf(clientA);
    const off = await as(token, { method: "DELETE", url: `/api/fhir/Subscription/${subId}` });
    expect(off.statusCode).toBe(200);
    expect(off.json().status).toBe("off");
    expect((await as(token, { url: "/api/fhir/Subscription?status=off" })).json().total).toBe(1);
    const disabled = await t.call("adminA", {
      method: "PATCH",
      url: `/api/admin/fhir-clients/${clientA.id}`,
      payload: { enabled: false },
    });
    expect(disabled.json().enabled).toBe(false);
    expect((await as(token, { url: `/api/fhir/Subscription/${subId}` })).statusCode).toBe(401);
    const res = await tokenRequest(await assertion(clientA));
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ error: "invalid_client", error_description: "client disabled" });
  });

  it("the topics are served as R4 Basic resources and named in the CapabilityStatement", async () => {
    const list = (await t.app.inject({ url: "/api/fhir/Basic?code=SubscriptionTopic" })).json();
    expect(fhirErrors(list)).toEqual([]);
    expect(list.entry.map((e: { resource: { id: string } }) => e.resource.id)).toEqual([
      "encounter-start",
      "encounter-end",
    ]);
    const one = await t.app.inject({ url: "/api/fhir/SubscriptionTopic/encounter-start" });
    expect(one.json()).toMatchObject({ resourceType: "Basic", id: "encounter-start" });
    expect(
      (await t.app.inject({ url: `/api/fhir/SubscriptionTopic?url=${encodeURIComponent(START)}` })).json()
        .total,
    ).toBe(1);
    expect((await t.app.inject({ url: "/api/fhir/Basic/nothing" })).statusCode).toBe(404);
    const cs = (await t.app.inject({ url: "/api/fhir/metadata" })).json();
    expect(fhirErrors(cs)).toEqual([]);
    expect(JSON.stringify(cs)).toContain(START);
  });
});
