import { describe, expect, it } from "vitest";
import { DEMO_MLLP_HOST, SERVICES, serviceEnv } from "./services.ts";

describe("where npm start's listener binds", () => {
  const listener = SERVICES.find((s) => s.name === "adt-listener");

  it("binds the demo's MLLP listener to loopback and says so in the banner", () => {
    expect(DEMO_MLLP_HOST).toBe("127.0.0.1");
    const env = serviceEnv(listener ?? { env: {} }, {
      inherited: { MLLP_HOST: "0.0.0.0" },
      shared: {},
      secrets: {},
    });
    // What the shell passes through does not override it (set MLLP_HOST for `npm start` itself).
    expect(env.MLLP_HOST).toBe("127.0.0.1");
    expect(listener?.hint.join("\n")).toContain(`MLLP on ${env.MLLP_HOST}:${env.MLLP_PORT}`);
  });
});
