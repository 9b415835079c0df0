import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DEFAULT_DELIMITERS, type Hl7Delimiters } from "./delimiters.ts";
import { escapeHl7, unescapeHl7 } from "./escape.ts";

const d = DEFAULT_DELIMITERS;
const v27: Hl7Delimiters = { ...DEFAULT_DELIMITERS, truncation: "#" };

describe("unescapeHl7", () => {
  it("decodes the delimiter escapes", () => {
    expect(unescapeHl7("A\\F\\B\\S\\C\\T\\D\\R\\E\\E\\", d)).toBe("A|B^C&D~E\\");
  });

  it("decodes \\P\\ only when a truncation character is declared", () => {
    expect(unescapeHl7("50\\P\\", v27)).toBe("50#");
    expect(unescapeHl7("50\\P\\", d)).toBe("50\\P\\");
  });

  it("turns line breaks into newlines and drops highlighting", () => {
    expect(unescapeHl7("one\\.br\\two\\.sp\\three", d)).toBe("one\ntwo\nthree");
    expect(unescapeHl7("\\H\\URGENT\\N\\ call", d)).toBe("URGENT call");
  });

  it("decodes hex data as UTF-8 when valid, else Latin-1", () => {
    expect(unescapeHl7("a\\X0D0A\\b", d)).toBe("a\r\nb");
    expect(unescapeHl7("Jos\\XC3A9\\", d)).toBe("José");
    expect(unescapeHl7("Jos\\XE9\\", d)).toBe("José");
  });

  it("keeps unknown or unterminated escapes literally", () => {
    expect(unescapeHl7("\\C2842\\x", d)).toBe("\\C2842\\x");
    expect(unescapeHl7("\\.in+4\\x", d)).toBe("\\.in+4\\x");
    expect(unescapeHl7("C:\\temp", d)).toBe("C:\\temp");
    expect(unescapeHl7("\\X0\\", d)).toBe("\\X0\\");
    expect(unescapeHl7("a\\b\\S\\c", d)).toBe("a\\b^c");
  });

  it("uses the message's own escape character", () => {
    const custom: Hl7Delimiters = { ...d, escape: "/" };
    expect(unescapeHl7("1/S/2 /.br/", custom)).toBe("1^2 \n");
  });
});

describe("escapeHl7", () => {
  it("escapes every delimiter and line break", () => {
    expect(escapeHl7("a|b^c&d~e\\f\rg\nh", d)).toBe("a\\F\\b\\S\\c\\T\\d\\R\\e\\E\\f\\X0D\\g\\.br\\h");
    expect(escapeHl7("#1", v27)).toBe("\\P\\1");
    expect(escapeHl7("plain", d)).toBe("plain");
  });

  it("round-trips any string (property)", () => {
    fc.assert(
      fc.property(fc.constantFrom(d, v27), fc.string({ unit: "binary" }), (delims, value) => {
        const escaped = escapeHl7(value, delims);
        for (const c of [
          delims.field,
          delims.component,
          delims.repetition,
          delims.subcomponent,
          "\r",
          "\n",
        ]) {
          expect(escaped.includes(c)).toBe(false);
        }
        expect(unescapeHl7(escaped, delims)).toBe(value);
      }),
      { numRuns: 500 },
    );
  });
});
