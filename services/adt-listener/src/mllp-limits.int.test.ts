import type { RejectedAdtRecord } from "@homeward/contracts";
import { ADT_A01_ADMIT, ADT_A08_UPDATE } from "@homeward/hl7/fixtures";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { msaOf, startTestListener, type TestListener } from "./harness.test-support.ts";
import {
  connectRaw,
  controlIds,
  errsOf,
  metricValue,
  mllpFrame,
  type RawMllpClient,
  recordsWithControlId,
  sleep,
  waitForControlIds,
  waitForNoOpenConnections,
  withMshField,
} from "./raw-mllp-client.test-support.ts";

const IDLE_TIMEOUT_MS = 2_000;

let t: TestListener;
/** Every connection a test opens; closed after it. */
let opened: RawMllpClient[] = [];
const nextId = controlIds("LIM");
const admit = (id: string) => withMshField(ADT_A01_ADMIT, 10, id);

beforeAll(async () => {
  t = await startTestListener("mllp-limits", {
    MLLP_MAX_CONNECTIONS: "2",
    MLLP_IDLE_TIMEOUT_MS: String(IDLE_TIMEOUT_MS),
    MLLP_ALLOWED_FACILITIES: "MERCYGEN",
  });
});
afterEach(async () => {
  await Promise.all(opened.map((c) => c.destroy()));
  opened = [];
  // Let the listener see those closes before the next test counts connections.
  await waitForNoOpenConnections(t.listener.opsPort);
});
afterAll(async () => {
  await t?.stop();
});

async function open(): Promise<RawMllpClient> {
  const c = await connectRaw(t.listener.mllpPort);
  opened.push(c);
  return c;
}

/** Sends one message on an open connection and returns its answer (the connection's `n`-th frame). */
async function exchange(c: RawMllpClient, message: string): Promise<string> {
  const before = c.frames.length;
  await c.write(mllpFrame(message));
  return (await c.waitForFrames(before + 1))[before] ?? "";
}

describe("connection limits", () => {
  it("with MLLP_MAX_CONNECTIONS=2, drops a third connection while two are open", async () => {
    const dropsBefore = await metricValue(
      t.listener.opsPort,
      'homeward_mllp_refused_connections_total{listener="mllp",reason="max-connections"}',
    );
    const [a, b] = [await open(), await open()];
    for (const c of [a, b]) {
      const id = nextId();
      expect(msaOf(await exchange(c, admit(id)))).toMatchObject({ code: "AA", controlId: id });
    }

    const third = await open();
    const refused = nextId();
    await third.write(mllpFrame(admit(refused)));
    await third.waitForClose();
    expect(third.frames).toEqual([]);
    expect(
      await metricValue(
        t.listener.opsPort,
        'homeward_mllp_refused_connections_total{listener="mllp",reason="max-connections"}',
      ),
    ).toBe(dropsBefore + 1);

    // The two open connections are unaffected.
    const again = nextId();
    expect(msaOf(await exchange(a, admit(again)))).toMatchObject({ code: "AA", controlId: again });
    expect(b.closed).toBe(false);

    // Once one of them closes, a new connection is served.
    await a.destroy();
    const id = nextId();
    await vi.waitFor(
      async () => {
        const c = await open();
        await sleep(100); // a dropped connection is closed at once
        if (c.closed) throw new Error("still at the connection limit");
        expect(msaOf(await exchange(c, admit(id)))).toMatchObject({ code: "AA", controlId: id });
      },
      { timeout: 5_000, interval: 50 },
    );
    await waitForControlIds(t, "adt.raw.v1", [id]);
    expect(recordsWithControlId(t, "adt.raw.v1", refused)).toEqual([]);
  });

  it("closes a connection idle for MLLP_IDLE_TIMEOUT_MS, and not one that keeps sending", async () => {
    const [idle, busy] = [await open(), await open()];
    const first = nextId();
    expect(msaOf(await exchange(idle, admit(first)))).toMatchObject({ code: "AA" });
    const lastActivity = Date.now();

    // The busy connection sends every 800 ms for longer than the idle timeout.
    for (let i = 0; i < 4; i++) {
      const id = nextId();
      expect(msaOf(await exchange(busy, admit(id)))).toMatchObject({ code: "AA", controlId: id });
      expect(busy.closed).toBe(false);
      if (i < 3) await sleep(800);
    }

    await idle.waitForClose(IDLE_TIMEOUT_MS + 3_000);
    const idleFor = Date.now() - lastActivity;
    expect(idle.endedByServer).toBe(true); // the listener closed it, with a FIN, not a reset
    expect(idle.error).toBeUndefined();
    expect(idleFor).toBeGreaterThanOrEqual(IDLE_TIMEOUT_MS - 100);
    expect(busy.closed).toBe(false);
  });
});

describe("facility allowlist", () => {
  it("with MLLP_ALLOWED_FACILITIES=MERCYGEN, refuses STLUKES with AR (207 at MSH-4) and accepts MERCYGEN", async () => {
    const c = await open();
    const stlukes = nextId();
    const nak = await exchange(c, withMshField(ADT_A08_UPDATE, 10, stlukes));
    expect(msaOf(nak)).toMatchObject({ code: "AR", controlId: stlukes });
    expect(errsOf(nak)).toEqual([{ location: "MSH^1^4", code: "207" }]);
    const [rejected] = await waitForControlIds<RejectedAdtRecord>(t, "adt.rejected.v1", [stlukes]);
    expect(rejected).toMatchObject({
      ackCode: "AR",
      header: { sendingFacility: "STLUKES" },
      error: { code: "207", location: { segment: "MSH", field: 4 } },
    });

    const mercy = nextId();
    expect(msaOf(await exchange(c, admit(mercy)))).toMatchObject({ code: "AA", controlId: mercy });
    await waitForControlIds(t, "adt.events.v1", [mercy]);
    expect(recordsWithControlId(t, "adt.events.v1", stlukes)).toEqual([]);
  });
});
