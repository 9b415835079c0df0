import { describe, expect, it } from "vitest";
import { z } from "zod";
import {
  ConfigError,
  looksSecret,
  parseEnv,
  StackEnv,
  secret,
  secretVariableNames,
  stackSettingsFromEnv,
} from "./index.ts";

describe("parseEnv", () => {
  it("returns typed values with defaults applied", () => {
    const env = parseEnv(StackEnv, { KAFKA_BROKERS: "a:9092, b:9093" });
    expect(env.KAFKA_BROKERS).toEqual(["a:9092", "b:9093"]);
    expect(env.REDIS_URL).toBe("redis://127.0.0.1:6379");
    expect(stackSettingsFromEnv(env).sqs).toEqual({ region: "us-east-1", queuePrefix: "" });
  });

  it("gives migrate the wait for another process's migration: 60 s unless MIGRATION_LOCK_TIMEOUT_SECONDS says", () => {
    expect(stackSettingsFromEnv(parseEnv(StackEnv, {})).postgres.migrationLockTimeoutSeconds).toBe(60);
    const env = parseEnv(StackEnv, { MIGRATION_LOCK_TIMEOUT_SECONDS: "300" });
    expect(stackSettingsFromEnv(env).postgres.migrationLockTimeoutSeconds).toBe(300);
    expect(() => parseEnv(StackEnv, { MIGRATION_LOCK_TIMEOUT_SECONDS: "0" })).toThrow(
      /MIGRATION_LOCK_TIMEOUT_SECONDS/,
    );
  });

  it("lists every bad variable in one error", () => {
    let caught: unknown;
    try {
      parseEnv(StackEnv, { KAFKA_BROKERS: "nohost", REDIS_URL: "http://x", DATABASE_SCHEMA: "Bad-Name" });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const problems = (caught as ConfigError).problems;
    expect(problems).toHaveLength(3);
    expect(problems.join("\n")).toMatch(/KAFKA_BROKERS is invalid: each broker must be host:port/);
    expect(problems.join("\n")).toMatch(/REDIS_URL is invalid: must be a URL starting with redis:/);
    expect(problems.join("\n")).toMatch(/DATABASE_SCHEMA/);
  });

  it("says which required variable is missing", () => {
    expect(() => parseEnv(z.object({ PORT: z.coerce.number().int() }), {})).toThrow(/PORT is not set/);
  });

  it("never repeats a value, secret or not: only the variable's name and what is wrong", () => {
    const Env = StackEnv.extend({
      API_TOKEN_SECRET: secret(z.string().min(32, "must be at least 32 characters")),
    });
    const env = {
      API_TOKEN_SECRET: "hunter2-signing-key",
      DATABASE_URL: "mysql://homeward:db-pa55word@db.internal/homeward",
      KAFKA_BROKERS: "broker-without-port",
    };
    let message = "";
    try {
      parseEnv(Env, env);
    } catch (err) {
      message = err instanceof ConfigError ? err.message : String(err);
    }
    expect(message).toContain("API_TOKEN_SECRET is invalid: must be at least 32 characters");
    expect(message).toContain(
      "DATABASE_URL is invalid: must be a URL starting with postgres: or postgresql:",
    );
    expect(message).toContain("KAFKA_BROKERS is invalid");
    for (const value of ["hunter2", "pa55word", "db.internal", "mysql", "broker-without-port"])
      expect(message).not.toContain(value);
  });
});

describe("secret variables", () => {
  it("are the ones marked secret, through optional, default and pipe", () => {
    const Env = z.object({
      API_TOKEN_SECRET: secret(z.string().min(32)),
      SMTP_PASSWORD: secret(z.string()).optional(),
      WEBHOOK_KEY: secret(z.string().min(1)).default("x"),
      SIGNING_KEY_FILE: secret(z.string()).pipe(z.string().min(1)),
      API_PORT: z.coerce.number(),
    });
    expect(secretVariableNames(Env)).toEqual([
      "API_TOKEN_SECRET",
      "SMTP_PASSWORD",
      "WEBHOOK_KEY",
      "SIGNING_KEY_FILE",
    ]);
    expect(secretVariableNames(StackEnv)).toEqual([
      "KAFKA_SASL_PASSWORD",
      "KAFKA_SASL_PASSWORD_FILE",
      "REDIS_PASSWORD",
    ]);
  });

  it("are recognized by name in an environment a launcher passes on", () => {
    for (const name of [
      "API_TOKEN_SECRET",
      "AWS_SECRET_ACCESS_KEY",
      "PGPASSWORD",
      "GITHUB_TOKEN",
      "DKIM_PRIVATE_KEY",
    ])
      expect(looksSecret(name), name).toBe(true);
    for (const name of ["DATABASE_URL", "API_PORT", "PATH", "HOME", "DATABASE_SCHEMA"])
      expect(looksSecret(name), name).toBe(false);
  });
});
