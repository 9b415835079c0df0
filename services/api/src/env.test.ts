import { ConfigError, secretVariableNames } from "@homeward/config";
import { describe, expect, it } from "vitest";
import { ApiEnv, loadApiEnv } from "./env.ts";

describe("loadApiEnv", () => {
  it("requires a token secret of at least 32 characters", () => {
    expect(() => loadApiEnv({})).toThrow(/API_TOKEN_SECRET is not set/);
    expect(() => loadApiEnv({ API_TOKEN_SECRET: "short" })).toThrow(ConfigError);
  });

  it("never echoes the token secret, and marks it as the api's own", () => {
    const leaked = "tiny-secret-value";
    let message = "";
    try {
      loadApiEnv({ API_TOKEN_SECRET: leaked });
    } catch (err) {
      message = String((err as Error).message);
    }
    expect(message).toMatch(/API_TOKEN_SECRET/);
    expect(message).not.toContain(leaked);
    expect(secretVariableNames(ApiEnv)).toContain("API_TOKEN_SECRET");
  });

  it("applies the defaults", () => {
    const config = loadApiEnv({ API_TOKEN_SECRET: "x".repeat(32) });
    expect(config).toMatchObject({
      API_HOST: "127.0.0.1",
      API_PORT: 8080,
      TOKEN_TTL_MINUTES: 60,
      OPS_PORT: 9467,
    });
  });
});
