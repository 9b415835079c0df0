import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DEFAULT_DELIMITERS, type Hl7Delimiters } from "./delimiters.ts";
import { escapeHl7, unescapeHl7 } from "./escape.ts";
import {
  ADT_A03_DISCHARGE,
  ADT_A04_ED,
  ADT_A08_UPDATE,
  ADT_A11_CANCEL,
  ADT_A40_MERGE,
} from "./fixtures/adt-messages.ts";
import type { Hl7Message } from "./message.ts";
import { parseHl7 } from "./parser.ts";

function parsed(text: string): Hl7Message {
  const result = parseHl7(text);
  if (!result.ok) throw new Error(`expected a message, got ${result.error.code} ${result.error.text}`);
  return result.message;
}

describe("parseHl7 reads values the way the spec numbers them", () => {
  const msg = parsed(ADT_A04_ED);

  it("counts MSH-1 as the field separator and MSH-2 as the encoding characters", () => {
    expect(msg.get("MSH-1")).toBe("|");
    expect(msg.get("MSH-2")).toBe("^~\\&");
    expect(msg.get("MSH-3")).toBe("EPICADT");
    expect(msg.get("MSH-4.2")).toBe("2.16.840.1.113883.19.4.1");
    expect(msg.get("MSH-9.2")).toBe("A04");
    expect(msg.get("MSH-9.3")).toBe("ADT_A01");
    expect(msg.segment("MSH")?.field(3).value).toBe("EPICADT");
    expect(msg.segment("MSH")?.field(2).repetitions.length).toBe(1);
  });

  it("exposes the header shortcuts", () => {
    expect(msg.messageType).toBe("ADT");
    expect(msg.triggerEvent).toBe("A04");
    expect(msg.controlId).toBe("MG20240305143015001");
    expect(msg.version).toBe("2.5.1");
  });

  it("reads components, repetitions and subcomponents", () => {
    expect(msg.get("PID-5.1")).toBe("QUILLFEATHER");
    expect(msg.get("PID-5.2")).toBe("MARISOL");
    expect(msg.get("PID-5[2].1")).toBe("QUILL");
    expect(msg.get("PID-3[2].1")).toBe("999120001");
    expect(msg.get("PID-3[2].5")).toBe("SS");
    expect(msg.get("PID-3[3].1")).toBe("");
    expect(msg.get("PID-5")).toBe("QUILLFEATHER");
    expect(msg.get("PID.5.1")).toBe("QUILLFEATHER");
    expect(msg.get("PV1-2")).toBe("E");
  });

  it("reads subcomponents", () => {
    const m = parsed("MSH|^~\\&|A|B|C|D|20240101||ADT^A01|1|P|2.5\rPID|1||123^^^HOSP&1.2.3&ISO^MR");
    expect(m.get("PID-3.4")).toBe("HOSP");
    expect(m.get("PID-3.4.2")).toBe("1.2.3");
    expect(m.get("PID-3.4.3")).toBe("ISO");
    expect(m.get("PID-3.4.4")).toBe("");
    expect(m.segment("PID")?.field(3).repetition(1).subcomponents(4)).toEqual(["HOSP", "1.2.3", "ISO"]);
  });

  it("returns every segment of a kind and reads a given occurrence", () => {
    expect(msg.segments("DG1").map((s) => s.get("3.1"))).toEqual(["R07.9", "I10"]);
    expect(msg.get("DG1[2]-3.2")).toBe("Essential (primary) hypertension");
    expect(msg.segments("IN1")).toHaveLength(2);
    expect(msg.segment("ROL", 2)?.read(3, 1, 1)).toBe("AT");
    expect(msg.segment("OBX")).toBeUndefined();
    expect(msg.get("OBX-5")).toBe("");
  });

  it("keeps Z-segments and unescapes their values", () => {
    expect(msg.get("ZPV-3")).toBe("CHEST PAIN & SHORTNESS OF BREATH");
    expect(parsed(ADT_A03_DISCHARGE).get("ZPV-2")).toBe(
      "FOLLOW UP WITH PCP IN 7 DAYS\nBRING MEDICATION LIST",
    );
  });

  it("unescapes delimiters inside components", () => {
    expect(msg.get("PID-11.2")).toBe("APT 4^B");
  });

  it("gives segments their sequence and field objects their repetitions", () => {
    const pid = msg.segment("PID");
    // ERL-2 counts occurrences of the segment id, not positions in the message.
    expect(pid?.sequence).toBe(1);
    expect(msg.segments("DG1").map((s) => s.sequence)).toEqual([1, 2]);
    expect(msg.segment("ROL", 2)?.sequence).toBe(2);
    expect(pid?.field(3).repetitions.map((r) => r.component(1))).toEqual(["40012345", "999120001"]);
    expect(pid?.field(3).repetition(2).component(4)).toBe("SSA");
    expect(pid?.field(3).repetition(9).component(1)).toBe("");
    expect(pid?.field(99).isEmpty).toBe(true);
    expect(pid?.field(5).component(2)).toBe("MARISOL");
    expect(pid?.field(5).repetition(1).componentCount).toBe(7);
  });

  it("accepts LF and CRLF terminators and a trailing newline", () => {
    expect(parsed(ADT_A08_UPDATE).get("PID-5.1")).toBe("BRAMBLEWICK");
    expect(parsed(ADT_A11_CANCEL).get("PV1-3.2")).toBe("301");
    expect(parsed(`${ADT_A11_CANCEL}\r\n\r\n`).segments()).toHaveLength(4);
  });

  it("reads the HL7 null as empty and tells it apart from an absent field", () => {
    const m = parsed(ADT_A08_UPDATE);
    expect(m.get("PID-13")).toBe("");
    expect(m.isNull("PID-13")).toBe(true);
    expect(m.isNull("PID-14")).toBe(false);
    expect(m.segment("PID")?.field(13).isNull).toBe(true);
  });

  it("honours any delimiters, including the v2.7 truncation character", () => {
    const m = parsed(ADT_A40_MERGE);
    expect(m.delimiters).toEqual({
      field: "$",
      component: "*",
      repetition: "@",
      escape: "/",
      subcomponent: "%",
      truncation: "#",
    });
    expect(m.get("MSH-9.2")).toBe("A40");
    expect(m.get("PID-3[2].1")).toBe("40012399");
    expect(m.get("MRG-1.1")).toBe("40012399");
    expect(m.get("MRG-4.5")).toBe("AN");
  });

  it("re-serializes with CR terminators", () => {
    expect(parsed(ADT_A04_ED).toString()).toBe(ADT_A04_ED);
    expect(parsed(ADT_A08_UPDATE).toString()).toBe(ADT_A08_UPDATE.replaceAll("\n", "\r"));
  });

  it("rejects malformed paths loudly (they are programming errors)", () => {
    expect(() => msg.get("PID5")).toThrow(TypeError);
    expect(() => msg.get("PID-0")).toThrow(RangeError);
  });
});

describe("parseHl7 errors are values with table 0357 codes", () => {
  const header = "MSH|^~\\&|A|B|C|D|20240101||ADT^A01|1|P|2.5";

  it("100 when the first segment is not MSH", () => {
    const r = parseHl7("PID|1||123");
    expect(r).toEqual({
      ok: false,
      error: { code: "100", text: expect.any(String), location: { segment: "PID", sequence: 1 } },
    });
    expect(parseHl7("").ok).toBe(false);
  });

  it("100 for a line that is not a segment", () => {
    const r = parseHl7(`${header}\rPID|1\rthis is not a segment`);
    expect(!r.ok && r.error.code).toBe("100");
    // No id to name in ERR-2 (nor one the rejected record's contract would take); the position is in the text.
    expect(!r.ok && r.error.location).toBeUndefined();
    expect(!r.ok && r.error.text).toContain("Segment 3");
  });

  it("100 at the occurrence of a segment id not followed by the field separator", () => {
    const r = parseHl7(`${header}\rPID|1\rDG1|1\rDG1^2`);
    expect(!r.ok && r.error).toEqual({
      code: "100",
      text: "Segment 4 does not start with a segment id",
      location: { segment: "DG1", sequence: 2 },
    });
  });

  it("102 for unusable delimiters", () => {
    for (const bad of ["MSH", "MSHA^~\\&|", "MSH|^~|A", "MSH|^^\\&|A", "MSH|^~\\&#!|A", "MSH|^~\\a|A"]) {
      const r = parseHl7(bad);
      expect(!r.ok && r.error.code, bad).toBe("102");
    }
  });

  it("101 with the location of a missing required MSH field", () => {
    const r = parseHl7("MSH|^~\\&|A|B|C|D|20240101||ADT^A01||P|2.5");
    expect(r).toEqual({
      ok: false,
      error: {
        code: "101",
        text: expect.stringContaining("MSH-10"),
        location: { segment: "MSH", sequence: 1, field: 10 },
      },
    });
    const noType = parseHl7("MSH|^~\\&|A|B|C|D|20240101||^A01|1|P|2.5");
    expect(!noType.ok && noType.error.location).toEqual({
      segment: "MSH",
      sequence: 1,
      field: 9,
      component: 1,
    });
    const noVersion = parseHl7("MSH|^~\\&|A|B|C|D|20240101||ADT^A01|1|P");
    expect(!noVersion.ok && noVersion.error.location?.field).toBe(12);
  });

  it("lets the caller relax the required header fields", () => {
    expect(parseHl7("MSH|^~\\&|A|B|C|D|20240101||ADT^A01|1", { requiredHeaderFields: [9, 10] }).ok).toBe(
      true,
    );
  });

  it("skips a byte order mark", () => {
    expect(parseHl7(`\uFEFF${header}`).ok).toBe(true);
  });
});

describe("parseHl7 round-trips escaped values (property)", () => {
  const delimiterSets: Hl7Delimiters[] = [
    DEFAULT_DELIMITERS,
    { field: "$", component: "*", repetition: "@", escape: "/", subcomponent: "%", truncation: "#" },
  ];
  // Mostly printable text with every delimiter and line breaks mixed in.
  const text = fc.string({
    unit: fc.oneof(
      fc.constantFrom("|", "^", "~", "\\", "&", "#", "$", "*", "@", "/", "%", "\r", "\n", "\r\n", " "),
      fc.string({ minLength: 1, maxLength: 1 }),
      fc.constantFrom("é", "ß", "中", "😀"),
    ),
    maxLength: 20,
  });
  const field = fc.array(
    fc.array(fc.array(text, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 4 }),
    {
      minLength: 1,
      maxLength: 3,
    },
  );

  it("every repetition, component and subcomponent reads back as written", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...delimiterSets),
        fc.array(field, { minLength: 1, maxLength: 6 }),
        (d, fields) => {
          const enc = (v: string): string => escapeHl7(v, d);
          const encoded = fields.map((reps) =>
            reps
              .map((comps) => comps.map((subs) => subs.map(enc).join(d.subcomponent)).join(d.component))
              .join(d.repetition),
          );
          const msh = [
            "MSH",
            `${d.component}${d.repetition}${d.escape}${d.subcomponent}${d.truncation ?? ""}`,
            "A",
            "B",
          ];
          msh.push("C", "D", "20240101", "", `ADT${d.component}A01`, "42", "P", "2.7");
          const text = `${msh.join(d.field)}\rZZZ${d.field}${encoded.join(d.field)}`;
          const m = parsed(text);
          fields.forEach((reps, f) => {
            reps.forEach((comps, r) => {
              comps.forEach((subs, c) => {
                subs.forEach((value, s) => {
                  const path = `ZZZ-${f + 1}[${r + 1}].${c + 1}.${s + 1}`;
                  // The HL7 null is the one value that cannot round-trip: `""` means "delete".
                  expect(m.get(path), path).toBe(value === '""' ? "" : value);
                });
              });
            });
          });
          expect(m.toString()).toBe(text);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("reading by ranges agrees with splitting the text (property)", () => {
  // The reader narrows ranges of the message text instead of splitting it; this is the split it
  // must agree with, for any layout of delimiters and any field, repetition, component, subcomponent.
  const piece = fc.string({
    unit: fc.constantFrom("a", "B", "7", " ", "~", "^", "&", '"', "\\"),
    maxLength: 12,
  });
  const oracle = (line: string, f: number, r: number, c: number, s: number): string => {
    const value = (line.split("|")[f] ?? "").split("~")[r - 1]?.split("^")[c - 1]?.split("&")[s - 1] ?? "";
    return value === '""' ? "" : unescapeHl7(value, DEFAULT_DELIMITERS);
  };

  it("gives what split would, for every position", () => {
    fc.assert(
      fc.property(fc.array(piece, { minLength: 1, maxLength: 8 }), (fields) => {
        const line = `ZXX|${fields.join("|")}`;
        const segment = parsed(`MSH|^~\\&|A|B|C|D|20240101||ADT^A01|1|P|2.5\rEVN|A01\r${line}`).segment(
          "ZXX",
        );
        for (let f = 1; f <= fields.length + 1; f++) {
          for (let r = 1; r <= 3; r++) {
            for (let c = 1; c <= 3; c++) {
              for (let s = 1; s <= 2; s++) expect(segment?.read(f, r, c, s)).toBe(oracle(line, f, r, c, s));
            }
            const rep = segment?.field(f).repetition(r);
            for (let c = 3; c >= 1; c--) expect(rep?.component(c)).toBe(oracle(line, f, r, c, 1));
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
