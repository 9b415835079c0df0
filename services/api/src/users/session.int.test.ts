import { createPool } from "@homeward/db";
import { createLogger } from "@homeward/logger";
import { isolation } from "@homeward/testing";
import { decodeJwt } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiTest, NOW, PASSWORD, startTestApi, USERS } from "../api.test-support.ts";
import { buildApi } from "../app.ts";
import { createTokenService } from "../auth/tokens.ts";
import { loadApiEnv } from "../env.ts";

const SECRET = "test-only-secret-0123456789abcdefghijkl";
let t: ApiTest;

beforeAll(async () => {
  t = await startTestApi("session");
});
afterAll(async () => t?.close());

/** A concrete URL for a route pattern (`:id` and friends filled with a harmless value). */
const concrete = (url: string) => url.replace(/:[A-Za-z]+/g, "1");

describe("POST /api/login", () => {
  it("returns an HS256 token naming the user, role, organizations and recipient, expiring after the TTL", async () => {
    const res = await t.call(null, {
      method: "POST",
      url: "/api/login",
      payload: { email: USERS.cmA.email.toUpperCase(), password: PASSWORD },
    });
    expect(res.statusCode).toBe(200);
    const { token, expiresAt } = res.json<{ token: string; expiresAt: string }>();
    const claims = decodeJwt(token);
    expect(claims).toMatchObject({ role: "care_manager", orgs: [t.ids.practiceA], rid: t.ids.cmA });
    expect(claims.sub).toMatch(/^\d+$/);
    expect(claims.exp).toBe(NOW.getTime() / 1000 + 60 * 60);
    expect(Date.parse(expiresAt)).toBe(NOW.getTime() + 60 * 60 * 1000);
  });

  it("refuses a wrong password and an unknown e-mail alike", async () => {
    for (const payload of [
      { email: USERS.cmA.email, password: "not the password" },
      { email: "nobody@nowhere.example", password: PASSWORD },
    ]) {
      const res = await t.call(null, { method: "POST", url: "/api/login", payload });
      expect(res.statusCode).toBe(401);
      expect(res.json()).toEqual({
        error: { code: "invalid_credentials", message: "wrong e-mail or password" },
      });
    }
  });

  it("answers a malformed body with the one validation error shape", async () => {
    const res = await t.call(null, { method: "POST", url: "/api/login", payload: { email: "not-an-email" } });
    expect(res.statusCode).toBe(400);
    const body = res.json<{ error: { code: string; message: string; details: { issues: unknown[] } } }>();
    expect(body.error.code).toBe("validation_failed");
    expect(body.error.details.issues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ in: "body", path: "email" }),
        expect.objectContaining({ in: "body", path: "password" }),
      ]),
    );
  });

  it("answers a body that is not JSON with a fixed message that does not echo it", async () => {
    const res = await t.call(null, {
      method: "POST",
      url: "/api/login",
      headers: { "content-type": "application/json" },
      payload: '{"email": QUILLFEATHER',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ error: { code: "bad_request", message: "the request could not be read" } });
  });
});

describe("authentication", () => {
  it("every /api route except sign-in, invitation links, the OpenAPI document and FHIR discovery answers 401 without a token", async () => {
    const routes = t.app.apiRoutes.filter((r) => r.url.startsWith("/api/"));
    expect(routes.length).toBeGreaterThan(20);
    // An invitation link's token is its own credential (users.int.test.ts).
    const PUBLIC = [
      "/api/login",
      "/api/openapi.json",
      "/api/invitations/lookup",
      "/api/invitations/accept",
      // FHIR discovery and SMART's token endpoint (its client assertion is the credential):
      // fhir-clients.int.test.ts. The topics and the CapabilityStatement carry no patient data.
      "/api/fhir/.well-known/smart-configuration",
      "/api/fhir/token",
      "/api/fhir/metadata",
      "/api/fhir/Basic",
      "/api/fhir/Basic/:id",
      "/api/fhir/SubscriptionTopic",
      "/api/fhir/SubscriptionTopic/:id",
    ];
    for (const route of routes) {
      if (PUBLIC.includes(route.url)) continue;
      const res = await t.call(null, {
        method: route.method as "GET",
        url: concrete(route.url),
        ...(route.method === "GET" ? {} : { payload: {} }),
      });
      expect({ route, status: res.statusCode }).toEqual({ route, status: 401 });
      expect(res.json()).toMatchObject({ error: { code: "unauthorized" } });
    }
  });

  it("refuses forged, expired and garbled tokens", async () => {
    const forged = await createTokenService({
      secret: "another-secret-0123456789abcdefghijklmn",
      ttlMinutes: 5,
      now: () => NOW,
    }).issue({ subject: "1", role: "system_admin", organizationIds: [] });
    const expired = await createTokenService({
      secret: SECRET,
      ttlMinutes: 5,
      now: () => new Date(NOW.getTime() - 10 * 60_000),
    }).issue({ subject: "1", role: "system_admin", organizationIds: [] });
    for (const token of [
      forged.token,
      expired.token,
      "garbage",
      `${forged.token.split(".").slice(0, 2).join(".")}.`,
    ]) {
      const res = await t.app.inject({ url: "/api/tasks", headers: { authorization: `Bearer ${token}` } });
      expect(res.statusCode).toBe(401);
    }
  });

  it("answers 401 for an unknown /api path without a token and 404 with one", async () => {
    const anonymous = await t.call(null, { url: "/api/no-such-thing" });
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.json()).toEqual({ error: { code: "unauthorized", message: "sign in required" } });
    expect(anonymous.headers["www-authenticate"]).toMatch(/^Bearer/);
    const res = await t.call("cmA", { url: "/api/no-such-thing" });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ error: { code: "not_found", message: "not found" } });
  });

  it("answers 403 when the role may not call the route", async () => {
    const res = await t.call("qualityA", { url: "/api/tasks" });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ error: { code: "forbidden" } });
    expect((await t.call("cmA", { url: "/api/admin/recipients" })).statusCode).toBe(403);
    expect((await t.call("adminA", { url: "/api/admin/reviews" })).statusCode).toBe(403);
  });

  it("GET /api/me names the user's organizations", async () => {
    const res = await t.call("adminA", { url: "/api/me" });
    expect(res.json()).toMatchObject({
      role: "practice_admin",
      recipientId: null,
      organizations: [{ id: t.ids.practiceA, code: "SFM" }],
    });
  });
});

describe("GET /api/openapi.json", () => {
  it("is public and documents the routes with their zod schemas", async () => {
    const res = await t.call(null, { url: "/api/openapi.json" });
    expect(res.statusCode).toBe(200);
    const doc = res.json<{ paths: Record<string, Record<string, { parameters?: { name: string }[] }>> }>();
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(["/api/login", "/api/tasks", "/api/tasks/{id}/complete", "/api/admin/rosters"]),
    );
    expect(doc.paths["/api/tasks"]?.get?.parameters?.map((p) => p.name)).toEqual(
      expect.arrayContaining([
        "status",
        "due",
        "organizationId",
        "program",
        "tier",
        "assignee",
        "limit",
        "offset",
      ]),
    );
  });
});

describe("rate limits and unexpected errors", () => {
  it("gives 429 in the one error shape once a user has spent the minute's budget, per user", async () => {
    // buildApi takes the pool it is given: the settings only matter for the limit.
    const config = loadApiEnv({ API_TOKEN_SECRET: SECRET, RATE_LIMIT_PER_MINUTE: "3" });
    const app = await buildApi(config, {
      pool: t.pool,
      logger: createLogger({ service: "t", level: "silent" }),
      now: () => NOW,
    });
    try {
      const as = (token: string) => ({ url: "/api/me", headers: { authorization: `Bearer ${token}` } });
      const statuses = [];
      for (let i = 0; i < 4; i++) statuses.push((await app.inject(as(t.tokens.cmA))).statusCode);
      expect(statuses).toEqual([200, 200, 200, 429]);
      const limited = await app.inject(as(t.tokens.cmA));
      expect(limited.json()).toMatchObject({ error: { code: "rate_limited" } });
      expect(limited.headers["retry-after"]).toBeDefined();
      expect((await app.inject(as(t.tokens.cmB))).statusCode).toBe(200);
    } finally {
      await app.close();
    }
  });

  it("answers 500 without the error's detail when the database is gone", async () => {
    const iso = isolation("closedpool");
    const pool = createPool(iso.settings.postgres);
    await pool.end();
    const config = loadApiEnv({ API_TOKEN_SECRET: SECRET });
    const app = await buildApi(config, {
      pool,
      logger: createLogger({ service: "t", level: "silent" }),
      now: () => NOW,
    });
    try {
      const res = await app.inject({
        url: "/api/tasks",
        headers: { authorization: `Bearer ${t.tokens.cmA}` },
      });
      expect(res.statusCode).toBe(500);
      expect(res.json()).toEqual({ error: { code: "internal", message: "something went wrong" } });
    } finally {
      await app.close();
    }
  });
});
