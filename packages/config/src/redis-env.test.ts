import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ConfigError, parseEnv, StackEnv, secretVariableNames, stackSettingsFromEnv } from "./index.ts";

const dir = mkdtempSync(join(tmpdir(), "homeward-redis-env-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const path = (name: string) => join(dir, name);
for (const name of ["ca", "client"])
  execFileSync(
    "openssl",
    ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "1"].concat([
      "-subj",
      `/CN=${name}.test`,
      "-keyout",
      path(`${name}.key`),
      "-out",
      path(`${name}.pem`),
    ]),
    { stdio: "ignore" },
  );

function problems(env: Record<string, string>): string[] {
  try {
    parseEnv(StackEnv, env);
    return [];
  } catch (err) {
    if (err instanceof ConfigError) return [...err.problems];
    throw err;
  }
}
const redis = (env: Record<string, string>) => stackSettingsFromEnv(parseEnv(StackEnv, env)).redis;

describe("Redis TLS and ACL settings", () => {
  it("are off for the local stack's redis:// and on, with the platform's CAs, for rediss://", () => {
    expect(redis({})).toEqual({ url: "redis://127.0.0.1:6379", keyPrefix: "homeward:" });
    expect(redis({ REDIS_URL: "rediss://cache.example.com:6379" }).tls).toEqual({});
  });

  it("take an ACL user and password from variables (the password marked secret) or from the URL", () => {
    const s = redis({
      REDIS_URL: "rediss://cache.example.com:6380/2",
      REDIS_USERNAME: "homeward",
      REDIS_PASSWORD: "s3cret-pass",
      REDIS_TLS_CA_FILE: path("ca.pem"),
      REDIS_TLS_CERT_FILE: path("client.pem"),
      REDIS_TLS_KEY_FILE: path("client.key"),
      REDIS_TLS_SERVER_NAME: "cache.internal",
    });
    expect(s).toMatchObject({ username: "homeward", password: "s3cret-pass" });
    expect(s.tls).toEqual({
      ca: readFileSync(path("ca.pem"), "utf8"),
      cert: readFileSync(path("client.pem"), "utf8"),
      key: readFileSync(path("client.key"), "utf8"),
      servername: "cache.internal",
    });
    expect(secretVariableNames(StackEnv)).toContain("REDIS_PASSWORD");
    expect(problems({ REDIS_URL: "rediss://homeward:s3cret@cache.example.com:6379" })).toEqual([]);
  });

  it("refuse a user or password given twice, a user without a password, TLS files for redis://", () => {
    const found = problems({
      REDIS_URL: "redis://homeward:s3cret-pass@cache.example.com:6379",
      REDIS_USERNAME: "other",
      REDIS_PASSWORD: "other-pass",
      REDIS_TLS_CA_FILE: path("ca.pem"),
    });
    expect(found).toEqual([
      "REDIS_TLS_CA_FILE is invalid: is set but REDIS_URL starts with redis://; use rediss:// for TLS",
      "REDIS_USERNAME is invalid: REDIS_URL names a user too; give it in one place",
      "REDIS_PASSWORD is invalid: REDIS_URL carries a password too; give it in one place",
    ]);
    for (const value of ["s3cret-pass", "other-pass", "cache.example.com"])
      expect(found.join()).not.toContain(value);
    expect(problems({ REDIS_URL: "rediss://cache.example.com:6379", REDIS_USERNAME: "homeward" })).toEqual([
      "REDIS_PASSWORD is not set: is required with a user name (REDIS_USERNAME or in REDIS_URL): ACL users sign in with both",
    ]);
  });

  it("refuse what ioredis would read on its own and a certificate without its key", () => {
    expect(problems({ REDIS_URL: "rediss://cache.example.com:6379/?password=x" })).toEqual([
      "REDIS_URL is invalid: takes no query parameters; use the REDIS_* variables",
    ]);
    expect(
      problems({ REDIS_URL: "rediss://cache.example.com:6379", REDIS_TLS_KEY_FILE: path("client.key") }),
    ).toEqual([
      "REDIS_TLS_CERT_FILE is not set: a client certificate needs both REDIS_TLS_CERT_FILE and REDIS_TLS_KEY_FILE",
    ]);
    expect(
      problems({
        REDIS_URL: "rediss://cache.example.com:6379",
        REDIS_TLS_CERT_FILE: path("client.pem"),
        REDIS_TLS_KEY_FILE: path("ca.key"),
      }),
    ).toEqual(["REDIS_TLS_KEY_FILE is invalid: is not the key of the certificate in REDIS_TLS_CERT_FILE"]);
  });
});
