import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { checkPasswordPolicy, hashPassword, UNUSABLE_HASH, verifyPassword } from "./passwords.ts";

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

describe("password policy", () => {
  it("refuses the passwords the users CLI used to take", () => {
    expect(checkPasswordPolicy("aaaaaaaaaaaa")).toEqual(["must not be mostly one repeated character"]);
    expect(checkPasswordPolicy("password1234")).toEqual(["is a commonly used password"]);
    expect(checkPasswordPolicy(" ".repeat(12))).toEqual(["must not be only spaces"]);
    expect(checkPasswordPolicy("\t \u3000".repeat(5))).toEqual(["must not be only spaces"]);
  });

  it("counts characters after normalization and bounds the length both ways", () => {
    expect(checkPasswordPolicy("Tr0ub4dor&3")).toEqual(["must have at least 12 characters"]);
    expect(checkPasswordPolicy("")).toEqual(["must have at least 12 characters"]);
    // e + combining acute is one character (é) once normalized: 13 code points, 11 characters.
    expect(checkPasswordPolicy(`${"e\u0301".repeat(2)}ñxwq7k2vz`)).toEqual([
      "must have at least 12 characters",
    ]);
    expect(checkPasswordPolicy(`${"é".repeat(2)}ñxwq7k2vzpr`)).toEqual([]);
    expect(checkPasswordPolicy("correct horse battery staple ".repeat(40))).toContain(
      "must have at most 1024 characters",
    );
  });

  it("finds a common password behind digits, symbols, case and substitutions", () => {
    for (const p of [
      "Password1234!",
      "p@ssw0rd2024!!",
      "Qwertyuiop123",
      "iloveyou12345",
      "1qaz2wsx3edc",
      "Trustno1!!!!",
    ])
      expect(checkPasswordPolicy(p), p).toContain("is a commonly used password");
  });

  it("refuses near-constant passwords and runs", () => {
    expect(checkPasswordPolicy("aaaaaaaaaaab")).toEqual(["must not be mostly one repeated character"]);
    expect(checkPasswordPolicy("abababababab")).toEqual(["must use at least 5 different characters"]);
    expect(checkPasswordPolicy("abcdefghijklm")).toEqual(["must not be a run of consecutive characters"]);
    expect(checkPasswordPolicy("123456789012")).toEqual(["must not be a run of consecutive characters"]);
  });

  it("refuses the e-mail, its name part and the service's name", () => {
    const email = "casey.morgan@sfm.example";
    expect(checkPasswordPolicy("casey.morgan@sfm.example", { email })).toContain(
      "must not contain the e-mail address or its name part",
    );
    expect(checkPasswordPolicy("Casey.Morgan", { email })).toContain(
      "must not contain the e-mail address or its name part",
    );
    expect(checkPasswordPolicy("violet Morgan river", { email })).toContain(
      "must not contain the e-mail address or its name part",
    );
    expect(checkPasswordPolicy("my homeward login", { email })).toEqual([
      "must not contain the name of this service",
    ]);
  });

  it("takes passphrases and random passwords", () => {
    expect(checkPasswordPolicy("correct horse battery staple", { email: "casey@sfm.example" })).toEqual([]);
    expect(checkPasswordPolicy("a long enough password", { email: "cm@springvale.example" })).toEqual([]);
    for (let i = 0; i < 50; i++)
      expect(
        checkPasswordPolicy(randomBytes(18).toString("base64url"), { email: "admin@x.example" }),
      ).toEqual([]);
  });
});
