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
    const { token, expiresAt } = await tokens.issue(principal);
    expect(expiresAt.toISOString()).toBe("2026-03-10T15:30:00.000Z");
    expect(await tokens.verify(token)).toEqual(principal);
    now = new Date("2026-03-10T15:31:00Z");
    expect(await tokens.verify(token)).toBeUndefined();
  });

  it("refuses another key, another algorithm and claims of the wrong shape", async () => {
    const tokens = createTokenService({ secret: SECRET, ttlMinutes: 30, now: () => NOW });
    const other = createTokenService({ secret: `${SECRET}-other`, ttlMinutes: 30, now: () => NOW });
    expect(await tokens.verify((await other.issue(principal)).token)).toBeUndefined();
    const key = new TextEncoder().encode(SECRET);
    const sign = (claims: Record<string, unknown>, alg = "HS256") =>
      new SignJWT(claims)
        .setProtectedHeader({ alg })
        .setSubject("7")
        .setIssuer("homeward")
        .setAudience("homeward-api")
        .setExpirationTime(Math.floor(NOW.getTime() / 1000) + 60)
        .sign(key);
    expect(await tokens.verify(await sign({ role: "root", orgs: [] }))).toBeUndefined();
    expect(await tokens.verify(await sign({ role: "quality", orgs: ["1; DROP"] }))).toBeUndefined();
    expect(await tokens.verify(await sign({ role: "quality", orgs: ["1"] }, "HS512"))).toBeUndefined();
    expect(await tokens.verify(await sign({ role: "quality", orgs: ["1"] }))).toEqual({
      subject: "7",
      role: "quality",
      organizationIds: ["1"],
    });
  });
});
