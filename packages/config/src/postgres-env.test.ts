import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ConfigError, parseEnv, StackEnv, stackSettingsFromEnv } from "./index.ts";

// Two throwaway self-signed certificates with their keys, made with the machine's openssl.
const dir = mkdtempSync(join(tmpdir(), "homeward-postgres-env-"));
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
writeFileSync(path("not-a-cert.pem"), "hello\n");

const URL_BASE = "postgres://homeward:pa55word@db.internal:5432/homeward";

/** Every problem parseEnv lists for an environment (none: []). */
function problems(env: Record<string, string>): string[] {
  try {
    parseEnv(StackEnv, env);
    return [];
  } catch (err) {
    if (err instanceof ConfigError) return [...err.problems];
    throw err;
  }
}
const postgres = (env: Record<string, string>) => stackSettingsFromEnv(parseEnv(StackEnv, env)).postgres;

describe("PostgreSQL TLS settings", () => {
  it("are off by default and the pool size is each service's own unless DATABASE_POOL_MAX says", () => {
    const s = postgres({});
    expect(s.tls).toEqual({ mode: "disable" });
    expect(s.max).toBeUndefined();
    expect(postgres({ DATABASE_POOL_MAX: "25" }).max).toBe(25);
    expect(problems({ DATABASE_POOL_MAX: "0" })).toEqual([
      "DATABASE_POOL_MAX is invalid: Too small: expected number to be >=1",
    ]);
  });

  it("read the CA, certificate and key files and keep the URL as given when it has no TLS parameters", () => {
    const s = postgres({
      DATABASE_URL: URL_BASE,
      DATABASE_SSL_MODE: "verify-full",
      DATABASE_SSL_CA_FILE: path("ca.pem"),
      DATABASE_SSL_CERT_FILE: path("client.pem"),
      DATABASE_SSL_KEY_FILE: path("client.key"),
    });
    expect(s.url).toBe(URL_BASE);
    expect(s.tls).toEqual({
      mode: "verify-full",
      ca: readFileSync(path("ca.pem"), "utf8"),
      cert: readFileSync(path("client.pem"), "utf8"),
      key: readFileSync(path("client.key"), "utf8"),
    });
  });

  it("take libpq's parameters from DATABASE_URL (an RDS-style URL) and hand node-postgres the URL without them", () => {
    const url = `${URL_BASE}?sslmode=verify-full&sslrootcert=${encodeURIComponent(path("ca.pem"))}&application_name=x`;
    const s = postgres({ DATABASE_URL: url });
    expect(s.tls).toEqual({ mode: "verify-full", ca: readFileSync(path("ca.pem"), "utf8") });
    expect(s.url).toBe(`${URL_BASE}?application_name=x`);
    // The same setting in both places is fine when they agree.
    expect(postgres({ DATABASE_URL: url, DATABASE_SSL_MODE: "verify-full" }).tls?.mode).toBe("verify-full");
  });

  it("read libpq 16's sslrootcert=system as the platform's CAs with verify-full (RDS Proxy, public CAs)", () => {
    const s = postgres({ DATABASE_URL: `${URL_BASE}?sslrootcert=system` });
    expect(s).toMatchObject({ url: URL_BASE, tls: { mode: "verify-full" } });
    expect(s.tls?.ca).toBeUndefined();
    expect(problems({ DATABASE_URL: `${URL_BASE}?sslrootcert=system&sslmode=require` })).toEqual([
      "DATABASE_URL is invalid: its sslrootcert=system (the platform's CAs) needs sslmode verify-full, as libpq's does",
    ]);
  });

  it("refuse a DATABASE_URL and a variable that disagree, and never repeat either value", () => {
    const found = problems({
      DATABASE_URL: `${URL_BASE}?sslmode=require`,
      DATABASE_SSL_MODE: "verify-full",
      DATABASE_SSL_CA_FILE: path("ca.pem"),
    });
    expect(found).toEqual([
      "DATABASE_SSL_MODE is invalid: differs from DATABASE_URL's sslmode; give it in one place",
    ]);
    expect(found.join()).not.toContain("pa55word");
    expect(
      problems({
        DATABASE_URL: `${URL_BASE}?sslmode=verify-full&sslrootcert=${path("client.pem")}`,
        DATABASE_SSL_CA_FILE: path("ca.pem"),
      }),
    ).toEqual([
      "DATABASE_SSL_CA_FILE is invalid: differs from DATABASE_URL's sslrootcert; give it in one place",
    ]);
  });

  it("refuse modes that fall back to plain text and parameters node-postgres reads its own way", () => {
    expect(problems({ DATABASE_URL: `${URL_BASE}?sslmode=prefer` })).toEqual([
      "DATABASE_URL is invalid: its sslmode must be one of disable, require, verify-ca, verify-full (prefer and allow may fall back to plain text)",
    ]);
    expect(problems({ DATABASE_SSL_MODE: "prefer" })).toEqual([
      "DATABASE_SSL_MODE is invalid: must be one of disable, require, verify-ca, verify-full",
    ]);
    expect(problems({ DATABASE_URL: `${URL_BASE}?ssl=true` })).toEqual([
      "DATABASE_URL is invalid: takes no ssl parameter: set TLS with sslmode/sslrootcert/sslcert/sslkey or DATABASE_SSL_*",
    ]);
  });

  it("refuse combinations that cannot do what they seem to", () => {
    expect(problems({ DATABASE_SSL_CA_FILE: path("ca.pem") })).toEqual([
      "DATABASE_SSL_CA_FILE is invalid: names a TLS file but the SSL mode is disable (or unset)",
    ]);
    expect(problems({ DATABASE_SSL_MODE: "require", DATABASE_SSL_CA_FILE: path("ca.pem") })).toEqual([
      "DATABASE_SSL_CA_FILE is invalid: is not checked with sslmode require; use verify-full (or verify-ca) to check the server against it",
    ]);
    expect(problems({ DATABASE_SSL_MODE: "verify-ca" })).toEqual([
      "DATABASE_SSL_CA_FILE is not set: is required by verify-ca (a public CA would vouch for anybody's server)",
    ]);
    expect(
      problems({ DATABASE_SSL_MODE: "verify-full", DATABASE_SSL_CERT_FILE: path("client.pem") }),
    ).toEqual([
      "DATABASE_SSL_CERT_FILE is invalid: a client certificate needs both its certificate and its key file",
    ]);
    expect(
      problems({
        DATABASE_SSL_MODE: "verify-full",
        DATABASE_SSL_CERT_FILE: path("client.pem"),
        DATABASE_SSL_KEY_FILE: path("ca.key"),
      }),
    ).toEqual([
      "DATABASE_SSL_KEY_FILE is invalid: is not the key of the certificate in the client certificate",
    ]);
    expect(
      problems({ DATABASE_SSL_MODE: "verify-full", DATABASE_SSL_CA_FILE: path("not-a-cert.pem") }),
    ).toEqual(["DATABASE_SSL_CA_FILE is invalid: holds no PEM certificate (-----BEGIN CERTIFICATE-----)"]);
    expect(problems({ DATABASE_SSL_MODE: "verify-full", DATABASE_SSL_CA_FILE: path("missing.pem") })).toEqual(
      ["DATABASE_SSL_CA_FILE is invalid: file cannot be read"],
    );
  });

  it("refuse a PGSSLMODE that says another mode than the one in force (Homeward does not read it)", () => {
    expect(problems({ PGSSLMODE: "verify-full" })).toEqual([
      "PGSSLMODE is invalid: is not read by Homeward and differs from the mode in force (DATABASE_SSL_MODE or DATABASE_URL's sslmode); unset it or make them agree",
    ]);
    expect(problems({ PGSSLMODE: "require", DATABASE_SSL_MODE: "require" })).toEqual([]);
  });

  it("are listed with the other variables' problems, other combinations' included", () => {
    const found = problems({ REDIS_URL: "http://x", DATABASE_SSL_MODE: "verify-ca" });
    expect(found).toContain("REDIS_URL is invalid: must be a URL starting with redis: or rediss:");
    expect(found).toContain(
      "DATABASE_SSL_CA_FILE is not set: is required by verify-ca (a public CA would vouch for anybody's server)",
    );
    expect(
      problems({
        KAFKA_SSL_CA_FILE: path("ca.pem"),
        DATABASE_SSL_MODE: "verify-ca",
        REDIS_URL: "rediss://cache:6379",
        REDIS_USERNAME: "homeward",
        SQS_ALERTS_QUEUE_URL: "https://sqs.eu-west-1.amazonaws.com/1/q",
      }).map((p) => p.split(" ")[0]),
    ).toEqual([
      "KAFKA_SSL_CA_FILE",
      "DATABASE_SSL_CA_FILE",
      "REDIS_PASSWORD",
      "SQS_ALERTS_DLQ_URL",
      "SQS_ALERTS_QUEUE_URL",
    ]);
  });
});
