import type { AdtEvent, RawAdtRecord, RejectedAdtRecord } from "@homeward/contracts";
import { ADT_A01_ADMIT } from "@homeward/hl7/fixtures";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { msaOf, startTestListener, type TestListener } from "./harness.test-support.ts";
import { KEPT_BYTES_OF_TOO_LARGE, maxStorableMessageBytes } from "./ingest.ts";
import { largeAdt } from "./large-message.test-support.ts";
import {
  connectRaw,
  controlIds,
  errsOf,
  mllpFrame,
  type RawMllpClient,
  recordsWithControlId,
  sleep,
  waitForControlIds,
  withMshField,
} from "./raw-mllp-client.test-support.ts";

const MiB = 1024 * 1024;
let t: TestListener;
let opened: RawMllpClient[] = [];
const nextId = controlIds("BIG");
const admit = (id: string) => withMshField(ADT_A01_ADMIT, 10, id);

beforeAll(async () => {
  // Frames larger than Kafka can ever take reach the ingest (the default, 4 MiB, is below it).
  t = await startTestListener("large-messages", { MLLP_MAX_FRAME_BYTES: String(16 * MiB) });
});
afterEach(async () => {
  await Promise.all(opened.map((c) => c.destroy()));
  opened = [];
});
afterAll(async () => {
  await t?.stop();
});

async function open(): Promise<RawMllpClient> {
  const c = await connectRaw(t.listener.mllpPort);
  opened.push(c);
  return c;
}

/** Sends one message on an open connection and returns its answer. */
async function exchange(c: RawMllpClient, message: string, timeoutMs = 20_000): Promise<string> {
  const before = c.frames.length;
  await c.write(mllpFrame(message));
  return ((await c.waitForFrames(before + 1, timeoutMs))[before] ?? "").toString();
}

describe("large messages", () => {
  it.each([
    { what: "1 MB", bytes: 1_000_000 },
    { what: "4 MiB (MLLP_MAX_FRAME_BYTES' default)", bytes: 4 * MiB },
  ])(
    "stores a well-formed $what message whole: AA, raw copy byte for byte, and its event",
    async ({ bytes }) => {
      const id = nextId();
      const message = largeAdt(admit(id), bytes);
      expect(message.length).toBe(bytes);
      const c = await open();
      expect(msaOf(await exchange(c, message))).toMatchObject({ code: "AA", controlId: id });

      const [raw] = await waitForControlIds<RawAdtRecord>(t, "adt.raw.v1", [id], 30_000);
      expect(Buffer.from(raw?.message.base64 ?? "", "base64").equals(Buffer.from(message))).toBe(true);
      const [event] = await waitForControlIds<AdtEvent>(t, "adt.events.v1", [id], 30_000);
      expect(event?.diagnoses.length).toBeGreaterThan(400);
    },
  );

  it("answers a message too large to store with a final AE (ERR 207, do not resend) and keeps its start", async () => {
    const id = nextId();
    const bytes = 7 * MiB;
    const message = largeAdt(admit(id), bytes);
    const c = await open();
    // A resend gets the same final answer, never AR "please resend".
    for (const attempt of [1, 2]) {
      const nak = await exchange(c, message);
      expect(msaOf(nak), `attempt ${attempt}`).toMatchObject({ code: "AE", controlId: id });
      expect(errsOf(nak)).toEqual([{ location: "", code: "207" }]);
      expect(nak).toMatch(/do not resend/);
      expect(nak).not.toMatch(/please resend/);
    }

    const [rejected] = await waitForControlIds<RejectedAdtRecord>(t, "adt.rejected.v1", [id]);
    expect(rejected).toMatchObject({
      ackCode: "AE",
      truncatedFrom: bytes,
      header: { controlId: id, sendingFacility: "MERCYGEN" },
      error: { code: "207" },
    });
    expect(rejected?.reason).toContain(String(maxStorableMessageBytes()));
    const kept = Buffer.from(rejected?.message.base64 ?? "", "base64");
    expect(kept.equals(Buffer.from(message).subarray(0, KEPT_BYTES_OF_TOO_LARGE))).toBe(true);
    expect(recordsWithControlId(t, "adt.raw.v1", id)).toEqual([]);
    expect(recordsWithControlId(t, "adt.events.v1", id)).toEqual([]);
  });

  it("gives the final AE to a message whose event would be too large, though the message itself fits", async () => {
    const id = nextId();
    // Diagnoses made of `"`: each doubles in the event's JSON, 4.4 MB of HL7 → over 8 MiB of event.
    const message = largeAdt(admit(id), 4_400_000, { documentShare: 0, descriptionChar: '"' });
    const c = await open();
    const nak = await exchange(c, message);
    expect(msaOf(nak)).toMatchObject({ code: "AE", controlId: id });
    expect(nak).toMatch(/normalized event .*do not resend/);
    const [rejected] = await waitForControlIds<RejectedAdtRecord>(t, "adt.rejected.v1", [id]);
    // The message itself fits a record: kept whole.
    expect(rejected?.truncatedFrom).toBeUndefined();
    expect(Buffer.from(rejected?.message.base64 ?? "", "base64").length).toBe(message.length);
  });

  it("answers other senders promptly with AA while one sends messages too large to store", async () => {
    const big = await open();
    const others = await Promise.all([open(), open(), open(), open()]);
    const bigIds = [nextId(), nextId(), nextId()];
    const bigAnswers = (async () => {
      const answers: string[] = [];
      for (const id of bigIds) answers.push(await exchange(big, largeAdt(admit(id), 7 * MiB)));
      return answers;
    })();
    // While the large ones arrive: five messages on each other connection, one after another.
    const started = performance.now();
    const smallAnswers = await Promise.all(
      others.map(async (c) => {
        const answers: { id: string; ack: string; ms: number }[] = [];
        for (let i = 0; i < 5; i++) {
          const id = nextId();
          const sent = performance.now();
          const ack = await exchange(c, admit(id));
          answers.push({ id, ack, ms: performance.now() - sent });
          await sleep(20);
        }
        return answers;
      }),
    );
    const elapsed = performance.now() - started;
    const flat = smallAnswers.flat();
    expect(flat.map((a) => [msaOf(a.ack).code, msaOf(a.ack).controlId])).toEqual(
      flat.map((a) => ["AA", a.id]),
    );
    expect(Math.max(...flat.map((a) => a.ms))).toBeLessThan(2_000);
    expect(elapsed).toBeLessThan(10_000);
    expect((await bigAnswers).map((a) => msaOf(a).code)).toEqual(["AE", "AE", "AE"]);
    await waitForControlIds(
      t,
      "adt.events.v1",
      flat.map((a) => a.id),
    );
    // And afterwards the listener still writes: the producer was never put out of step.
    const after = nextId();
    expect(msaOf(await exchange(others[0] as RawMllpClient, admit(after))).code).toBe("AA");
    await waitForControlIds(t, "adt.raw.v1", [after]);
  });
});
