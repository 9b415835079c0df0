import { describe, expect, it } from "vitest";
import { hashPassword, UNUSABLE_HASH, verifyPassword } from "./passwords.ts";

const FAST = { N: 2 ** 10, r: 8, p: 1 };

describe("password hashes", () => {
  it("verifies the password it was made from and nothing else", async () => {
    const hash = await hashPassword("correct horse battery staple", FAST);
    expect(hash).toMatch(/^scrypt\$1024\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
    expect(await verifyPassword("correct horse battery staple", hash)).toBe(true);
    expect(await verifyPassword("correct horse battery stapler", hash)).toBe(false);
  });

  it("salts every hash", async () => {
    expect(await hashPassword("same", FAST)).not.toBe(await hashPassword("same", FAST));
  });

  it("treats a malformed hash and the unusable one as no match", async () => {
    expect(await verifyPassword("x", "plain")).toBe(false);
    expect(await verifyPassword("x", "scrypt$0$8$1$AAAA$AAAA")).toBe(false);
    expect(await verifyPassword("", UNUSABLE_HASH)).toBe(false);
  });
});
