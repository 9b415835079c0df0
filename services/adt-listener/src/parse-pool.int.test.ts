import { performance } from "node:perf_hooks";
import { ADT_A01_ADMIT } from "@homeward/hl7/fixtures";
import { hostileMessage } from "@homeward/hl7/fixtures/hostile";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { msaOf, startTestListener, type TestListener } from "./harness.test-support.ts";
import {
  connectRaw,
  controlIds,
  errsOf,
  mllpFrame,
  type RawMllpClient,
  sleep,
  withMshField,
} from "./raw-mllp-client.test-support.ts";

/**
 * Issue 12, "one message stalls everyone": a 2 MB frame of PID-5 repetitions held a message on
 * another connection for 10.9 s. Large frames are now parsed in a worker thread, so the event loop
 * keeps answering everyone else while one is read.
 */
const nextId = controlIds("POOL");
const admit = (id: string) => withMshField(ADT_A01_ADMIT, 10, id);

/** Sends one small message and returns how long its ACK took, and the ACK. */
async function timedAck(client: RawMllpClient): Promise<{ ms: number; ack: string }> {
  const before = client.frames.length;
  const started = performance.now();
  await client.write(mllpFrame(admit(nextId())));
  const frames = await client.waitForFrames(before + 1, 10_000);
  return { ms: performance.now() - started, ack: frames[before] ?? "" };
}

describe("a large frame is parsed off the event loop", () => {
  let t: TestListener;
  const opened: RawMllpClient[] = [];
  const open = async () => {
    const client = await connectRaw(t.listener.mllpPort);
    opened.push(client);
    return client;
  };

  beforeAll(async () => {
    // Limits far above the message, so the worker reads all 4 MB (about a second of work); the
    // default limits would refuse it at the 1,001st repetition, which takes a few milliseconds.
    t = await startTestListener("parse-pool", {
      MLLP_MAX_REPETITIONS: "100000000",
      MLLP_PARSE_THREADS: "1",
    });
  });
  afterAll(async () => {
    await Promise.all(opened.map((c) => c.destroy()));
    await t.stop();
  });

  it("answers a small message on another connection within 200 ms while a 4 MB worst case is read", async () => {
    const small = await open();
    const big = await open();
    expect(msaOf((await timedAck(small)).ack).code).toBe("AA"); // Kafka warm

    const hostile = mllpFrame(
      withMshField(hostileMessage("repeated-name", 4 * 1024 * 1024 - 8 * 1024), 10, nextId()),
    );
    const bigStarted = performance.now();
    await big.write(hostile);
    await sleep(50);
    const latencies: number[] = [];
    for (let i = 0; i < 5; i++) {
      const { ms, ack } = await timedAck(small);
      expect(msaOf(ack).code).toBe("AA");
      latencies.push(ms);
    }
    // The big frame was still being read while the small ones were answered.
    expect(big.frames).toHaveLength(0);
    expect(Math.max(...latencies)).toBeLessThan(200);

    // And the big one gets its own answer (stored, or refused as too large to store: not our concern here).
    const [answer = ""] = await big.waitForFrames(1, 30_000);
    expect(["AA", "AE"]).toContain(msaOf(answer).code);
    expect(performance.now() - bigStarted).toBeGreaterThan(Math.max(...latencies));
  });

  it("answers a message over a limit AE with the place in ERR-2, from the worker", async () => {
    const client = await open();
    const text = withMshField(hostileMessage("many-components", 256 * 1024), 10, nextId());
    await client.write(mllpFrame(text));
    const [ack = ""] = await client.waitForFrames(1, 10_000);
    expect(msaOf(ack).code).toBe("AE");
    expect(errsOf(ack)).toEqual([{ location: "PID^1^5^1^101", code: "102" }]);
  });
});
