import { createUser, setUserActive, setUserPassword } from "@homeward/directory";
import { createLogger } from "@homeward/logger";
import type { FastifyInstance } from "fastify";
import { decodeJwt } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiTest, NOW, PASSWORD, startTestApi } from "../api.test-support.ts";
import { buildApi } from "../app.ts";
import type { UserRole } from "../auth/principal.ts";
import { createTokenService } from "../auth/tokens.ts";
import { loadApiEnv } from "../env.ts";

/**
 * "Sessions can end": sign-out, disabling a user and changes to a user's role or organizations
 * take effect on the next request, not when the token expires. This app checks sessions without
 * a cache (SESSION_CHECK_CACHE_SECONDS=0); the cache has its own test below and in session-check.test.ts.
 */

const SECRET = "test-only-secret-0123456789abcdefghijkl";
let t: ApiTest;
beforeAll(async () => {
  t = await startTestApi("sessions", { SESSION_CHECK_CACHE_SECONDS: "0" });
});
afterAll(async () => t?.close());

let serial = 0;
/** A fresh user of practice A (SFM), so that a test may disable or change them. */
async function newUser(role: UserRole = "practice_admin") {
  serial += 1;
  const email = `session-${serial}@sfm.example`;
  const id = await createUser(t.pool, { email, password: PASSWORD, role, organizationCodes: ["SFM"] });
  return { id, email };
}

async function signIn(email: string, app: FastifyInstance = t.app): Promise<string> {
  const res = await app.inject({ method: "POST", url: "/api/login", payload: { email, password: PASSWORD } });
  expect(res.statusCode).toBe(200);
  return res.json<{ token: string }>().token;
}

const get = (token: string, url = "/api/me", app: FastifyInstance = t.app) =>
  app.inject({ url, headers: { authorization: `Bearer ${token}` } });
const logout = (token: string, app: FastifyInstance = t.app) =>
  app.inject({ method: "POST", url: "/api/logout", headers: { authorization: `Bearer ${token}` } });

describe("POST /api/logout", () => {
  it("ends the presented token's session only: the user's other sessions go on", async () => {
    const { email } = await newUser();
    const first = await signIn(email);
    const second = await signIn(email);
    expect(decodeJwt(first).jti).toMatch(/^[0-9a-f-]{36}$/);
    expect(decodeJwt(first).jti).not.toBe(decodeJwt(second).jti);
    expect((await get(first)).statusCode).toBe(200);

    const res = await logout(first);
    expect(res.statusCode).toBe(204);
    expect(res.body).toBe("");
    const after = await get(first);
    expect(after.statusCode).toBe(401);
    expect(after.json()).toEqual({ error: { code: "unauthorized", message: "sign in required" } });
    expect((await logout(first)).statusCode).toBe(401);
    expect((await get(second)).statusCode).toBe(200);
  });

  it("needs a token", async () => {
    const res = await t.app.inject({ method: "POST", url: "/api/logout" });
    expect(res.statusCode).toBe(401);
  });

  it("takes effect at once in an app that caches session checks, and in another instance within its cache window", async () => {
    const cached = await appWith({ SESSION_CHECK_CACHE_SECONDS: "5" });
    const other = await appWith({ SESSION_CHECK_CACHE_SECONDS: "1" });
    try {
      const { email } = await newUser();
      const token = await signIn(email, cached);
      expect((await get(token, "/api/me", cached)).statusCode).toBe(200);
      expect((await get(token, "/api/me", other)).statusCode).toBe(200);
      expect((await logout(token, cached)).statusCode).toBe(204);
      expect((await get(token, "/api/me", cached)).statusCode).toBe(401);
      // The other instance remembered the session as good: it learns within its 1 s window.
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      expect((await get(token, "/api/me", other)).statusCode).toBe(401);
    } finally {
      await cached.close();
      await other.close();
    }
  });
});

describe("every authenticated request checks the user", () => {
  it("a disabled user's tokens stop working at once, and enabling the user again does not revive them", async () => {
    const { email } = await newUser();
    const token = await signIn(email);
    expect((await get(token)).statusCode).toBe(200);
    expect(await setUserActive(t.pool, email, false)).toBe(true);
    expect((await get(token)).statusCode).toBe(401);
    const refused = await t.app.inject({
      method: "POST",
      url: "/api/login",
      payload: { email, password: PASSWORD },
    });
    expect(refused.statusCode).toBe(401);

    expect(await setUserActive(t.pool, email, true)).toBe(true);
    expect((await get(token)).statusCode).toBe(401);
    expect((await get(await signIn(email))).statusCode).toBe(200);
  });

  it("a new password ends the sessions signed in with the old one", async () => {
    const { email } = await newUser();
    const token = await signIn(email);
    expect((await get(token)).statusCode).toBe(200);
    expect(await setUserPassword(t.pool, email, "Quiet-Harbour-Lantern-42")).toBe(true);
    expect((await get(token)).statusCode).toBe(401);
    const fresh = await t.app.inject({
      method: "POST",
      url: "/api/login",
      payload: { email, password: "Quiet-Harbour-Lantern-42" },
    });
    expect((await get(fresh.json<{ token: string }>().token)).statusCode).toBe(200);
  });

  it("refuses a validly signed token for a user that does not exist, or no longer does", async () => {
    const tokens = createTokenService({ secret: SECRET, ttlMinutes: 30, now: () => NOW });
    for (const subject of ["999999999", "1"]) {
      // Signed with the api's own key, but never issued by a sign-in.
      const { token } = await tokens.issue({ subject, role: "system_admin", organizationIds: [] });
      expect((await get(token)).statusCode).toBe(401);
    }
    const { id, email } = await newUser();
    const token = await signIn(email);
    await t.pool.query("DELETE FROM users WHERE id = $1", [id]);
    expect((await get(token)).statusCode).toBe(401);
  });

  it("a role change applies on the next request", async () => {
    const { id, email } = await newUser("practice_admin");
    const token = await signIn(email);
    expect((await get(token, "/api/admin/recipients")).statusCode).toBe(200);
    await t.pool.query("UPDATE users SET role = 'quality' WHERE id = $1", [id]);
    expect((await get(token, "/api/admin/recipients")).statusCode).toBe(403);
    expect((await get(token)).json()).toMatchObject({ role: "quality" });
  });

  it("an organization taken from a user is no longer theirs on the next request", async () => {
    const { id, email } = await newUser("care_manager");
    const token = await signIn(email);
    expect((await get(token, "/api/tasks/task-a1")).statusCode).toBe(200);
    await t.pool.query("DELETE FROM user_organizations WHERE user_id = $1", [id]);
    await t.pool.query("INSERT INTO user_organizations (user_id, organization_id) VALUES ($1, $2)", [
      id,
      t.ids.practiceB,
    ]);
    expect((await get(token, "/api/tasks/task-a1")).statusCode).toBe(404);
    const me = (await get(token)).json<{ organizations: { id: string }[] }>();
    expect(me.organizations.map((o) => o.id)).toEqual([t.ids.practiceB]);
  });

  it("refuses a token the sign-in never issued even when its claims copy a real session's", async () => {
    const { email } = await newUser("care_manager");
    const real = decodeJwt(await signIn(email));
    const tokens = createTokenService({ secret: SECRET, ttlMinutes: 30, now: () => NOW });
    // Same user and role, but a session id the api never handed out.
    const { token } = await tokens.issue({
      subject: String(real.sub),
      role: "system_admin",
      organizationIds: [],
    });
    expect((await get(token)).statusCode).toBe(401);
  });
});

async function appWith(env: Record<string, string>): Promise<FastifyInstance> {
  const config = loadApiEnv({ API_TOKEN_SECRET: SECRET, ...env });
  return buildApi(config, {
    pool: t.pool,
    logger: createLogger({ service: "t", level: "silent" }),
    now: () => NOW,
  });
}
