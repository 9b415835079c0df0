import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ConfigError, parseEnv, StackEnv, stackSettingsFromEnv } from "./index.ts";

describe("parseEnv", () => {
  it("returns typed values with defaults applied", () => {
    const env = parseEnv(StackEnv, { KAFKA_BROKERS: "a:9092, b:9093" });
    expect(env.KAFKA_BROKERS).toEqual(["a:9092", "b:9093"]);
    expect(env.REDIS_URL).toBe("redis://127.0.0.1:6379");
    expect(stackSettingsFromEnv(env).sqs).toEqual({ region: "us-east-1", queuePrefix: "" });
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
    expect(problems.join("\n")).toMatch(/KAFKA_BROKERS is "nohost"/);
    expect(problems.join("\n")).toMatch(/REDIS_URL is "http:\/\/x": must be a URL starting with redis:/);
    expect(problems.join("\n")).toMatch(/DATABASE_SCHEMA/);
  });

  it("says which required variable is missing", () => {
    expect(() => parseEnv(z.object({ PORT: z.coerce.number().int() }), {})).toThrow(/PORT is not set/);
  });
});
