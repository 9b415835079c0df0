import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ConfigError, parseEnv, StackEnv, stackSettingsFromEnv } from "./index.ts";

// Two throwaway self-signed certificates with their keys, made with the machine's openssl.
const dir = mkdtempSync(join(tmpdir(), "homeward-kafka-env-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const path = (name: string) => join(dir, name);
for (const name of ["one", "two"])
  execFileSync(
    "openssl",
    [
      "req",
      "-x509",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:P-256",
      "-nodes",
      "-days",
      "1",
      "-subj",
      `/CN=${name}.test`,
      "-keyout",
      path(`${name}.key`),
      "-out",
      path(`${name}.pem`),
    ],
    { stdio: "ignore" },
  );
writeFileSync(path("password"), "from-a-file\n");
writeFileSync(path("not-a-cert.pem"), "hello\n");

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

describe("Kafka TLS and SASL settings", () => {
  it("are off by default: the local stack's broker speaks plain Kafka", () => {
    const kafka = stackSettingsFromEnv(parseEnv(StackEnv, {})).kafka;
    expect(kafka).toEqual({ brokers: ["127.0.0.1:9092"], topicPrefix: "" });
  });

  it("read the CA, the client certificate and the password file at start", () => {
    const env = parseEnv(StackEnv, {
      KAFKA_SSL: "true",
      KAFKA_SSL_CA_FILE: path("one.pem"),
      KAFKA_SSL_CERT_FILE: path("two.pem"),
      KAFKA_SSL_KEY_FILE: path("two.key"),
      KAFKA_SSL_SERVERNAME: "kafka.internal",
      KAFKA_SASL_MECHANISM: "SCRAM-SHA-512",
      KAFKA_SASL_USERNAME: "homeward",
      KAFKA_SASL_PASSWORD_FILE: path("password"),
    });
    const kafka = stackSettingsFromEnv(env).kafka;
    expect(kafka.ssl?.ca).toContain("BEGIN CERTIFICATE");
    expect(kafka.ssl?.key).toContain("PRIVATE KEY");
    expect(kafka.ssl).toMatchObject({ servername: "kafka.internal", rejectUnauthorized: true });
    expect(kafka.sasl).toEqual({ mechanism: "scram-sha-512", username: "homeward", password: "from-a-file" });
  });

  it("sign AWS MSK IAM in the service's AWS_REGION, with no user or password", () => {
    const env = parseEnv(StackEnv, {
      KAFKA_SSL: "true",
      KAFKA_SASL_MECHANISM: "aws",
      AWS_REGION: "eu-west-1",
    });
    expect(stackSettingsFromEnv(env).kafka).toMatchObject({
      ssl: { rejectUnauthorized: true },
      sasl: { mechanism: "aws", region: "eu-west-1" },
    });
    expect(problems({ KAFKA_SSL: "true", KAFKA_SASL_MECHANISM: "aws", KAFKA_SASL_USERNAME: "x" })).toEqual([
      "KAFKA_SASL_USERNAME is invalid: is not used with KAFKA_SASL_MECHANISM=aws, which signs with the AWS default credential chain",
    ]);
  });

  it("refuse combinations that cannot work, each by name", () => {
    expect(problems({ KAFKA_SASL_MECHANISM: "scram-sha-256" })).toEqual([
      "KAFKA_SASL_USERNAME is not set: is required by KAFKA_SASL_MECHANISM=scram-sha-256",
      "KAFKA_SASL_PASSWORD is not set: (or KAFKA_SASL_PASSWORD_FILE) is required by KAFKA_SASL_MECHANISM=scram-sha-256",
    ]);
    expect(problems({ KAFKA_SASL_USERNAME: "homeward", KAFKA_SASL_PASSWORD: "pw" })).toEqual([
      "KAFKA_SASL_USERNAME is invalid: is set but KAFKA_SASL_MECHANISM is not",
      "KAFKA_SASL_PASSWORD is invalid: is set but KAFKA_SASL_MECHANISM is not",
    ]);
    expect(
      problems({ KAFKA_SASL_MECHANISM: "plain", KAFKA_SASL_USERNAME: "u", KAFKA_SASL_PASSWORD: "p" }),
    ).toEqual([
      "KAFKA_SSL is not set: must be true with KAFKA_SASL_MECHANISM=plain, which would send the password in clear",
    ]);
    expect(problems({ KAFKA_SSL_CA_FILE: path("one.pem") })).toEqual([
      "KAFKA_SSL_CA_FILE is invalid: is set but KAFKA_SSL is not true; set KAFKA_SSL=true to use TLS",
    ]);
    expect(problems({ KAFKA_SSL: "true", KAFKA_SSL_CERT_FILE: path("one.pem") })).toEqual([
      "KAFKA_SSL_KEY_FILE is not set: a client certificate needs both KAFKA_SSL_CERT_FILE and KAFKA_SSL_KEY_FILE",
    ]);
    expect(
      problems({
        KAFKA_SSL: "true",
        KAFKA_SSL_CERT_FILE: path("one.pem"),
        KAFKA_SSL_KEY_FILE: path("two.key"),
      }),
    ).toEqual(["KAFKA_SSL_KEY_FILE is invalid: is not the key of the certificate in KAFKA_SSL_CERT_FILE"]);
    expect(problems({ KAFKA_SSL: "true", KAFKA_SSL_CA_FILE: path("not-a-cert.pem") })).toEqual([
      "KAFKA_SSL_CA_FILE is invalid: holds no PEM certificate (-----BEGIN CERTIFICATE-----)",
    ]);
    expect(problems({ KAFKA_SSL: "on", KAFKA_SASL_MECHANISM: "gssapi" })).toEqual([
      "KAFKA_SSL is invalid: must be true or false",
      "KAFKA_SASL_MECHANISM is invalid: must be one of plain, scram-sha-256, scram-sha-512, aws",
    ]);
  });

  it("name a missing file and still list the other bad variables, never a value", () => {
    const listed = problems({
      KAFKA_SSL: "true",
      KAFKA_SSL_CA_FILE: path("missing.pem"),
      KAFKA_SASL_MECHANISM: "plain",
      KAFKA_SASL_USERNAME: "homeward",
      KAFKA_SASL_PASSWORD: "hunter2-kafka",
      KAFKA_SASL_PASSWORD_FILE: path("password"),
      REDIS_URL: "http://nowhere",
    });
    expect(listed).toEqual([
      "KAFKA_SSL_CA_FILE is invalid: file cannot be read",
      "REDIS_URL is invalid: must be a URL starting with redis: or rediss:",
      "KAFKA_SASL_PASSWORD_FILE is invalid: set KAFKA_SASL_PASSWORD or KAFKA_SASL_PASSWORD_FILE, not both",
    ]);
    const both = problems({
      KAFKA_SSL: "true",
      KAFKA_SASL_MECHANISM: "plain",
      KAFKA_SASL_USERNAME: "homeward",
      KAFKA_SASL_PASSWORD: "hunter2-kafka",
      KAFKA_SASL_PASSWORD_FILE: path("password"),
    });
    expect(both).toEqual([
      "KAFKA_SASL_PASSWORD_FILE is invalid: set KAFKA_SASL_PASSWORD or KAFKA_SASL_PASSWORD_FILE, not both",
    ]);
    for (const text of [...listed, ...both]) {
      expect(text).not.toContain("hunter2");
      expect(text).not.toContain(dir);
    }
  });
});
