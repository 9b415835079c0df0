import { ADT_A01_ADMIT } from "@homeward/hl7/fixtures";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { msaOf, startTestListener, type TestListener } from "./harness.test-support.ts";
import {
  connectRaw,
  controlIds,
  metricValue,
  mllpFrame,
  type RawMllpClient,
  recordsWithControlId,
  sleep,
  waitForNoOpenConnections,
  withMshField,
} from "./raw-mllp-client.test-support.ts";

// Two allowlist entries, each a "source" with its own reserved slots: 127.0.0.0/25 (the flood and the
// genuine sender) and 127.0.0.128/25 (another hospital). 12 slots: 2 + 2 reserved, 8 shared.
const ENV = {
  MLLP_MAX_CONNECTIONS: "12",
  MLLP_MAX_CONNECTIONS_PER_ADDRESS: "3",
  MLLP_ALLOWED_SOURCES: "127.0.0.0/25,127.0.0.128/25",
  MLLP_RESERVED_CONNECTIONS_PER_SOURCE: "2",
  MLLP_FRAME_DEADLINE_MS: "1500",
  MLLP_IDLE_TIMEOUT_MS: "4000",
};
const DEADLINE_MS = 1500;
const IDLE_MS = 4000;

let t: TestListener;
let opened: RawMllpClient[] = [];
const nextId = controlIds("HYG");
const admit = (id: string) => withMshField(ADT_A01_ADMIT, 10, id);
const refused = (reason: string) =>
  `homeward_mllp_refused_connections_total{listener="mllp",reason="${reason}"}`;

beforeAll(async () => {
  t = await startTestListener("mllp-hygiene", ENV);
});
afterEach(async () => {
  await Promise.all(opened.map((c) => c.destroy()));
  opened = [];
  await waitForNoOpenConnections(t.listener.opsPort);
});
afterAll(async () => {
  await t?.stop();
});

async function open(localAddress: string): Promise<RawMllpClient> {
  const c = await connectRaw(t.listener.mllpPort, { localAddress });
  opened.push(c);
  return c;
}

/** Opens connections one after another; returns those the listener kept open. */
async function openMany(addresses: readonly string[]): Promise<RawMllpClient[]> {
  const clients: RawMllpClient[] = [];
  for (const address of addresses) clients.push(await open(address));
  await sleep(300); // a refused connection is closed at once
  return clients.filter((c) => !c.closed);
}

async function exchange(c: RawMllpClient, message: string): Promise<string> {
  const before = c.frames.length;
  await c.write(mllpFrame(message));
  return (await c.waitForFrames(before + 1))[before] ?? "";
}

describe("connection limits per address and per source", () => {
  it("keeps a flood from one address to MLLP_MAX_CONNECTIONS_PER_ADDRESS, so another sender still gets in", async () => {
    const before = await metricValue(t.listener.opsPort, refused("per-address"));
    const kept = await openMany(Array.from({ length: 40 }, () => "127.0.0.1"));
    expect(kept).toHaveLength(3);
    expect(await metricValue(t.listener.opsPort, refused("per-address"))).toBe(before + 37);

    const genuine = await open("127.0.0.2");
    const id = nextId();
    expect(msaOf(await exchange(genuine, admit(id)))).toMatchObject({ code: "AA", controlId: id });
    expect(kept.every((c) => !c.closed)).toBe(true);
  });

  it("keeps MLLP_RESERVED_CONNECTIONS_PER_SOURCE slots for each allowlisted source when the rest are taken", async () => {
    const before = await metricValue(t.listener.opsPort, refused("max-connections"));
    // Twenty addresses of the first source, one connection each: 8 shared + its 2 reserved slots.
    const many = Array.from({ length: 20 }, (_, i) => `127.0.0.${10 + i}`);
    expect(await openMany(many)).toHaveLength(10);
    expect(await metricValue(t.listener.opsPort, refused("max-connections"))).toBe(before + 10);

    // The other source still has its own two.
    const [b1, b2] = await openMany(["127.0.0.200", "127.0.0.201"]);
    for (const c of [b1, b2]) {
      const id = nextId();
      expect(msaOf(await exchange(c as RawMllpClient, admit(id)))).toMatchObject({
        code: "AA",
        controlId: id,
      });
    }
    expect(await openMany(["127.0.0.202"])).toHaveLength(0);
  });
});

describe("a frame must end in time", () => {
  it("closes a connection whose frame trickles in a byte at a time past MLLP_FRAME_DEADLINE_MS", async () => {
    const deadlineFaults = 'homeward_mllp_framing_errors_total{listener="mllp",reason="frame-deadline"}';
    const before = await metricValue(t.listener.opsPort, deadlineFaults);
    const c = await open("127.0.0.1");
    const id = nextId();
    const wire = mllpFrame(admit(id));
    const startedAt = Date.now();
    await c.write(wire.subarray(0, 100));
    // One byte every 250 ms: the idle timer alone (4 s, reset by every byte) would never fire.
    for (let i = 100; i < wire.length - 1 && !c.closed && Date.now() - startedAt < 3 * IDLE_MS; i++) {
      await sleep(250);
      await c.write(wire.subarray(i, i + 1));
    }
    expect(c.closed).toBe(true);
    expect(c.endedByServer).toBe(true);
    const heldFor = Date.now() - startedAt;
    expect(heldFor).toBeGreaterThanOrEqual(DEADLINE_MS - 100);
    expect(heldFor).toBeLessThan(DEADLINE_MS + 1_500);
    expect(c.frames).toEqual([]);
    expect(await metricValue(t.listener.opsPort, deadlineFaults)).toBe(before + 1);
    expect(recordsWithControlId(t, "adt.raw.v1", id)).toEqual([]);
  });

  it("takes a frame that arrives slowly but ends within the deadline", async () => {
    const c = await open("127.0.0.1");
    const id = nextId();
    const wire = mllpFrame(admit(id));
    const step = Math.ceil(wire.length / 5);
    const pieces = Array.from({ length: 5 }, (_, i) => wire.subarray(i * step, (i + 1) * step));
    await c.writeInChunks(pieces, 200);
    const [ack = ""] = await c.waitForFrames(1);
    expect(msaOf(ack)).toMatchObject({ code: "AA", controlId: id });
    expect(c.closed).toBe(false);
  });

  it("closes a connection that sends only white space between frames once MLLP_IDLE_TIMEOUT_MS passes", async () => {
    const c = await open("127.0.0.1");
    const id = nextId();
    expect(msaOf(await exchange(c, admit(id)))).toMatchObject({ code: "AA" });
    const lastFrame = Date.now();
    // Bytes that never make a frame are not activity.
    while (!c.closed && Date.now() - lastFrame < 3 * IDLE_MS) {
      await c.write("\r\n");
      await sleep(250);
    }
    expect(c.closed).toBe(true);
    expect(c.endedByServer).toBe(true);
    expect(Date.now() - lastFrame).toBeLessThan(IDLE_MS + 1_500);
  });
});
