import { describe, expect, it } from "vitest";
import type { OutgoingRecord } from "./event-log.ts";
import { chunkRecords, MAX_PUBLISH_BYTES } from "./record-chunks.ts";

const record = (n: number, bytes: number): OutgoingRecord => ({
  topic: "t",
  key: "k",
  value: String(n).padEnd(bytes, "x"),
});

describe("chunkRecords", () => {
  it("keeps every record, in order, in runs no bigger than the limit", () => {
    const records = Array.from({ length: 100 }, (_, i) => record(i, 1000));
    const chunks = chunkRecords(records, 10_000);
    expect(chunks.flat()).toEqual(records);
    expect(chunks.length).toBeGreaterThan(10);
    for (const c of chunks)
      expect(c.reduce((n, r) => n + String(r.value).length, 0)).toBeLessThanOrEqual(10_000);
  });

  it("counts UTF-8 bytes and headers, not characters", () => {
    const accented = { topic: "t", key: "k", value: "é".repeat(3000), headers: { h: "v".repeat(3000) } };
    expect(chunkRecords([accented, accented], 10_000)).toHaveLength(2);
  });

  it("gives a record bigger than the limit a run of its own, and nothing for nothing", () => {
    const big = record(1, 5000);
    expect(chunkRecords([record(0, 10), big, record(2, 10)], 1000)).toEqual([
      [record(0, 10)],
      [big],
      [record(2, 10)],
    ]);
    expect(chunkRecords([])).toEqual([]);
    expect(MAX_PUBLISH_BYTES).toBeLessThan(1024 * 1024);
  });
});
