import { ADT_A01_ADMIT } from "@homeward/hl7/fixtures";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestListener, type TestListener } from "./harness.test-support.ts";
import {
  connectRaw,
  controlIds,
  metricValue,
  mllpFrame,
  recordsWithControlId,
  sleep,
  withMshField,
} from "./raw-mllp-client.test-support.ts";

let t: TestListener;
const nextId = controlIds("SRC");

beforeAll(async () => {
  t = await startTestListener("mllp-allowlist", { MLLP_ALLOWED_SOURCES: "10.9.9.9" });
});
afterAll(async () => {
  await t?.stop();
});

describe("source address allowlist", () => {
  it("with MLLP_ALLOWED_SOURCES=10.9.9.9, closes a connection from 127.0.0.1 without an answer", async () => {
    const refusedSample = 'homeward_mllp_refused_connections_total{listener="mllp",reason="source"}';
    const before = await metricValue(t.listener.opsPort, refusedSample);
    const client = await connectRaw(t.listener.mllpPort);
    const id = nextId();
    await client.write(mllpFrame(withMshField(ADT_A01_ADMIT, 10, id)));

    await client.waitForClose();
    expect(client.frames).toEqual([]);
    expect(await metricValue(t.listener.opsPort, refusedSample)).toBe(before + 1);
    expect(await metricValue(t.listener.opsPort, 'homeward_mllp_open_connections{listener="mllp"}')).toBe(0);
    // Nothing it sent was read, so nothing was stored, not even as a rejection.
    expect(await metricValue(t.listener.opsPort, 'homeward_mllp_received_bytes_total{listener="mllp"}')).toBe(
      0,
    );
    await sleep(500);
    for (const topic of ["adt.raw.v1", "adt.events.v1", "adt.rejected.v1"] as const) {
      expect(recordsWithControlId(t, topic, id)).toEqual([]);
    }
  });
});
