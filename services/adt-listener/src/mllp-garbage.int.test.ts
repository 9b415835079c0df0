import { ADT_A01_ADMIT } from "@homeward/hl7/fixtures";
import { createLogger } from "@homeward/logger";
import { isolation } from "@homeward/testing";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { type RunningListener, startAdtListener } from "./app.ts";
import { loadListenerEnv } from "./env.ts";
import { FACILITIES_FILE, msaOf } from "./harness.test-support.ts";
import {
  CR,
  connectRaw,
  controlIds,
  EB,
  metricValue,
  mllpFrame,
  sleep,
  withMshField,
} from "./raw-mllp-client.test-support.ts";

const MAX_FRAMING_ERRORS = 5;
const FAULT_LOG_INTERVAL_MS = 1_000;

/** What the listener logged, as parsed pino lines. */
const lines: { level: number; msg: string; [key: string]: unknown }[] = [];
let listener: RunningListener;
const nextId = controlIds("GRB");
const admit = (id: string) => withMshField(ADT_A01_ADMIT, 10, id);
/** `junk 0x1C 0x0D`: a frame without its start block, one framing error each. */
const unframed = (n: number) => Buffer.concat([Buffer.from(`not a frame ${n}`), Buffer.from([EB, CR])]);
const warnings = (address: string) => lines.filter((l) => l.level >= 40 && l.remoteAddress === address);

beforeAll(async () => {
  // Boots its own listener (not the shared harness) to read what it logs.
  const iso = isolation("mllp-garbage");
  const s = iso.settings;
  const config = loadListenerEnv({
    KAFKA_BROKERS: s.kafka.brokers.join(","),
    KAFKA_TOPIC_PREFIX: iso.topicPrefix,
    REDIS_URL: s.redis.url,
    REDIS_KEY_PREFIX: iso.redisPrefix,
    MLLP_HOST: "127.0.0.1",
    MLLP_PORT: "0",
    OPS_PORT: "0",
    FACILITY_MAPPINGS_FILE: FACILITIES_FILE,
    // The file alone: this test reads the listener's log, and needs no database.
    FACILITY_SOURCE: "file",
    MLLP_MAX_FRAMING_ERRORS: String(MAX_FRAMING_ERRORS),
    MLLP_FAULT_LOG_INTERVAL_MS: String(FAULT_LOG_INTERVAL_MS),
  });
  const logger = createLogger({
    service: "test-mllp-garbage",
    level: "info",
    destination: { write: (line: string) => lines.push(JSON.parse(line)) },
  });
  listener = await startAdtListener(config, logger);
});
beforeEach(async () => {
  // Each test starts after the previous one's faults were summarised.
  await sleep(FAULT_LOG_INTERVAL_MS * 2.5);
  lines.length = 0;
});
afterAll(async () => {
  await listener?.stop();
});

/** Deterministic bytes (mulberry32), so a failure can be replayed. */
function randomBytes(length: number, seed: number): Buffer {
  const out = Buffer.alloc(length);
  let a = seed;
  for (let i = 0; i < length; i++) {
    a = (a + 0x6d2b79f5) | 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    out[i] = ((x ^ (x >>> 14)) >>> 0) & 0xff;
  }
  return out;
}

describe("garbage on a connection", () => {
  it("answers 256 KiB of random bytes with one AR, closes the connection and logs a few lines", async () => {
    const source = "127.0.0.31";
    const c = await connectRaw(listener.mllpPort, { localAddress: source });
    await c.write(randomBytes(256 * 1024, 12));
    await c.waitForClose(10_000);

    expect(c.endedByServer || c.error !== undefined).toBe(true);
    // One NAK for the garbage; a random run that happens to be framed is a message and may get its own.
    expect(c.frames.length).toBeGreaterThanOrEqual(1);
    expect(c.frames.length).toBeLessThanOrEqual(3);
    expect(msaOf(c.texts()[0] ?? "").code).toBe("AR");
    await sleep(FAULT_LOG_INTERVAL_MS * 2);
    expect(warnings(source).length).toBeGreaterThanOrEqual(1);
    expect(warnings(source).length).toBeLessThanOrEqual(3);
    // No message body or raw bytes in what was logged.
    expect(JSON.stringify(warnings(source))).not.toMatch(/MSH\||\\u000b/);
  });

  it(`closes a connection after ${MAX_FRAMING_ERRORS} framing errors in a row, answering the first of a run only`, async () => {
    const c = await connectRaw(listener.mllpPort, { localAddress: "127.0.0.32" });
    const [first, second] = [nextId(), nextId()];
    await c.write(mllpFrame(admit(first)));
    await c.waitForFrames(1);
    // A run shorter than the limit: one AR, and the connection stays.
    await c.write(Buffer.concat([1, 2, 3, 4].map(unframed)));
    await c.waitForFrames(2);
    // A good frame ends the run.
    await c.write(mllpFrame(admit(second)));
    await c.waitForFrames(3);
    expect(c.closed).toBe(false);
    // A run that reaches the limit: one AR, then the listener closes.
    await c.write(Buffer.concat([5, 6, 7, 8, 9].map(unframed)));
    await c.waitForClose();

    expect(c.endedByServer).toBe(true);
    expect(c.texts().map((a) => msaOf(a).code)).toEqual(["AA", "AR", "AA", "AR"]);
    expect(msaOf(c.texts()[2] ?? "").controlId).toBe(second);
    expect(
      await metricValue(
        listener.opsPort,
        'homeward_mllp_closed_connections_total{listener="mllp",reason="framing-errors"}',
      ),
    ).toBeGreaterThanOrEqual(1);
  });

  it("logs repeated faults from one source once per interval, with a count", async () => {
    const source = "127.0.0.33";
    for (let i = 0; i < 10; i++) {
      const c = await connectRaw(listener.mllpPort, { localAddress: source });
      await c.write(unframed(i));
      await c.waitForFrames(1);
      await c.destroy();
    }
    // The first fault is logged at once, the other nine counted into a line per interval (one, or
    // two when the ten connections straddle the end of an interval).
    const counted = () =>
      warnings(source)
        .slice(1)
        .reduce(
          (sum, l) => sum + ((l.faults as Record<string, number> | undefined)?.["missing-start-block"] ?? 0),
          0,
        );
    await vi.waitFor(() => expect(counted()).toBe(9), { timeout: FAULT_LOG_INTERVAL_MS * 3, interval: 50 });
    const logged = warnings(source);
    expect(logged[0]).toMatchObject({ fault: "missing-start-block" });
    expect(logged.length).toBeLessThanOrEqual(3);
  });
});
