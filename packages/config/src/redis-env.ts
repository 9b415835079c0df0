import { z } from "zod";
import { secret } from "./secret-env.ts";
import { caFileProblem, keyPairProblem, readableFile, readPem } from "./tls-files.ts";

/** TLS to Redis (a `rediss://` REDIS_URL), as node:tls takes it: PEM text read at start. */
export interface RedisTlsSettings {
  /** Trusted CAs; the platform's public CAs when absent (ElastiCache's certificates are public). */
  ca?: string;
  /** Client certificate and key, for a server started with tls-auth-clients yes. */
  cert?: string;
  key?: string;
  /** The name the server's certificate must carry, when it is not REDIS_URL's host. */
  servername?: string;
}

/**
 * The Redis TLS and ACL variables, part of StackEnv (every service). TLS is on when REDIS_URL starts
 * with rediss://. The user and password may be in REDIS_URL (`rediss://user:pass@host:6379`) or in
 * REDIS_USERNAME / REDIS_PASSWORD, not both (`redisEnvProblems`).
 */
export const RedisEnvShape = {
  /** An ACL user (Redis 6+); without it, REDIS_PASSWORD is the `default` user's (requirepass). */
  REDIS_USERNAME: z.string().min(1).optional(),
  REDIS_PASSWORD: secret(z.string().min(1)).optional(),
  REDIS_TLS_CA_FILE: readableFile().optional(),
  REDIS_TLS_CERT_FILE: readableFile().optional(),
  REDIS_TLS_KEY_FILE: readableFile().optional(),
  REDIS_TLS_SERVER_NAME: z.string().min(1).optional(),
};

type RedisEnv = z.output<z.ZodObject<typeof RedisEnvShape>> & { REDIS_URL: string };
type Variable = keyof RedisEnv;
type Problem = { message: string; path: [Variable] };

const TLS_VARIABLES = [
  "REDIS_TLS_CA_FILE",
  "REDIS_TLS_CERT_FILE",
  "REDIS_TLS_KEY_FILE",
  "REDIS_TLS_SERVER_NAME",
] as const;

/**
 * What cannot work, each problem naming its variable and never a value: TLS files with a plain
 * redis:// URL, a user or password given twice, a user without a password, a certificate without
 * its key, URL parameters ioredis would read on its own.
 */
export function redisEnvProblems(env: RedisEnv): Problem[] {
  const problems: Problem[] = [];
  const add = (variable: Variable, message: string) => problems.push({ message, path: [variable] });
  const url = new URL(env.REDIS_URL);
  if (url.search !== "") add("REDIS_URL", "takes no query parameters; use the REDIS_* variables");
  if (!/^\/?\d*$/.test(url.pathname)) add("REDIS_URL", "its path must be a database number (/0) or nothing");
  if (url.protocol === "redis:")
    for (const name of TLS_VARIABLES)
      if (env[name] !== undefined)
        add(name, "is set but REDIS_URL starts with redis://; use rediss:// for TLS");
  if (url.username !== "" && env.REDIS_USERNAME !== undefined)
    add("REDIS_USERNAME", "REDIS_URL names a user too; give it in one place");
  if (url.password !== "" && env.REDIS_PASSWORD !== undefined)
    add("REDIS_PASSWORD", "REDIS_URL carries a password too; give it in one place");
  const username = url.username !== "" || env.REDIS_USERNAME !== undefined;
  const password = url.password !== "" || env.REDIS_PASSWORD !== undefined;
  if (username && !password)
    add(
      "REDIS_PASSWORD",
      "is required with a user name (REDIS_USERNAME or in REDIS_URL): ACL users sign in with both",
    );
  if ((env.REDIS_TLS_CERT_FILE === undefined) !== (env.REDIS_TLS_KEY_FILE === undefined))
    add(
      env.REDIS_TLS_CERT_FILE === undefined ? "REDIS_TLS_CERT_FILE" : "REDIS_TLS_KEY_FILE",
      "a client certificate needs both REDIS_TLS_CERT_FILE and REDIS_TLS_KEY_FILE",
    );
  if (env.REDIS_TLS_CA_FILE !== undefined) {
    const problem = caFileProblem(env.REDIS_TLS_CA_FILE);
    if (problem !== undefined) add("REDIS_TLS_CA_FILE", problem);
  }
  if (env.REDIS_TLS_CERT_FILE !== undefined && env.REDIS_TLS_KEY_FILE !== undefined) {
    const problem = keyPairProblem(env.REDIS_TLS_CERT_FILE, env.REDIS_TLS_KEY_FILE, "REDIS_TLS_CERT_FILE");
    if (problem !== undefined) add("REDIS_TLS_KEY_FILE", problem);
  }
  return problems;
}

/** StackEnv's check: `redisEnvProblems`, once every Redis variable is valid on its own. */
export function checkRedisEnv(payload: z.core.ParsePayload<RedisEnv>): void {
  if (payload.issues.some((issue) => String(issue.path?.[0] ?? "").startsWith("REDIS_"))) return;
  for (const problem of redisEnvProblems(payload.value))
    payload.issues.push({ code: "custom", input: payload.value, ...problem });
}

/** The user, password and TLS settings of a parsed environment (files read); what @homeward/redis takes. */
export function redisConnectionSettings(env: RedisEnv): {
  username?: string;
  password?: string;
  tls?: RedisTlsSettings;
} {
  const out: { username?: string; password?: string; tls?: RedisTlsSettings } = {};
  if (env.REDIS_USERNAME !== undefined) out.username = env.REDIS_USERNAME;
  if (env.REDIS_PASSWORD !== undefined) out.password = env.REDIS_PASSWORD;
  if (new URL(env.REDIS_URL).protocol === "rediss:") {
    const tls: RedisTlsSettings = {};
    const ca = readPem(env.REDIS_TLS_CA_FILE);
    const cert = readPem(env.REDIS_TLS_CERT_FILE);
    const key = readPem(env.REDIS_TLS_KEY_FILE);
    if (ca !== undefined) tls.ca = ca;
    if (cert !== undefined) tls.cert = cert;
    if (key !== undefined) tls.key = key;
    if (env.REDIS_TLS_SERVER_NAME !== undefined) tls.servername = env.REDIS_TLS_SERVER_NAME;
    out.tls = tls;
  }
  return out;
}
