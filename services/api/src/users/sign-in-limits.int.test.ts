import { createLogger } from "@homeward/logger";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiTest, NOW, PASSWORD, startTestApi, USERS } from "../api.test-support.ts";
import { buildApi } from "../app.ts";
import { loadApiEnv } from "../env.ts";

/**
 * Password guessing is bounded per account (the normalized e-mail) and per client address; the
 * bearer header never changes which budget a sign-in spends, and behind a reverse proxy
 * (TRUST_PROXY) one client's guesses do not lock out everyone else who comes through the proxy.
 * Each test builds its own app, so each starts with fresh budgets.
 */

const SECRET = "test-only-secret-0123456789abcdefghijkl";
let t: ApiTest;
beforeAll(async () => {
  t = await startTestApi("signinlimits");
});
afterAll(async () => t?.close());

const apps: FastifyInstance[] = [];
afterAll(async () => {
  for (const app of apps) await app.close();
});
async function appWith(env: Record<string, string>): Promise<FastifyInstance> {
  const config = loadApiEnv({ API_TOKEN_SECRET: SECRET, ...env });
  const app = await buildApi(config, {
    pool: t.pool,
    logger: createLogger({ service: "t", level: "silent" }),
    now: () => NOW,
  });
  apps.push(app);
  return app;
}

interface Attempt {
  email: string;
  password?: string;
  /** The socket's address (the proxy's, when there is one). */
  from?: string;
  /** X-Forwarded-For, as a proxy sets it. */
  forwardedFor?: string;
  authorization?: string;
}
async function signIn(app: FastifyInstance, a: Attempt): Promise<number> {
  const res = await app.inject({
    method: "POST",
    url: "/api/login",
    remoteAddress: a.from ?? "192.0.2.10",
    headers: {
      ...(a.forwardedFor === undefined ? {} : { "x-forwarded-for": a.forwardedFor }),
      ...(a.authorization === undefined ? {} : { authorization: a.authorization }),
    },
    payload: { email: a.email, password: a.password ?? "not the password" },
  });
  if (res.statusCode === 429) {
    expect(res.json()).toMatchObject({ error: { code: "rate_limited" } });
    expect(res.headers["retry-after"]).toBeDefined();
  }
  return res.statusCode;
}
async function statuses(app: FastifyInstance, n: number, attempt: (i: number) => Attempt) {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(await signIn(app, attempt(i)));
  return out;
}

describe("sign-in limits", () => {
  it("a bearer token on POST /api/login does not buy a fresh budget", async () => {
    const app = await appWith({
      LOGIN_RATE_LIMIT_PER_MINUTE: "3",
      LOGIN_ACCOUNT_RATE_LIMIT_PER_MINUTE: "100",
    });
    const bearer = `Bearer ${t.tokens.cmA}`;
    expect(await statuses(app, 3, (i) => ({ email: `nobody${i}@nowhere.example` }))).toEqual([401, 401, 401]);
    expect(await signIn(app, { email: "nobody@nowhere.example", authorization: bearer })).toBe(429);
    expect(await signIn(app, { email: "nobody@nowhere.example", authorization: "Bearer garbage" })).toBe(429);
  });

  it("limits guesses at one account from any number of addresses, and leaves other accounts alone", async () => {
    const app = await appWith({
      TRUST_PROXY: "true",
      LOGIN_RATE_LIMIT_PER_MINUTE: "100",
      LOGIN_ACCOUNT_RATE_LIMIT_PER_MINUTE: "3",
    });
    // Each guess from another address, the e-mail spelled differently: one account all the same.
    const spellings = [USERS.cmA.email, USERS.cmA.email.toUpperCase(), "Cm@Sfm.Example", USERS.cmA.email];
    expect(
      await statuses(app, 4, (i) => ({ email: spellings[i] ?? "", forwardedFor: `198.51.100.${i + 1}` })),
    ).toEqual([401, 401, 401, 429]);
    // Locked: even the right password waits for the window.
    expect(
      await signIn(app, { email: USERS.cmA.email, password: PASSWORD, forwardedFor: "198.51.100.99" }),
    ).toBe(429);
    // Another account, from the attacker's own address: not locked by the first one.
    expect(
      await signIn(app, { email: USERS.cmB.email, password: PASSWORD, forwardedFor: "198.51.100.1" }),
    ).toBe(200);
  });

  it("behind a trusted proxy, limits each client address, not the proxy's", async () => {
    const app = await appWith({
      TRUST_PROXY: "192.0.2.0/24",
      LOGIN_RATE_LIMIT_PER_MINUTE: "3",
      LOGIN_ACCOUNT_RATE_LIMIT_PER_MINUTE: "100",
    });
    const attacker = (i: number): Attempt => ({
      email: `guess${i}@nowhere.example`,
      from: "192.0.2.10",
      forwardedFor: "203.0.113.66",
    });
    expect(await statuses(app, 4, attacker)).toEqual([401, 401, 401, 429]);
    // Everyone else comes through the same proxy and signs in.
    expect(
      await signIn(app, {
        email: USERS.adminA.email,
        password: PASSWORD,
        from: "192.0.2.10",
        forwardedFor: "198.51.100.7",
      }),
    ).toBe(200);
  });

  it("TRUST_PROXY as a hop count believes that many hops and no more", async () => {
    const app = await appWith({
      TRUST_PROXY: "1",
      LOGIN_RATE_LIMIT_PER_MINUTE: "2",
      LOGIN_ACCOUNT_RATE_LIMIT_PER_MINUTE: "100",
    });
    // The client forges a first hop; our one proxy appends the address it saw (203.0.113.66).
    const attacker = (i: number): Attempt => ({
      email: `hop${i}@nowhere.example`,
      forwardedFor: `10.9.9.${i + 1}, 203.0.113.66`,
    });
    expect(await statuses(app, 3, attacker)).toEqual([401, 401, 429]);
    expect(
      await signIn(app, { email: USERS.adminA.email, password: PASSWORD, forwardedFor: "198.51.100.7" }),
    ).toBe(200);
  });

  it("without TRUST_PROXY, X-Forwarded-For is ignored: rotating it does not escape the address limit", async () => {
    const app = await appWith({
      LOGIN_RATE_LIMIT_PER_MINUTE: "3",
      LOGIN_ACCOUNT_RATE_LIMIT_PER_MINUTE: "100",
    });
    expect(
      await statuses(app, 4, (i) => ({
        email: `guess${i}@nowhere.example`,
        forwardedFor: `203.0.113.${i + 1}`,
      })),
    ).toEqual([401, 401, 401, 429]);
    // A proxy that is not trusted names no client: a forwarded address from an untrusted hop is ignored too.
    const proxied = await appWith({
      TRUST_PROXY: "10.0.0.1",
      LOGIN_RATE_LIMIT_PER_MINUTE: "3",
      LOGIN_ACCOUNT_RATE_LIMIT_PER_MINUTE: "100",
    });
    expect(
      await statuses(proxied, 4, (i) => ({
        email: `guess${i}@nowhere.example`,
        forwardedFor: `203.0.113.${i + 1}`,
      })),
    ).toEqual([401, 401, 401, 429]);
  });
});
