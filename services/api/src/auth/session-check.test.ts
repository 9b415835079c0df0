import { describe, expect, it } from "vitest";
import type { Principal } from "./principal.ts";
import { createSessionCheck } from "./session-check.ts";
import { createTokenService } from "./tokens.ts";

const NOW = new Date("2026-03-10T15:00:00Z");
const tokens = createTokenService({
  secret: "unit-test-secret-0123456789abcdefghijkl",
  ttlMinutes: 30,
  now: () => NOW,
});
const claimed: Principal = { subject: "7", role: "practice_admin", organizationIds: ["1"] };

/** The users table as the check sees it: which sessions are open, and each user's current principal. */
function world() {
  const open = new Set<string>();
  let current: Principal | undefined = { ...claimed, role: "quality" };
  let loads = 0;
  return {
    open,
    setUser: (p: Principal | undefined) => {
      current = p;
    },
    loads: () => loads,
    load: async (sessionId: string, userId: string) => {
      loads += 1;
      return open.has(sessionId) && userId === current?.subject ? current : undefined;
    },
  };
}

describe("session check", () => {
  it("answers with the user's current principal, not the token's claims, and refuses bad tokens without a lookup", async () => {
    const w = world();
    const check = createSessionCheck({ tokens, load: w.load, cacheSeconds: 0 });
    const { token, sessionId } = await tokens.issue(claimed);
    w.open.add(sessionId);
    expect(await check.check(token)).toEqual({ principal: { ...claimed, role: "quality" }, sessionId });
    expect(await check.check(`${token}x`)).toBeUndefined();
    expect(w.loads()).toBe(1);
    w.open.delete(sessionId);
    expect(await check.check(token)).toBeUndefined();
  });

  it("remembers an answer for cacheSeconds, then asks again", async () => {
    const w = world();
    let ms = 0;
    const check = createSessionCheck({ tokens, load: w.load, cacheSeconds: 5, clock: () => ms });
    const { token, sessionId } = await tokens.issue(claimed);
    w.open.add(sessionId);
    expect(await check.check(token)).toBeDefined();
    w.setUser(undefined); // disabled elsewhere
    ms = 4_999;
    expect(await check.check(token)).toBeDefined();
    expect(w.loads()).toBe(1);
    ms = 5_000;
    expect(await check.check(token)).toBeUndefined();
    expect(w.loads()).toBe(2);
  });

  it("forgets a session ended in this process at once, and shares one lookup among concurrent requests", async () => {
    const w = world();
    const check = createSessionCheck({ tokens, load: w.load, cacheSeconds: 60, clock: () => 0 });
    const { token, sessionId } = await tokens.issue(claimed);
    w.open.add(sessionId);
    const answers = await Promise.all([check.check(token), check.check(token), check.check(token)]);
    expect(answers.every((a) => a?.sessionId === sessionId)).toBe(true);
    expect(w.loads()).toBe(1);
    w.open.delete(sessionId);
    check.forget(sessionId);
    expect(await check.check(token)).toBeUndefined();
  });

  it("does not remember a failed lookup", async () => {
    let fail = true;
    const check = createSessionCheck({
      tokens,
      load: async () => {
        if (fail) throw new Error("database down");
        return claimed;
      },
      cacheSeconds: 60,
      clock: () => 0,
    });
    const { token } = await tokens.issue(claimed);
    await expect(check.check(token)).rejects.toThrow("database down");
    fail = false;
    expect((await check.check(token))?.principal).toEqual(claimed);
  });
});
