import { describe, expect, it } from "vitest";
import { loadListenerEnv } from "./env.ts";

const certs = new URL("../test/certs/", import.meta.url).pathname;

describe("listener settings", () => {
  it("defaults to the example facilities and production messages only", () => {
    const config = loadListenerEnv({});
    expect(config.MLLP_PORT).toBe(2575);
    expect(config.MLLP_ACCEPTED_PROCESSING_IDS).toEqual(["P"]);
    expect(config.FACILITY_MAPPINGS_FILE).toMatch(/config\/facilities\.example\.json$/);
  });

  it("lists every bad setting, including TLS combinations that could never work", () => {
    expect(() =>
      loadListenerEnv({
        MLLP_PORT: "99999",
        MLLP_TLS_CERT_FILE: `${certs}server.crt`,
        MLLP_TLS_KEY_FILE: `${certs}server.key`,
        MLLP_TLS_PORT: "2576",
        MLLP_TLS_REQUIRE_CLIENT_CERT: "true",
        FACILITY_MAPPINGS_FILE: "/nonexistent.json",
      }),
    ).toThrow(/MLLP_PORT[\s\S]*FACILITY_MAPPINGS_FILE/);
    expect(() =>
      loadListenerEnv({
        MLLP_TLS_CERT_FILE: `${certs}server.crt`,
        MLLP_TLS_KEY_FILE: `${certs}server.key`,
        MLLP_TLS_PORT: "2576",
        MLLP_TLS_REQUIRE_CLIENT_CERT: "true",
      }),
    ).toThrow(/MLLP_TLS_REQUIRE_CLIENT_CERT needs MLLP_TLS_CLIENT_CA_FILE/);
  });
});
