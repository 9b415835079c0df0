import { ConfigError } from "@homeward/config";
import { describe, expect, it } from "vitest";
import { loadApiEnv } from "./env.ts";

const load = (env: Record<string, string>) => loadApiEnv({ API_TOKEN_SECRET: "x".repeat(32), ...env });

describe("session and sign-in settings", () => {
  it("TRUST_PROXY: off unless set; true, a hop count, or a list of addresses and CIDRs", () => {
    expect(load({}).TRUST_PROXY).toBe(false);
    expect(load({ TRUST_PROXY: "false" }).TRUST_PROXY).toBe(false);
    expect(load({ TRUST_PROXY: "true" }).TRUST_PROXY).toBe(true);
    expect(load({ TRUST_PROXY: "2" }).TRUST_PROXY).toBe(2);
    expect(load({ TRUST_PROXY: "10.0.0.1, 192.168.0.0/16,fd00::/8,loopback" }).TRUST_PROXY).toEqual([
      "10.0.0.1",
      "192.168.0.0/16",
      "fd00::/8",
      "loopback",
    ]);
  });

  it("TRUST_PROXY: says which entries are not addresses, by position", () => {
    expect(() => load({ TRUST_PROXY: "10.0.0.1,proxy.example,10.0.0.0/33" })).toThrow(ConfigError);
    expect(() => load({ TRUST_PROXY: "10.0.0.1,proxy.example,10.0.0.0/33" })).toThrow(
      /TRUST_PROXY is invalid: .*entry 2, 3 is not an address/,
    );
    expect(() => load({ TRUST_PROXY: "yes" })).toThrow(/TRUST_PROXY/);
  });

  it("session check cache and per-account sign-in limit defaults", () => {
    expect(load({})).toMatchObject({
      SESSION_CHECK_CACHE_SECONDS: 5,
      LOGIN_ACCOUNT_RATE_LIMIT_PER_MINUTE: 10,
    });
    expect(load({ SESSION_CHECK_CACHE_SECONDS: "0" }).SESSION_CHECK_CACHE_SECONDS).toBe(0);
    expect(() => load({ SESSION_CHECK_CACHE_SECONDS: "3600" })).toThrow(/SESSION_CHECK_CACHE_SECONDS/);
  });
});
