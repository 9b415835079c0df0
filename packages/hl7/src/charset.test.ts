import { describe, expect, it } from "vitest";
import { decodeHl7Bytes, detectHl7Charset } from "./charset.ts";
import { parseHl7 } from "./parser.ts";

const header = (msh18: string): string =>
  `MSH|^~\\&|A|B|C|D|20240101||ADT^A01|1|P|2.5||||||${msh18}\rPID|1||1||`;

describe("decodeHl7Bytes", () => {
  it("decodes UTF-8 when MSH-18 says UNICODE UTF-8", () => {
    const bytes = Buffer.from(`${header("UNICODE UTF-8")}MÜLLER^JOSÉ`, "utf8");
    expect(decodeHl7Bytes(bytes, "ISO-8859-1")).toContain("MÜLLER^JOSÉ");
    expect(detectHl7Charset(bytes)).toEqual({
      charset: "UTF-8",
      declared: "UNICODE UTF-8",
      source: "MSH-18",
    });
  });

  it("decodes Latin-1 when MSH-18 says 8859/1", () => {
    const bytes = Buffer.from(`${header("8859/1")}MÜLLER^JOSÉ`, "latin1");
    expect(decodeHl7Bytes(bytes)).toContain("MÜLLER^JOSÉ");
  });

  it("reads only the first repetition of MSH-18 and ignores case and spacing", () => {
    expect(detectHl7Charset(Buffer.from(header("unicode  utf-8~ASCII"))).charset).toBe("UTF-8");
    expect(detectHl7Charset(Buffer.from(header("ASCII"))).charset).toBe("ASCII");
  });

  it("falls back to the default when MSH-18 is absent or unknown", () => {
    const bytes = Buffer.from(`${header("")}JOSÉ`, "utf8");
    expect(detectHl7Charset(bytes, "ISO-8859-1")).toEqual({
      charset: "ISO-8859-1",
      declared: "",
      source: "default",
    });
    expect(decodeHl7Bytes(bytes)).toContain("JOSÉ");
    expect(detectHl7Charset(Buffer.from(header("EBCDIC"))).source).toBe("default");
  });

  it("reads undeclared bytes that are not UTF-8 as Latin-1 rather than mangling them", () => {
    const bytes = Buffer.from(`${header("")}JOSÉ`, "latin1");
    expect(detectHl7Charset(bytes).source).toBe("fallback");
    expect(decodeHl7Bytes(bytes)).toContain("JOSÉ");
  });

  it("copes with a header shorter than MSH-18 and with no header at all", () => {
    expect(decodeHl7Bytes(Buffer.from("MSH|^~\\&|A\rPID|é"))).toBe("MSH|^~\\&|A\rPID|é");
    expect(decodeHl7Bytes(Buffer.from("not hl7"))).toBe("not hl7");
    expect(decodeHl7Bytes(Buffer.alloc(0))).toBe("");
  });
});

describe("decodeHl7Bytes on plain ASCII", () => {
  it("decodes ASCII bytes the same whatever MSH-18 or the default says", () => {
    for (const msh18 of ["UNICODE UTF-8", "8859/1", "ASCII", "EBCDIC", ""]) {
      const text = `${header(msh18)}O\\S\\BRIEN^JOSE\rZZZ|\x01\x7f`;
      const bytes = Buffer.from(text, "latin1");
      for (const fallback of ["UTF-8", "ISO-8859-1", "ASCII"] as const) {
        expect(decodeHl7Bytes(bytes, fallback)).toBe(text);
        expect(decodeHl7Bytes(bytes, fallback)).toBe(
          bytes.toString(detectHl7Charset(bytes, fallback).charset === "UTF-8" ? "utf8" : "latin1"),
        );
      }
    }
  });

  it("still reads MSH-18 as soon as one byte is not ASCII", () => {
    const latin1 = Buffer.from(`${header("8859/1")}\u00e9`, "latin1");
    const utf8 = Buffer.from(`${header("UNICODE UTF-8")}\u00e9`, "utf8");
    expect(decodeHl7Bytes(latin1).endsWith("\u00e9")).toBe(true);
    expect(decodeHl7Bytes(utf8, "ISO-8859-1").endsWith("\u00e9")).toBe(true);
  });
});

describe("header position", () => {
  it("reads MSH-18 exactly where the parser does", () => {
    const r = parseHl7(header("8859/1"));
    expect(r.ok && r.message.get("MSH-18")).toBe("8859/1");
  });
});
