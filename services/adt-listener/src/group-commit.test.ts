import type { EventLog, OutgoingRecord } from "@homeward/kafka";
import { describe, expect, it } from "vitest";
import type { DuplicateStore } from "./duplicates.ts";
import { GroupCommitter } from "./group-commit.ts";

const none: DuplicateStore = {
  seenMany: async (keys) => keys.map(() => false),
  rememberMany: async () => {},
};

/** An event log that records each write's keys and holds the first write until released. */
function recordingLog() {
  const writes: string[][] = [];
  let release: () => void = () => {};
  const first = new Promise<void>((resolve) => {
    release = resolve;
  });
  const log: EventLog = {
    async publish(records) {
      writes.push(records.map((r) => r.key));
      if (writes.length === 1) await first;
    },
    close: async () => {},
  };
  return { log, writes, release: () => release() };
}

const record = (key: string, bytes: number): OutgoingRecord => ({
  topic: "t",
  key,
  value: "x".repeat(bytes),
});

describe("GroupCommitter", () => {
  it("writes a large request alone, and the small ones around it together, in submission order", async () => {
    const { log, writes, release } = recordingLog();
    const committer = new GroupCommitter(log, none, () => {}, 2_000, 10_000);
    const done = [committer.submit({ records: [record("first", 10)] })];
    // Queued while the first write is in flight: small, small, large, small, small.
    done.push(committer.submit({ records: [record("a", 100)] }));
    done.push(committer.submit({ records: [record("b", 100)] }));
    done.push(committer.submit({ records: [record("big", 9_000), record("big-event", 900)] }));
    done.push(committer.submit({ records: [record("c", 100)] }));
    done.push(committer.submit({ records: [record("d", 100)] }));
    release();
    await expect(Promise.all(done)).resolves.toEqual(done.map(() => "written"));
    expect(writes).toEqual([["first"], ["a", "b"], ["big", "big-event"], ["c", "d"]]);
  });

  it("still caps a write by record count", async () => {
    const { log, writes, release } = recordingLog();
    const committer = new GroupCommitter(log, none, () => {}, 2);
    const done = ["first", "a", "b", "c"].map((key) => committer.submit({ records: [record(key, 1)] }));
    release();
    await Promise.all(done);
    expect(writes).toEqual([["first"], ["a", "b"], ["c"]]);
  });
});
