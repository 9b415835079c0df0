import { describe, expect, it } from "vitest";
import { messageLabeller } from "./listener-metrics.ts";

describe("messageLabeller", () => {
  const labels = messageLabeller(["MERCYGEN", "STLUKES"]);

  it("keeps configured facilities and known triggers", () => {
    expect(labels({ facility: "MERCYGEN", trigger: "A01", outcome: "accepted" })).toEqual({
      facility: "MERCYGEN",
      trigger: "A01",
      outcome: "accepted",
    });
  });

  it("turns anything else into `unknown`, whatever the sender wrote", () => {
    for (const [facility, trigger] of [
      ["mercygen", "a01"],
      ['X"} 1\n', "A99"],
      ["", ""],
      ["MERCYGEN", "toString"],
      ["__proto__", "constructor"],
    ] as const) {
      expect(labels({ facility, trigger, outcome: "rejected" })).toEqual({
        facility: facility === "MERCYGEN" ? "MERCYGEN" : "unknown",
        trigger: "unknown",
        outcome: "rejected",
      });
    }
  });
});
