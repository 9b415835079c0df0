import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DEFAULT_DELIMITERS } from "./delimiters.ts";
import { unescapeHl7 } from "./escape.ts";
import { Hl7Field } from "./field.ts";
import { text } from "./normalize/data-types.ts";
import { parseHl7 } from "./parser.ts";

/*
 * The fast paths of value-reader.ts, checked against splitting the text: a plain range (no
 * repetition or subcomponent separator, no escape) is narrowed with indexOf and a remembered answer
 * to "is it plain?", any other range is walked; `readText` / `componentText` skip the trim when both
 * ends of the raw value are printable. Whatever path a value takes, it must read as split would.
 */

const HEADER = "MSH|^~\\&|A|B|C|D|20240101||ADT^A01|1|P|2.5";

/** What splitting gives for `SEG-f[r].c.s` of one segment line, unescaped; "" for the HL7 null. */
function oracle(line: string, f: number, r: number, c: number, s: number): string {
  const value = (line.split("|")[f] ?? "").split("~")[r - 1]?.split("^")[c - 1]?.split("&")[s - 1] ?? "";
  return value === '""' ? "" : unescapeHl7(value, DEFAULT_DELIMITERS);
}

// Plain fields (letters, digits, spaces, component separators) and fields with any delimiter,
// escape sequences (`\S\`, `\.br\`, `\X0A\`), the HL7 null, white space and non-ASCII at their ends.
const plainField = fc.string({ unit: fc.constantFrom("a", "B", "7", " ", "^", "^^"), maxLength: 14 });
const anyField = fc.string({
  unit: fc.constantFrom(
    "a",
    "B",
    " ",
    "\t",
    "\u00a0",
    "é",
    "~",
    "^",
    "&",
    '"',
    "\\",
    "\\S\\",
    "\\.br\\",
    "\\X0A\\",
  ),
  maxLength: 14,
});
const segmentLine = fc
  .array(fc.oneof(plainField, plainField, anyField), { minLength: 1, maxLength: 7 })
  .map((fields) => fields.join("|"));

/** Every (segment, f, r, c, s) of the message's Z-segments, in an order fast-check shuffles. */
interface Read {
  readonly segment: number;
  readonly f: number;
  readonly r: number;
  readonly c: number;
  readonly s: number;
}

const messages = fc.array(segmentLine, { minLength: 1, maxLength: 4 }).chain((bodies) => {
  const reads: Read[] = [];
  bodies.forEach((body, segment) => {
    const fields = body.split("|").length;
    for (let f = 1; f <= fields + 1; f++)
      for (let r = 1; r <= 2; r++)
        for (let c = 1; c <= 3; c++) for (let s = 1; s <= 2; s++) reads.push({ segment, f, r, c, s });
  });
  return fc.tuple(fc.constant(bodies), fc.shuffledSubarray(reads, { minLength: reads.length }));
});

function parsedSegments(bodies: readonly string[]) {
  const lines = bodies.map((body, i) => `Z${String.fromCharCode(65 + i)}X|${body}`);
  const result = parseHl7([HEADER, ...lines].join("\r"));
  if (!result.ok) throw new Error(result.error.text);
  return { lines, segments: result.message.segments().slice(1) };
}

describe("value reader fast paths (property)", () => {
  it("read gives what split would, for plain and other fields, read in any order", () => {
    fc.assert(
      fc.property(messages, ([bodies, reads]) => {
        const { lines, segments } = parsedSegments(bodies);
        for (const { segment, f, r, c, s } of reads) {
          const line = lines[segment] as string;
          expect(segments[segment]?.read(f, r, c, s), `${line} ${f}[${r}].${c}.${s}`).toBe(
            oracle(line, f, r, c, s),
          );
        }
      }),
      { numRuns: 300 },
    );
  });

  it("readText and componentText are the trimmed read, undefined when blank", () => {
    fc.assert(
      fc.property(messages, ([bodies, reads]) => {
        const { segments } = parsedSegments(bodies);
        for (const { segment, f, r, c, s } of reads) {
          const seg = segments[segment];
          if (seg === undefined) throw new Error("no segment");
          expect(seg.readText(f, r, c, s)).toBe(text(seg.read(f, r, c, s)));
          const rep = seg.field(f).repetition(r);
          expect(rep.componentText(c, s)).toBe(text(rep.component(c, s)));
        }
      }),
      { numRuns: 300 },
    );
  });

  it("counts and lists repetitions as split would", () => {
    fc.assert(
      fc.property(fc.oneof(plainField, anyField), (raw) => {
        const field = new Hl7Field(raw, DEFAULT_DELIMITERS);
        const split = raw === "" ? [] : raw.split("~");
        expect(field.repetitionCount).toBe(split.length);
        expect(field.repetitions.map((rep) => rep.raw)).toEqual(split);
        for (const [i, value] of split.entries()) expect(field.repetition(i + 1).raw).toBe(value);
        expect(field.repetition(split.length + 1).raw).toBe("");
      }),
    );
  });
});

describe("value reader fast paths (examples)", () => {
  const message = (...lines: string[]) => {
    const result = parseHl7([HEADER, ...lines].join("\r"));
    if (!result.ok) throw new Error(result.error.text);
    return result.message;
  };

  it("still unescapes in a segment that is plain but for one field", () => {
    const m = message("PV1|1|E|ED^B\\T\\C^2|PLAIN^FIELD|~|X\\.br\\", "PV2|A^B|C");
    expect(m.get("PV1-3.2")).toBe("B&C");
    expect(m.get("PV1-4.2")).toBe("FIELD");
    expect(m.segment("PV1")?.readText(6)).toBe("X");
    expect(m.get("PV2-1.2")).toBe("B");
    // Out of message order: the remembered answer must not leak from PV2 back to PV1.
    expect(m.get("PV1-3.2")).toBe("B&C");
    expect(m.get("PV1-5[2]")).toBe("");
  });

  it("notices a repetition or escape in a later segment after plain ones", () => {
    const m = message("ZAA|plain^one", "ZBB|two~three|\\F\\", "ZCC|four");
    expect(m.get("ZCC-1")).toBe("four");
    expect(m.get("ZAA-1.2")).toBe("one");
    expect(m.get("ZBB-1[2]")).toBe("three");
    expect(m.get("ZBB-2")).toBe("|");
    expect(m.segment("ZBB")?.field(1).repetitionCount).toBe(2);
  });

  it("trims only what needs trimming and keeps the HL7 null absent", () => {
    const m = message('ZAA| padded |""|\\.br\\x|x\\.br\\|é |^^');
    const z = m.segment("ZAA");
    expect(z?.readText(1)).toBe("padded");
    expect(z?.readText(2)).toBeUndefined();
    expect(z?.readText(3)).toBe("x");
    expect(z?.readText(4)).toBe("x");
    expect(z?.readText(5)).toBe("é");
    expect(z?.readText(6, 1, 2)).toBeUndefined();
  });
});
