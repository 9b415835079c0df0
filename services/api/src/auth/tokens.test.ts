import { SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import type { Principal } from "./principal.ts";
import { createTokenService } from "./tokens.ts";

const SECRET = "unit-test-secret-0123456789abcdefghijkl";
const NOW = new Date("2026-03-10T15:00:00Z");
const principal: Principal = {
  subject: "7",
  role: "care_manager",
  organizationIds: ["1", "3"],
  recipientId: "12",
};

describe("tokens", () => {
  it("round-trips a principal until the token expires", async () => {
    let now = NOW;
    const tokens = createTokenService({ secret: SECRET, ttlMinutes: 30, now: () => now });
    const { token, sessionId, expiresAt } = await tokens.issue(principal);
    expect(expiresAt.toISOString()).toBe("2026-03-10T15:30:00.000Z");
    expect(await tokens.verify(token)).toEqual({ principal, sessionId });
    now = new Date("2026-03-10T15:31:00Z");
    expect(await tokens.verify(token)).toBeUndefined();
  });

  it("names a new session in every token it issues", async () => {
    const tokens = createTokenService({ secret: SECRET, ttlMinutes: 30, now: () => NOW });
    const a = await tokens.issue(principal);
    const b = await tokens.issue(principal);
    expect(a.sessionId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(a.sessionId).not.toBe(b.sessionId);
    expect((await tokens.verify(b.token))?.sessionId).toBe(b.sessionId);
  });

  it("refuses another key, another algorithm and claims of the wrong shape", async () => {
    const tokens = createTokenService({ secret: SECRET, ttlMinutes: 30, now: () => NOW });
    const other = createTokenService({ secret: `${SECRET}-other`, ttlMinutes: 30, now: () => NOW });
    expect(await tokens.verify((await other.issue(principal)).token)).toBeUndefined();
    const key = new TextEncoder().encode(SECRET);
    const jti = "0b7c6f3e-8d1a-4c52-9e0f-2a4b6c8d0e1f";
    const sign = (claims: Record<string, unknown>, alg = "HS256", subject = "7") =>
      new SignJWT({ jti, ...claims })
        .setProtectedHeader({ alg })
        .setSubject(subject)
        .setIssuer("homeward")
        .setAudience("homeward-api")
        .setExpirationTime(Math.floor(NOW.getTime() / 1000) + 60)
        .sign(key);
    expect(await tokens.verify(await sign({ role: "root", orgs: [] }))).toBeUndefined();
    expect(await tokens.verify(await sign({ role: "quality", orgs: ["1; DROP"] }))).toBeUndefined();
    expect(await tokens.verify(await sign({ role: "quality", orgs: ["1"] }, "HS512"))).toBeUndefined();
    expect(await tokens.verify(await sign({ role: "quality", orgs: ["1"], jti: undefined }))).toBeUndefined();
    expect(await tokens.verify(await sign({ role: "quality", orgs: ["1"], jti: "1" }))).toBeUndefined();
    expect(
      await tokens.verify(await sign({ role: "quality", orgs: ["1"] }, "HS256", "api-key")),
    ).toBeUndefined();
    expect(
      await tokens.verify(await sign({ role: "quality", orgs: ["1"] }, "HS256", "9".repeat(19))),
    ).toBeUndefined();
    expect(await tokens.verify(await sign({ role: "quality", orgs: ["1"] }))).toEqual({
      principal: { subject: "7", role: "quality", organizationIds: ["1"] },
      sessionId: jti,
    });
  });
});
