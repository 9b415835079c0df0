import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ADT_EVENT_ID_PATTERN, adtEventId } from "./event-id.ts";

describe("adtEventId", () => {
  it("is stable across releases (changing it would duplicate every replayed event)", () => {
    expect(adtEventId("EPICADT", "MERCYGEN", "MG20240305143015001")).toBe(
      "be19918a-d9b1-8d79-9e94-27f70ade2eac",
    );
  });

  it("is a version-8 UUID", () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.string(), (a, f, c) => {
        expect(adtEventId(a, f, c)).toMatch(ADT_EVENT_ID_PATTERN);
      }),
    );
  });

  it("does not confuse where one part ends and the next begins", () => {
    expect(adtEventId("A|B", "C", "1")).not.toBe(adtEventId("A", "B|C", "1"));
    expect(adtEventId("A", "B", "")).not.toBe(adtEventId("", "A", "B"));
  });

  it("differs for different messages", () => {
    fc.assert(
      fc.property(
        fc.tuple(fc.string(), fc.string(), fc.string()),
        fc.tuple(fc.string(), fc.string(), fc.string()),
        (x, y) => {
          fc.pre(JSON.stringify(x) !== JSON.stringify(y));
          expect(adtEventId(...x)).not.toBe(adtEventId(...y));
        },
      ),
    );
  });
});
