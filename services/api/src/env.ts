import { isIP } from "node:net";
import { parseEnv, StackEnv, secret, stackSettingsFromEnv } from "@homeward/config";
import { isSecretKey } from "@homeward/outbound";
import { z } from "zod";

/** CIDR names proxy-addr knows besides addresses: loopback, linklocal, uniquelocal. */
const PROXY_NAMES = new Set(["loopback", "linklocal", "uniquelocal"]);
const isProxyAddress = (entry: string) => {
  if (PROXY_NAMES.has(entry)) return true;
  const [address = "", prefix, ...rest] = entry.split("/");
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
};

/** fastify's `trustProxy`: false, true, a hop count, or the addresses/CIDRs of the proxies. */
const TrustProxy = z
  .string()
  .trim()
  .optional()
  .transform((value, ctx): boolean | number | string[] => {
    if (value === undefined || value === "" || value === "false") return false;
    if (value === "true") return true;
    if (/^\d+$/.test(value)) return Number(value);
    const entries = value.split(",").map((entry) => entry.trim());
    const bad = entries.flatMap((entry, i) => (isProxyAddress(entry) ? [] : [i + 1]));
    if (bad.length === 0) return entries;
    ctx.addIssue({
      code: "custom",
      message: `expected true, false, a hop count or addresses/CIDRs; entry ${bad.join(", ")} is not an address`,
    });
    return z.NEVER;
  });

/**
 * The api's environment; the only place it reads `process.env`. API_TOKEN_SECRET has no default:
 * a guessable signing key would let anyone mint a system_admin token, so the local stack passes one.
 */
export const ApiEnv = StackEnv.extend({
  API_HOST: z.string().min(1).default("127.0.0.1"),
  API_PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  /** HS256 key for the bearer tokens; at least 32 characters (256 bits of a random string). */
  API_TOKEN_SECRET: secret(z.string().min(32, "must be at least 32 characters")),
  /**
   * Seals outbound endpoint secrets (bearer tokens, webhook signing secrets) with AES-256-GCM: 64 hex
   * digits or base64 of 32 bytes, the notifier's OUTBOUND_SECRET_KEY. Without it, no endpoint with a
   * secret can be added.
   */
  OUTBOUND_SECRET_KEY: secret(
    z.string().refine(isSecretKey, "must be 32 bytes: 64 hex digits or base64"),
  ).optional(),
  /** How long a token from POST /api/login is valid; there is no refresh: sign in again. */
  TOKEN_TTL_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(60),
  /** Requests per minute per signed-in user (per IP address before signing in). */
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(300),
  /** Sign-in attempts per minute per client address (password guessing); see TRUST_PROXY. */
  LOGIN_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(10_000).default(20),
  /** Sign-in attempts per minute per account (the e-mail, case-insensitive), from any address. */
  LOGIN_ACCOUNT_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(10_000).default(10),
  /**
   * Which proxies' X-Forwarded-For to believe for the client address (rate limits, logs): unset or
   * `false` (none: the socket's address), `true` (any), a hop count, or a comma-separated list of
   * addresses and CIDRs. Behind a reverse proxy without it, every client shares the proxy's
   * address and so one sign-in budget.
   */
  TRUST_PROXY: TrustProxy,
  /**
   * How long an answer of the session check (session open, user active, current role and
   * organizations) is reused; how late sign-out or disabling reaches another api process. 0: no reuse.
   */
  SESSION_CHECK_CACHE_SECONDS: z.coerce.number().int().min(0).max(60).default(5),
  /** Live updates (GET /api/stream): a heartbeat comment this often, so proxies keep the stream open. */
  STREAM_HEARTBEAT_SECONDS: z.coerce.number().int().min(1).max(300).default(25),
  /** How often an open stream re-checks its session: how late a sign-out in another process, or a disabled user, ends it. */
  STREAM_SESSION_CHECK_SECONDS: z.coerce.number().int().min(1).max(300).default(15),
  /** Open live streams per user (a tab each); one more answers 429. */
  STREAM_MAX_PER_USER: z.coerce.number().int().min(1).max(100).default(5),
  /** A JSON protocols file (packages/protocols schema), as the notifier uses; the defaults without it. */
  PROTOCOLS_FILE: z.string().min(1).optional(),
  /**
   * How many days back a care manager may enter or correct when a patient was reached (or an
   * attempt made): the follow-up measures count that time, so it is bounded where it is entered.
   */
  CONTACT_TIME_MAX_AGE_DAYS: z.coerce.number().int().min(1).max(366).default(30),
  /** Largest JSON body; roster CSV uploads are streamed and not bound by it. */
  BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).default(1_048_576),
  OPS_HOST: z.string().default("127.0.0.1"),
  OPS_PORT: z.coerce.number().int().min(0).max(65535).default(9467),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace"]).default("info"),
});

/** The api's settings from an environment, failing with every bad variable listed (see parseEnv). */
export function loadApiEnv(env: Readonly<Record<string, string | undefined>>) {
  const parsed = parseEnv(ApiEnv, env);
  return { ...parsed, stack: stackSettingsFromEnv(parsed) };
}
export type ApiConfig = ReturnType<typeof loadApiEnv>;
