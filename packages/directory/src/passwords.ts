import { randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from "node:crypto";
import { COMMON_PASSWORDS } from "./common-passwords.ts";

const KEY_LENGTH = 32;
/** scrypt cost: 2^15 × 8 × 128 bytes = 32 MiB and ~50–100 ms per check; slow enough to make guessing dear. */
const DEFAULT_PARAMS: ScryptParams = { N: 2 ** 15, r: 8, p: 1 };

/** scrypt's cost (N), block size (r) and parallelism (p). */
export interface ScryptParams {
  N: number;
  r: number;
  p: number;
}

function derive(
  password: string,
  salt: Buffer,
  params: { N: number; r: number; p: number },
): Promise<Buffer> {
  const options: ScryptOptions = { ...params, maxmem: 128 * params.N * params.r * 2 };
  return new Promise((resolve, reject) =>
    scrypt(password.normalize("NFKC"), salt, KEY_LENGTH, options, (err, key) =>
      err ? reject(err) : resolve(key),
    ),
  );
}

/**
 * A password hash for the users table: `scrypt$N$r$p$salt$hash`. The parameters travel with the
 * hash so they can be raised later without invalidating the passwords already stored.
 */
export async function hashPassword(password: string, params: ScryptParams = DEFAULT_PARAMS): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, params);
  return ["scrypt", params.N, params.r, params.p, salt.toString("base64url"), key.toString("base64url")].join(
    "$",
  );
}

/** Whether `password` matches `stored`, compared in constant time; false for a malformed hash. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split("$");
  if (scheme !== "scrypt" || n === undefined || r === undefined || p === undefined) return false;
  if (salt === undefined || hash === undefined) return false;
  const params = { N: Number(n), r: Number(r), p: Number(p) };
  if (![params.N, params.r, params.p].every((v) => Number.isInteger(v) && v > 0)) return false;
  const expected = Buffer.from(hash, "base64url");
  const actual = await derive(password, Buffer.from(salt, "base64url"), params);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/**
 * A hash no password matches, checked when the e-mail is unknown so that a sign-in takes as long
 * whether or not the account exists (no account enumeration by timing).
 */
export const UNUSABLE_HASH = `scrypt$${DEFAULT_PARAMS.N}$${DEFAULT_PARAMS.r}$${DEFAULT_PARAMS.p}$AAAAAAAAAAAAAAAAAAAAAA$${"A".repeat(43)}`;

export const MIN_PASSWORD_LENGTH = 12;
/** The sign-in route takes at most this many characters; a longer password could never be used. */
export const MAX_PASSWORD_LENGTH = 1024;
/** Words of this service, which a password should not be built on (as NIST SP 800-63B asks). */
const SERVICE_WORDS = ["homeward"];

const LEET: Record<string, string> = {
  "@": "a",
  "4": "a",
  $: "s",
  "5": "s",
  "0": "o",
  "1": "i",
  "!": "i",
  "3": "e",
  "7": "t",
};
const unleet = (s: string) => s.replace(/[@4$501!37]/g, (c) => LEET[c] ?? c);
/** Without the digits, symbols and spaces at both ends: `Password1234!` → `password`. */
const core = (s: string) => s.replace(/^[^\p{L}]+|[^\p{L}]+$/gu, "");

/** The list's words and their cores (`trustno1` → `trustno`), 3 letters or more. */
const COMMON = new Set(COMMON_PASSWORDS.flatMap((w) => [w, core(w)]).filter((w) => w.length >= 3));

/** Whether `lower` is a common password, give or take digits and symbols at the ends and leetspeak. */
function isCommon(lower: string): boolean {
  const candidates = [lower, core(lower), unleet(core(lower)), unleet(core(lower.replace(/[@$!]/g, unleet)))];
  return candidates.some((c) => COMMON.has(c));
}

/** Whether most neighbouring characters are a step apart (`abcdefghijkl`, `123456789012`, `987654321`). */
function isRun(chars: readonly string[]): boolean {
  let steps = 0;
  for (let i = 1; i < chars.length; i++) {
    const a = chars[i - 1] ?? "";
    const b = chars[i] ?? "";
    const d = (b.codePointAt(0) ?? 0) - (a.codePointAt(0) ?? 0);
    if (Math.abs(d) === 1 || (a === "9" && b === "0") || (a === "0" && b === "9")) steps++;
  }
  return steps >= 0.75 * (chars.length - 1);
}

/**
 * What is wrong with a password someone is about to be given: empty when it may be set. Length
 * (12 to 1024 characters, counted after the NFKC normalization the hash applies), not blank, not
 * mostly one character or a run like `abcdefghijkl`, not a common password (with digits and symbols
 * at its ends or `@`/`0`-style substitutions), and not the user's e-mail name or this service's
 * name. Pure, so the CLI, the demo and any future "change password" route apply the same rules.
 */
export function checkPasswordPolicy(password: string, context: { email?: string } = {}): string[] {
  const chars = [...password.normalize("NFKC")];
  const lower = chars.join("").toLowerCase();
  const problems: string[] = [];
  if (chars.length < MIN_PASSWORD_LENGTH)
    problems.push(`must have at least ${MIN_PASSWORD_LENGTH} characters`);
  if (chars.length > MAX_PASSWORD_LENGTH)
    problems.push(`must have at most ${MAX_PASSWORD_LENGTH} characters`);
  if (chars.length > 0 && /^\s*$/u.test(lower)) {
    problems.push("must not be only spaces");
    return problems;
  }
  if (chars.length === 0) return problems;
  const counts = new Map<string, number>();
  for (const c of lower) counts.set(c, (counts.get(c) ?? 0) + 1);
  if (Math.max(...counts.values()) * 2 > chars.length)
    problems.push("must not be mostly one repeated character");
  else if (counts.size < 5) problems.push("must use at least 5 different characters");
  else if (isRun([...lower])) problems.push("must not be a run of consecutive characters");
  if (isCommon(lower)) problems.push("is a commonly used password");
  if (SERVICE_WORDS.some((w) => lower.includes(w)))
    problems.push("must not contain the name of this service");
  const email = context.email?.trim().toLowerCase();
  const local = email?.split("@")[0];
  if (email !== undefined && local !== undefined && local.length > 0) {
    const names = [local, ...local.split(/[._+-]+/)].filter((n) => n.length >= 4);
    if (lower === email || lower === local || names.some((n) => lower.includes(n)))
      problems.push("must not contain the e-mail address or its name part");
  }
  return problems;
}
