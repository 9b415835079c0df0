import { createLogger } from "@homeward/logger";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { FaultLog } from "./fault-log.ts";

let lines: Record<string, unknown>[];
const logger = () =>
  createLogger({ service: "test", destination: { write: (l: string) => lines.push(JSON.parse(l)) } });

beforeEach(() => {
  lines = [];
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe("FaultLog", () => {
  it("logs a quiet source's first fault at once and the rest as one line per interval with counts", () => {
    const log = new FaultLog({ logger: logger(), intervalMs: 60_000 });
    log.report("10.0.0.1", "invalid-end-block", { connectionId: "c1" }, "MLLP framing error");
    for (let i = 0; i < 500; i++) log.report("10.0.0.1", "invalid-end-block", {}, "MLLP framing error");
    log.report("10.0.0.1", "unterminated-frame", {}, "MLLP framing error");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 40,
      remoteAddress: "10.0.0.1",
      fault: "invalid-end-block",
      connectionId: "c1",
    });

    vi.advanceTimersByTime(60_000);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatchObject({
      remoteAddress: "10.0.0.1",
      faults: { "invalid-end-block": 500, "unterminated-frame": 1 },
    });
    // Still noisy: counted, not logged at once; after a quiet interval, logged at once again.
    log.report("10.0.0.1", "invalid-end-block", {}, "MLLP framing error");
    expect(lines).toHaveLength(2);
    vi.advanceTimersByTime(60_000);
    expect(lines).toHaveLength(3);
    vi.advanceTimersByTime(60_000);
    log.report("10.0.0.1", "invalid-end-block", {}, "MLLP framing error");
    expect(lines).toHaveLength(4);
    log.close();
  });

  it("keeps each source apart, and folds sources beyond maxSources into one", () => {
    const log = new FaultLog({ logger: logger(), intervalMs: 1_000, maxSources: 2 });
    for (const source of ["a", "b", "c", "d", "a"]) log.report(source, "refused:per-address", {}, "refused");
    expect(lines.map((l) => l.remoteAddress)).toEqual(["a", "b", "c"]);
    log.close();
    expect(lines.slice(3)).toEqual([
      expect.objectContaining({ remoteAddress: "a", faults: { "refused:per-address": 1 } }),
      expect.objectContaining({ remoteAddress: "(other sources)", faults: { "refused:per-address": 1 } }),
    ]);
  });
});
