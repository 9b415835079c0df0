import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { openSecret, parseSecretKey, sealSecret } from "./secret-box.ts";

const key = randomBytes(32);

describe("secret box", () => {
  it("opens what it sealed, and never seals the same secret to the same text twice", () => {
    const a = sealSecret(key, "outbound-endpoint:1", "whsec_c2VjcmV0");
    const b = sealSecret(key, "outbound-endpoint:1", "whsec_c2VjcmV0");
    expect(a).not.toBe(b);
    expect(a).not.toContain("c2VjcmV0");
    expect(openSecret(key, "outbound-endpoint:1", a)).toBe("whsec_c2VjcmV0");
  });

  it("refuses another key, another row's context, or altered bytes", () => {
    const sealed = sealSecret(key, "outbound-endpoint:1", "token-123");
    expect(() => openSecret(randomBytes(32), "outbound-endpoint:1", sealed)).toThrow();
    expect(() => openSecret(key, "outbound-endpoint:2", sealed)).toThrow();
    const parts = sealed.split(".");
    const flipped = Buffer.from(parts[3] ?? "", "base64url");
    flipped[0] = (flipped[0] ?? 0) ^ 1;
    parts[3] = flipped.toString("base64url");
    expect(() => openSecret(key, "outbound-endpoint:1", parts.join("."))).toThrow();
    expect(() => openSecret(key, "outbound-endpoint:1", "plain")).toThrow("not a sealed secret");
  });

  it("takes the key as 64 hex digits or base64 of 32 bytes, nothing shorter", () => {
    expect(parseSecretKey(key.toString("hex"))).toEqual(key);
    expect(parseSecretKey(key.toString("base64"))).toEqual(key);
    expect(() => parseSecretKey("short")).toThrow("32 bytes");
  });
});
