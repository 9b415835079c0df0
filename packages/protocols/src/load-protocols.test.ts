import { describe, expect, it } from "vitest";
import { DEFAULT_PROTOCOLS } from "./default-protocols.ts";
import { loadProtocols } from "./load-protocols.ts";

describe("loadProtocols", () => {
  it("returns the parsed file, defaults applied", () => {
    const result = loadProtocols(JSON.parse(JSON.stringify(DEFAULT_PROTOCOLS)));
    expect(result).toEqual({ ok: true, protocols: DEFAULT_PROTOCOLS });
  });

  it("reports every problem with its path", () => {
    const json = {
      schemaVersion: 1,
      protocols: [
        {
          protocolId: "Bad Id",
          title: "x",
          programs: "all",
          population: "everyone",
          trigger: { eventKinds: ["ed-arrival"] },
          steps: [
            {
              stepId: "call",
              taskType: "follow-up-call",
              title: "Call",
              due: { type: "business-days", days: 0, indexDayCounts: false },
              reminders: [{ type: "hours-before-due", hours: -1 }],
            },
          ],
        },
      ],
    };
    const result = loadProtocols(json);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((e) => e.path)).toEqual([
      "protocols[0].protocolId",
      "protocols[0].population",
      "protocols[0].steps[0].due.days",
      "protocols[0].steps[0].reminders[0].hours",
    ]);
  });

  it("reports every cross-field problem at once when the structure is valid", () => {
    const [first] = DEFAULT_PROTOCOLS.protocols;
    const json = {
      schemaVersion: 1,
      protocols: [first, { ...first, cancelledBy: ["ed-arrival"] }],
    };
    const result = loadProtocols(json);
    expect(result.ok ? [] : result.errors).toEqual([
      { path: "protocols[1].cancelledBy[0]", message: "ed-arrival both triggers and cancels this protocol" },
      { path: "protocols[1]", message: 'duplicate protocolId "ed-follow-up" (first at index 0)' },
    ]);
  });

  it("says so when the input is not a protocols file at all", () => {
    expect(loadProtocols(null)).toEqual({
      ok: false,
      errors: [{ path: "(file)", message: expect.any(String) }],
    });
  });
});
