import { DEFAULT_HL7_LIMITS } from "@homeward/hl7";
import { describe, expect, it } from "vitest";
import { loadListenerEnv, messageLimits } from "./env.ts";

const certs = new URL("../test/certs/", import.meta.url).pathname;

describe("listener settings", () => {
  it("defaults to the example facilities and production messages only", () => {
    const config = loadListenerEnv({});
    expect(config.MLLP_PORT).toBe(2575);
    expect(config.MLLP_ACCEPTED_PROCESSING_IDS).toEqual(["P"]);
    expect(config.FACILITY_MAPPINGS_FILE).toMatch(/config\/facilities\.example\.json$/);
  });

  it("turns MLLP_MAX_* into message limits, a field bounded by the frame unless told otherwise", () => {
    expect(messageLimits(loadListenerEnv({}))).toEqual(DEFAULT_HL7_LIMITS);
    const config = loadListenerEnv({
      MLLP_MAX_SEGMENTS: "500",
      MLLP_MAX_FIELDS: "80",
      MLLP_MAX_REPETITIONS: "20",
      MLLP_MAX_COMPONENTS: "30",
      MLLP_MAX_SUBCOMPONENTS: "10",
      MLLP_MAX_FRAME_BYTES: "1048576",
    });
    expect(messageLimits(config)).toEqual({
      maxSegments: 500,
      maxFieldsPerSegment: 80,
      maxRepetitions: 20,
      maxComponents: 30,
      maxSubcomponents: 10,
      maxFieldBytes: 1048576,
    });
    expect(messageLimits(loadListenerEnv({ MLLP_MAX_FIELD_BYTES: "65536" })).maxFieldBytes).toBe(65536);
    expect(() => loadListenerEnv({ MLLP_MAX_REPETITIONS: "0", MLLP_PARSE_THREADS: "x" })).toThrow(
      /MLLP_MAX_REPETITIONS[\s\S]*MLLP_PARSE_THREADS/,
    );
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
