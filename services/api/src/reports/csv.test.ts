import { describe, expect, it } from "vitest";
import { csvAttachment, csvField, snakeCaseColumns, toCsv } from "./csv.ts";

describe("csvField", () => {
  it("writes plain text, numbers and booleans as they are", () => {
    expect(csvField("Springvale Family Medicine")).toBe("Springvale Family Medicine");
    expect(csvField(0.6667)).toBe("0.6667");
    expect(csvField(-3.5)).toBe("-3.5");
    expect(csvField(true)).toBe("true");
  });

  it("leaves null, undefined and non-finite numbers empty", () => {
    expect(csvField(null)).toBe("");
    expect(csvField(undefined)).toBe("");
    expect(csvField(Number.NaN)).toBe("");
  });

  it("quotes fields with commas, quotes or line breaks and doubles the quotes (RFC 4180)", () => {
    expect(csvField("QUILLFEATHER, MARISOL")).toBe('"QUILLFEATHER, MARISOL"');
    expect(csvField('the "complex" program')).toBe('"the ""complex"" program"');
    expect(csvField("line one\nline two")).toBe('"line one\nline two"');
    expect(csvField("a\r\nb")).toBe('"a\r\nb"');
  });

  it("neutralises text a spreadsheet would run as a formula", () => {
    expect(csvField('=HYPERLINK("http://evil")')).toBe('"\'=HYPERLINK(""http://evil"")"');
    expect(csvField("+1 555")).toBe("'+1 555");
    expect(csvField("-2+3")).toBe("'-2+3");
    expect(csvField("@SUM(A1)")).toBe("'@SUM(A1)");
    expect(csvField("\t=1")).toBe("'\t=1");
    expect(csvField("a=b")).toBe("a=b");
  });
});

describe("toCsv", () => {
  it("writes a header line and one CRLF-terminated line per row", () => {
    const csv = toCsv(
      [
        { header: "group", value: (r: { g: string; n: number | null }) => r.g },
        { header: "rate", value: (r) => r.n },
      ],
      [
        { g: "A, Inc.", n: 0.5 },
        { g: "B", n: null },
      ],
    );
    expect(csv).toBe('group,rate\r\n"A, Inc.",0.5\r\nB,\r\n');
  });
});

describe("csvAttachment", () => {
  it("names the file and keeps header-breaking characters out", () => {
    expect(csvAttachment("follow-up_2024-03-01_2024-03-31")).toBe(
      'attachment; filename="follow-up_2024-03-01_2024-03-31.csv"',
    );
    expect(csvAttachment('a"b\r\nc')).toBe('attachment; filename="a_b__c.csv"');
  });
});

describe("snakeCaseColumns", () => {
  it("names columns after the JSON fields", () => {
    const columns = snakeCaseColumns<{ p90Seconds: number; groupKey: string | null }>([
      "groupKey",
      "p90Seconds",
    ]);
    expect(columns.map((c) => c.header)).toEqual(["group_key", "p90_seconds"]);
    expect(toCsv(columns, [{ groupKey: null, p90Seconds: 12.5 }])).toBe("group_key,p90_seconds\r\n,12.5\r\n");
  });
});
