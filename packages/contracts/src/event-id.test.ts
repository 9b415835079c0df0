import { hash } from "node:crypto";
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

  it("is the RFC 9562 layout of the digest's first 16 bytes, whatever the variant digit", () => {
    // The byte-wise construction the hex fast path replaces, kept here as its specification.
    const byBytes = (a: string, f: string, c: string): string => {
      const input = `homeward:adt-event:v1\n${JSON.stringify([a, f, c])}`;
      const bytes = hash("sha256", input, "buffer").subarray(0, 16);
      bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x80;
      bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
      const hex = bytes.toString("hex");
      return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
    };
    const variants = new Set<string>();
    // Printable ASCII (quoted directly) and any UTF-16 (quotes, backslashes, control characters, lone
    // surrogates: escaped by JSON.stringify) must both hash the same JSON text as before.
    const anyText = fc.oneof(
      fc.string(),
      fc.string({ unit: "binary" }),
      fc.constantFrom('"', "\\", "\n", "\u00e9"),
    );
    fc.assert(
      fc.property(anyText, anyText, anyText, (a, f, c) => {
        const id = adtEventId(a, f, c);
        expect(id).toBe(byBytes(a, f, c));
        variants.add(id.charAt(19));
      }),
      { numRuns: 1000 },
    );
    expect([...variants].sort()).toEqual(["8", "9", "a", "b"]);
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
