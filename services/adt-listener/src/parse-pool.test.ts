import { indexFacilityMappings } from "@homeward/contracts";
import { DEFAULT_HL7_LIMITS } from "@homeward/hl7";
import { ADT_A01_ADMIT } from "@homeward/hl7/fixtures";
import { hostileMessage } from "@homeward/hl7/fixtures/hostile";
import { afterAll, describe, expect, it } from "vitest";
import { readFacilityMappings } from "./app.ts";
import { FACILITIES_FILE } from "./harness.test-support.ts";
import { type MessageRead, ParsePool, readMessage } from "./parse-pool.ts";

const mappings = readFacilityMappings(FACILITIES_FILE);
const receivedAt = new Date("2024-03-05T19:05:30Z");
const inThread = (bytes: Buffer): MessageRead => {
  const { text: _text, ...read } = readMessage(bytes, {
    lookupMapping: indexFacilityMappings(mappings),
    limits: DEFAULT_HL7_LIMITS,
    receivedAt,
  });
  return read;
};

describe("ParsePool", () => {
  const pool = new ParsePool({ mappings, threads: 1, maxQueue: 2, minBytes: 1024, timeoutMs: 20_000 });
  afterAll(() => pool.close());

  it("reads a message in a worker exactly as it is read on the calling thread", async () => {
    const accepted = Buffer.from(ADT_A01_ADMIT);
    const read = await pool.read(accepted, receivedAt);
    expect(read.ok && read.normalized?.ok).toBe(true);
    expect(read).toEqual(inThread(accepted));
    // Over the limits: the same located error.
    const hostile = Buffer.from(hostileMessage("repeated-name", 256 * 1024));
    const refused = await pool.read(hostile, receivedAt);
    expect(refused).toEqual(inThread(hostile));
    expect(refused.ok ? undefined : refused.error).toMatchObject({
      code: "102",
      location: { segment: "PID", sequence: 1, field: 5, repetition: 1001 },
    });
  });

  it("answers 'resend later' at once when its queue is full, and reads what it queued", async () => {
    const big = Buffer.from(hostileMessage("many-segments", 512 * 1024));
    const reads = [1, 2, 3, 4].map(() => pool.read(big, receivedAt));
    const settled = await Promise.all(reads);
    // One in the worker and two queued are read; the fourth finds the queue full.
    expect(settled.filter((r) => r.ok)).toHaveLength(3);
    expect(settled[3]).toMatchObject({ ok: false, transient: true, error: { code: "207" } });
    expect(settled[3]?.header?.controlId).toBe("MG20240305190512007");
  });

  it("abandons a read past its deadline with a final 207 (not 'resend': the same message would take as long again)", async () => {
    const slow = new ParsePool({ mappings, threads: 1, maxQueue: 4, minBytes: 1, timeoutMs: 1 });
    try {
      const read = await slow.read(Buffer.from(hostileMessage("repeated-phone", 1024 * 1024)), receivedAt);
      expect(read).toMatchObject({
        ok: false,
        error: { code: "207", text: "Message could not be read within 1 ms" },
      });
      expect("transient" in read).toBe(false);
    } finally {
      await slow.close();
    }
  });

  it("wants only messages of at least its threshold", () => {
    expect(pool.wants(Buffer.alloc(1023))).toBe(false);
    expect(pool.wants(Buffer.alloc(1024))).toBe(true);
  });
});
