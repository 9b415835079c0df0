import type { AdtEvent, RawAdtRecord } from "@homeward/contracts";
import { ADT_A01_ADMIT, ADT_A03_DISCHARGE, ADT_A04_ED } from "@homeward/hl7/fixtures";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { msaOf, startTestListener, type TestListener } from "./harness.test-support.ts";
import {
  CR,
  connectRaw,
  controlIds,
  EB,
  mllpFrame,
  type RawMllpClient,
  recordsWithControlId,
  SB,
  segmentsOf,
  waitForControlIds,
  withMshField,
} from "./raw-mllp-client.test-support.ts";

let t: TestListener;
let client: RawMllpClient | undefined;
const nextId = controlIds("FRM");

/** ADT_A01_ADMIT (original mode: AA) under a control id of its own. */
const admit = (id: string) => withMshField(ADT_A01_ADMIT, 10, id);

beforeAll(async () => {
  t = await startTestListener("mllp-framing");
});
afterEach(async () => {
  await client?.destroy();
  client = undefined;
});
afterAll(async () => {
  await t?.stop();
});

async function open(): Promise<RawMllpClient> {
  client = await connectRaw(t.listener.mllpPort);
  return client;
}

describe("MLLP framing over a real socket", () => {
  it("answers several frames sent in one write, one ACK each, in order", async () => {
    const c = await open();
    const ids = [nextId(), nextId(), nextId()];
    await c.write(Buffer.concat(ids.map((id) => mllpFrame(admit(id)))));

    const acks = await c.waitForFrames(3);
    expect(acks.map((a) => msaOf(a))).toEqual(ids.map((controlId) => ({ code: "AA", controlId, text: "" })));
    const events = await waitForControlIds<AdtEvent>(t, "adt.events.v1", ids);
    expect(events.map((e) => e.kind)).toEqual(["inpatient-admit", "inpatient-admit", "inpatient-admit"]);
  });

  it("reassembles one frame written in many small pieces, split between 0x1C and 0x0D too", async () => {
    const c = await open();
    const id = nextId();
    const wire = mllpFrame(admit(id));
    // 0x0B alone, then the payload in 7 pieces, then 0x1C alone, then 0x0D alone.
    const payloadEnd = wire.length - 2;
    const pieces = [wire.subarray(0, 1)];
    const step = Math.ceil((payloadEnd - 1) / 7);
    for (let at = 1; at < payloadEnd; at += step)
      pieces.push(wire.subarray(at, Math.min(at + step, payloadEnd)));
    pieces.push(Buffer.from([EB]), Buffer.from([CR]));
    expect(pieces).toHaveLength(10);
    expect(Buffer.concat(pieces)).toEqual(wire);

    await c.writeInChunks(pieces.slice(0, -1));
    expect(c.frames).toHaveLength(0); // nothing is answered before the frame's last byte
    await c.write(pieces.at(-1) ?? Buffer.alloc(0));

    const [ack = ""] = await c.waitForFrames(1);
    expect(msaOf(ack)).toMatchObject({ code: "AA", controlId: id });
    const [raw] = await waitForControlIds<RawAdtRecord>(t, "adt.raw.v1", [id]);
    expect(Buffer.from(raw?.message.base64 ?? "", "base64").toString("utf8")).toBe(admit(id));
  });

  it("skips bytes between frames without answering them", async () => {
    const c = await open();
    const [first, second] = [nextId(), nextId()];
    await c.write(
      Buffer.concat([
        mllpFrame(admit(first)),
        Buffer.from("\r\nnoise between frames\x00\xff\r\n", "latin1"),
        mllpFrame(admit(second)),
        Buffer.from("\r\n"), // trailing white space after a frame, as many engines send
      ]),
    );

    await c.waitForFrames(2);
    // The noise gets no NAK: answers keep arrival order, so one would have come between the two ACKs.
    expect(c.texts().map((a) => msaOf(a))).toEqual([
      { code: "AA", controlId: first, text: "" },
      { code: "AA", controlId: second, text: "" },
    ]);
    await waitForControlIds(t, "adt.events.v1", [first, second]);
  });

  it("NAKs a frame without a start block with AR and keeps the connection for the next frame", async () => {
    const c = await open();
    const [unframed, good, after] = [nextId(), nextId(), nextId()];
    const noStart = Buffer.concat([Buffer.from(admit(unframed)), Buffer.from([EB, CR])]);
    expect(noStart.includes(SB)).toBe(false);
    await c.write(Buffer.concat([noStart, mllpFrame(admit(good))]));

    const [nak = "", ack = ""] = await c.waitForFrames(2);
    expect(msaOf(nak).code).toBe("AR");
    expect(segmentsOf(nak)[0]).toMatch(/^MSH\|\^~\\&\|/); // a proper HL7 message, not bare text
    expect(segmentsOf(nak).some((s) => s.startsWith("ERR|"))).toBe(true);
    expect(msaOf(ack)).toMatchObject({ code: "AA", controlId: good });

    await c.write(mllpFrame(admit(after)));
    const third = (await c.waitForFrames(3))[2] ?? "";
    expect(msaOf(third)).toMatchObject({ code: "AA", controlId: after });
    expect(c.closed).toBe(false);

    await waitForControlIds(t, "adt.events.v1", [good, after]);
    // The unframed bytes were never treated as a message.
    expect(recordsWithControlId(t, "adt.events.v1", unframed)).toEqual([]);
    expect(recordsWithControlId(t, "adt.raw.v1", unframed)).toEqual([]);
  });

  it("answers 50 pipelined messages, written at once, with 50 ACKs in the order sent", async () => {
    const c = await open();
    const ids = Array.from({ length: 50 }, () => nextId());
    await c.write(Buffer.concat(ids.map((id) => mllpFrame(admit(id)))));

    const acks = await c.waitForFrames(50);
    expect(acks).toHaveLength(50);
    expect(acks.map((a) => msaOf(a).controlId)).toEqual(ids);
    expect(new Set(acks.map((a) => msaOf(a).code))).toEqual(new Set(["AA"]));

    const events = await waitForControlIds<AdtEvent>(t, "adt.events.v1", ids);
    expect(new Set(events.map((e) => e.eventId)).size).toBe(50);
    const raws = await waitForControlIds<RawAdtRecord>(t, "adt.raw.v1", ids);
    expect(raws.map((r) => r.eventId)).toEqual(events.map((e) => e.eventId));
    // Same patient, same key, same partition: Kafka keeps them in the order they were sent.
    const onTopic = t
      .records("adt.events.v1")
      .map((e) => (e as AdtEvent).controlId)
      .filter((id) => ids.includes(id));
    expect(onTopic).toEqual(ids);
  });

  it("answers a burst resent on a second connection, while the originals are in flight, with AA and no second events", async () => {
    // An engine that gave up waiting reconnects and resends everything not yet ACKed, while the
    // first connection's copies are still being stored.
    const ids = Array.from({ length: 20 }, () => nextId());
    const [a, b] = [await open(), await connectRaw(t.listener.mllpPort)];
    try {
      const burst = Buffer.concat(ids.map((id) => mllpFrame(admit(id))));
      await Promise.all([a.write(burst), b.write(burst)]);
      for (const c of [a, b]) {
        const acks = await c.waitForFrames(ids.length);
        expect(acks.map((ack) => msaOf(ack))).toEqual(
          ids.map((controlId) => ({ code: "AA", controlId, text: "" })),
        );
      }

      // A follow-up about the same patient: same key, same partition, so any second event for a
      // resend would be on the topic before it.
      const followUp = nextId();
      await b.write(mllpFrame(admit(followUp)));
      await b.waitForFrames(ids.length + 1);
      await waitForControlIds(t, "adt.events.v1", [...ids, followUp]);
      const eventsPerId = ids.map((id) => recordsWithControlId(t, "adt.events.v1", id).length);
      expect(eventsPerId).toEqual(ids.map(() => 1));
      const rawsPerId = ids.map((id) => recordsWithControlId(t, "adt.raw.v1", id).length);
      expect(rawsPerId).toEqual(ids.map(() => 1));
    } finally {
      await b.destroy();
    }
  });

  it("splits a batch (FHS/BHS … BTS/FTS) of 3 messages in one frame and answers with a batch of 3 ACKs", async () => {
    const c = await open();
    const batchId = nextId();
    const ids = [nextId(), nextId(), nextId()];
    const batch = [
      "FHS|^~\\&|EPICADT|MERCYGEN|HOMEWARD|HOMEWARD|20240310080000-0500||||FILE-1",
      `BHS|^~\\&|EPICADT|MERCYGEN|HOMEWARD|HOMEWARD|20240310080000-0500||||${batchId}`,
      withMshField(ADT_A04_ED, 10, ids[0] ?? ""),
      withMshField(ADT_A01_ADMIT, 10, ids[1] ?? ""),
      withMshField(ADT_A03_DISCHARGE, 10, ids[2] ?? ""),
      "BTS|3",
      "FTS|1",
    ].join("\r");
    await c.write(mllpFrame(batch));

    const [response = ""] = await c.waitForFrames(1);
    const segments = segmentsOf(response);
    expect(segments[0]).toMatch(/^BHS\|/);
    expect(segments.at(-1)).toBe("BTS|3");
    const msas = segments.filter((s) => s.startsWith("MSA|")).map((s) => s.split("|").slice(1, 3));
    // The A04 asks for enhanced mode (MSH-15 AL): CA; the others are original mode: AA.
    expect(msas).toEqual([
      ["CA", ids[0]],
      ["AA", ids[1]],
      ["AA", ids[2]],
    ]);
    expect(segments.filter((s) => s.startsWith("MSH|"))).toHaveLength(3);

    const events = await waitForControlIds<AdtEvent>(t, "adt.events.v1", ids);
    expect(events.map((e) => e.kind)).toEqual(["ed-arrival", "inpatient-admit", "discharge"]);
    const raws = await waitForControlIds<RawAdtRecord>(t, "adt.raw.v1", ids);
    expect(raws.map((r) => r.message.batchControlId)).toEqual([batchId, batchId, batchId]);
    // Each raw record holds exactly its own message, not the envelope.
    const first = Buffer.from(raws[0]?.message.base64 ?? "", "base64").toString("utf8");
    expect(first.startsWith("MSH|")).toBe(true);
    expect(first).not.toMatch(/FHS|BHS|BTS|FTS/);
  });
});
