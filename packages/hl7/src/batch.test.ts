import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { splitBatch } from "./batch.ts";
import { ADT_A01_ADMIT, ADT_A03_DISCHARGE, ADT_A08_UPDATE } from "./fixtures/adt-messages.ts";

describe("splitBatch", () => {
  it("passes a single message through as a batch of one", () => {
    expect(splitBatch(ADT_A01_ADMIT)).toEqual({ messages: [ADT_A01_ADMIT], warnings: [] });
    expect(splitBatch(ADT_A08_UPDATE).messages).toEqual([ADT_A08_UPDATE.replaceAll("\n", "\r")]);
  });

  it("splits an FHS/BHS batch and keeps its envelope", () => {
    const text = [
      "FHS|^~\\&|EPICADT|MERCYGEN|||20240310",
      "BHS|^~\\&|EPICADT|MERCYGEN|||20240310",
      ADT_A01_ADMIT,
      ADT_A03_DISCHARGE,
      "BTS|2",
      "FTS|1",
    ].join("\r");
    const batch = splitBatch(text);
    expect(batch.messages).toEqual([ADT_A01_ADMIT, ADT_A03_DISCHARGE]);
    expect(batch.header).toEqual({
      fileHeader: "FHS|^~\\&|EPICADT|MERCYGEN|||20240310",
      batchHeaders: ["BHS|^~\\&|EPICADT|MERCYGEN|||20240310"],
      declaredMessageCount: 2,
    });
    expect(batch.warnings).toEqual([]);
  });

  it("warns when BTS-1 disagrees with what arrived", () => {
    const batch = splitBatch(["BHS|^~\\&", ADT_A01_ADMIT, "BTS|3"].join("\n"));
    expect(batch.messages).toHaveLength(1);
    expect(batch.warnings).toEqual(["BTS-1 declares 3 message(s) but the batch holds 1"]);
  });

  it("does not count without a usable BTS-1", () => {
    expect(splitBatch(["BHS|^~\\&", ADT_A01_ADMIT, "BTS|"].join("\r")).header).toEqual({
      batchHeaders: ["BHS|^~\\&"],
    });
    expect(splitBatch(["FHS|^~\\&", ADT_A01_ADMIT, "FTS|1"].join("\r")).warnings).toEqual([]);
  });

  it("splits back-to-back messages without an envelope and drops orphan segments", () => {
    const batch = splitBatch(`PID|1\r${ADT_A01_ADMIT}\r\n${ADT_A03_DISCHARGE}\r\n`);
    expect(batch.messages).toEqual([ADT_A01_ADMIT, ADT_A03_DISCHARGE]);
    expect(batch.warnings).toEqual(["1 segment(s) outside any message were dropped"]);
    expect(batch.header).toBeUndefined();
  });

  it("gives each message its segments joined by CR, whatever terminators and blank lines came (property)", () => {
    const messages = [ADT_A01_ADMIT, ADT_A03_DISCHARGE, ADT_A08_UPDATE.replaceAll("\n", "\r")];
    const lines = ["BHS|^~\\&|A|B", ...messages.flatMap((m) => m.split("\r")), "BTS|3"];
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom("\r", "\n", "\r\n", "\r\r", "\n\n"), {
          minLength: lines.length,
          maxLength: lines.length,
        }),
        (terminators) => {
          const text = lines.map((line, i) => line + terminators[i]).join("");
          expect(splitBatch(text).messages).toEqual(messages);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("returns no messages for empty input", () => {
    expect(splitBatch("")).toEqual({ messages: [], warnings: [] });
  });
});
