import type { AdtEvent, RawAdtRecord, RejectedAdtRecord } from "@homeward/contracts";
import { ADT_A01_ADMIT, ADT_A04_ED } from "@homeward/hl7/fixtures";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { msaOf, startTestListener, type TestListener } from "./harness.test-support.ts";
import {
  connectRaw,
  controlIds,
  EB,
  errsOf,
  mllpFrame,
  type RawMllpClient,
  recordsWithControlId,
  SB,
  segmentsOf,
  sendOne,
  waitForControlIds,
  withMshField,
} from "./raw-mllp-client.test-support.ts";

let t: TestListener;
let client: RawMllpClient | undefined;
const nextId = controlIds("BAD");

/** ADT_A01_ADMIT (original mode: AA/AE/AR) under a control id of its own. */
const admit = (id: string) => withMshField(ADT_A01_ADMIT, 10, id);

beforeAll(async () => {
  t = await startTestListener("mllp-malformed");
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

/** The rejected record whose raw bytes contain `marker` (for messages without a usable control id). */
async function rejectedContaining(marker: string): Promise<RejectedAdtRecord> {
  let found: RejectedAdtRecord | undefined;
  await expect
    .poll(
      () => {
        found = (t.records("adt.rejected.v1") as RejectedAdtRecord[]).find((r) =>
          Buffer.from(r.message.base64, "base64").toString("latin1").includes(marker),
        );
        return found !== undefined;
      },
      { timeout: 20_000, interval: 50 },
    )
    .toBe(true);
  return found as RejectedAdtRecord;
}

describe("malformed input over a real socket", () => {
  it("ignores binary junk outside frames and answers the next good frame on the same connection", async () => {
    const c = await open();
    // Every byte value but the two block characters, shuffled deterministically, 8 KB.
    const junk = Buffer.alloc(8192);
    for (let i = 0; i < junk.length; i++) junk[i] = (i * 151 + 7) % 256;
    const outsideFrames = Buffer.from(junk.filter((b) => b !== SB && b !== EB));
    const id = nextId();
    await c.write(outsideFrames);
    await c.write(mllpFrame(admit(id)));

    const [ack = ""] = await c.waitForFrames(1);
    expect(msaOf(ack)).toMatchObject({ code: "AA", controlId: id });
    expect(c.frames).toHaveLength(1); // the junk itself is not answered
  });

  it("answers junk inside a frame with AE (100) and keeps it on adt.rejected.v1", async () => {
    const c = await open();
    const marker = "JUNK-IN-FRAME";
    const payload = Buffer.concat([
      Buffer.from(marker),
      Buffer.from(
        Array.from({ length: 2048 }, (_, i) => (i * 37 + 1) % 256).filter((b) => b !== SB && b !== EB),
      ),
    ]);
    await c.write(mllpFrame(payload));

    const [nak = ""] = await c.waitForFrames(1);
    expect(msaOf(nak).code).toBe("AE");
    expect(errsOf(nak).map((e) => e.code)).toEqual(["100"]);
    const rejected = await rejectedContaining(marker);
    expect(rejected).toMatchObject({ ackCode: "AE", error: { code: "100" } });
    // Kept byte for byte, whatever the charset guess.
    expect(Buffer.from(rejected.message.base64, "base64")).toEqual(payload);
  });

  it("drops a truncated frame when the sender closes mid-frame: no answer, nothing on Kafka", async () => {
    const c = await open();
    const id = nextId();
    const whole = mllpFrame(admit(id));
    await c.write(whole.subarray(0, Math.floor(whole.length / 2)));
    c.end(); // FIN in the middle of the frame

    await c.waitForClose(); // the listener closes its side too
    expect(c.frames).toEqual([]);
    expect(c.error).toBeUndefined();

    // The listener is fine: a later message on a new connection is stored and ACKed.
    const later = nextId();
    expect(msaOf(await sendOne(t.listener.mllpPort, admit(later)))).toMatchObject({
      code: "AA",
      controlId: later,
    });
    await waitForControlIds(t, "adt.events.v1", [later]);
    expect(recordsWithControlId(t, "adt.events.v1", id)).toEqual([]);
    expect(recordsWithControlId(t, "adt.raw.v1", id)).toEqual([]);
    expect(recordsWithControlId(t, "adt.rejected.v1", id)).toEqual([]);
  });

  it("answers a 10 MB frame with a final AE (do not resend) and still takes the next frame on the same connection", async () => {
    const c = await open();
    const [huge, next] = [nextId(), nextId()];
    // A well-formed message made huge by a Z-segment: 10 MB, over the default 4 MiB limit.
    const big = `${admit(huge)}\rZBG|1|${"X".repeat(10 * 1024 * 1024)}`;
    await c.write(mllpFrame(big));
    await c.write(mllpFrame(admit(next)));

    const [nak = "", ack = ""] = await c.waitForFrames(2, 20_000);
    expect(msaOf(nak).code).toBe("AE");
    expect(msaOf(nak).text).toMatch(/exceeds .* do not resend it/);
    expect(errsOf(nak)).toHaveLength(1);
    expect(msaOf(ack)).toMatchObject({ code: "AA", controlId: next });
    expect(c.closed).toBe(false);
    await waitForControlIds(t, "adt.events.v1", [next]);
    expect(recordsWithControlId(t, "adt.raw.v1", huge)).toEqual([]);
  });

  it("answers wrong encoding characters in MSH-2 with AE (102 at MSH-2) and keeps the message", async () => {
    const id = nextId();
    // `^~^&`: the component separator repeated, so fields cannot be told apart.
    const message = admit(id).replace("MSH|^~\\&|", "MSH|^~^&|");
    const nak = await sendOne(t.listener.mllpPort, message);

    expect(msaOf(nak)).toMatchObject({ code: "AE", controlId: id });
    expect(errsOf(nak)).toEqual([{ location: "MSH^1^2", code: "102" }]);
    const [rejected] = await waitForControlIds<RejectedAdtRecord>(t, "adt.rejected.v1", [id]);
    expect(rejected).toMatchObject({
      ackCode: "AE",
      error: { code: "102", location: { segment: "MSH", sequence: 1, field: 2 } },
    });
    expect(recordsWithControlId(t, "adt.events.v1", id)).toEqual([]);
  });

  it("answers a missing MSH-10 with AE (original mode) or CE (enhanced mode), ERR 101 at MSH^1^10", async () => {
    const original = withMshField(admit("x"), 10, "").replace("ADMIT FROM ED", "NO-CONTROL-ID-ORIGINAL");
    const enhanced = withMshField(ADT_A04_ED, 10, "").replace("TRIAGE LEVEL 2", "NO-CONTROL-ID-ENHANCED");
    const c = await open();
    await c.write(Buffer.concat([mllpFrame(original), mllpFrame(enhanced)]));

    const [ae = "", ce = ""] = await c.waitForFrames(2);
    expect(msaOf(ae)).toMatchObject({ code: "AE", controlId: "" });
    expect(msaOf(ce)).toMatchObject({ code: "CE", controlId: "" });
    for (const nak of [ae, ce]) {
      expect(errsOf(nak)).toEqual([{ location: "MSH^1^10", code: "101" }]);
      expect(segmentsOf(nak)[0]?.split("|")[9]).not.toBe(""); // the NAK has a control id of its own
    }
    for (const [marker, ackCode] of [
      ["NO-CONTROL-ID-ORIGINAL", "AE"],
      ["NO-CONTROL-ID-ENHANCED", "CE"],
    ] as const) {
      expect(await rejectedContaining(marker)).toMatchObject({
        ackCode,
        error: { code: "101", location: { segment: "MSH", sequence: 1, field: 10 } },
      });
    }
  });

  it.each([
    { what: "unsupported version 2.1", field: 12, value: "2.1", code: "203" },
    { what: "a non-ADT type (ORU^R01)", field: 9, value: "ORU^R01^ORU_R01", code: "200" },
    { what: "an unknown trigger (ADT^A99)", field: 9, value: "ADT^A99^ADT_A01", code: "201" },
    { what: "processing id T (training)", field: 11, value: "T", code: "202" },
  ])("refuses $what with AR and ERR $code, kept on adt.rejected.v1", async ({ field, value, code }) => {
    const id = nextId();
    const nak = await sendOne(t.listener.mllpPort, withMshField(admit(id), field, value));

    expect(msaOf(nak)).toMatchObject({ code: "AR", controlId: id });
    expect(errsOf(nak).map((e) => e.code)).toEqual([code]);
    const [rejected] = await waitForControlIds<RejectedAdtRecord>(t, "adt.rejected.v1", [id]);
    expect(rejected).toMatchObject({ ackCode: "AR", error: { code } });
    expect(recordsWithControlId(t, "adt.events.v1", id)).toEqual([]);
  });

  it("decodes an ISO-8859-1 message (MSH-18 8859/1) so the event carries é, not mojibake", async () => {
    const id = nextId();
    const text = withMshField(admit(id), 18, "8859/1").replace(
      "QUILLFEATHER^MARISOL^JUNE",
      "BÉLANGER^Renée^JUNE",
    );
    const bytes = Buffer.from(text, "latin1");
    expect(bytes.includes(0xe9)).toBe(true); // é as one byte, not UTF-8's C3 A9
    expect(bytes.includes(Buffer.from("é", "utf8"))).toBe(false);
    const c = await open();
    await c.write(mllpFrame(bytes));

    const [ack = ""] = await c.waitForFrames(1, 15_000, "latin1");
    expect(msaOf(ack)).toMatchObject({ code: "AA", controlId: id });
    expect(segmentsOf(ack)[0]?.split("|")[17]).toBe("8859/1"); // the ACK answers in the sender's charset

    const [event] = await waitForControlIds<AdtEvent>(t, "adt.events.v1", [id]);
    expect(event?.patient.name).toMatchObject({ family: "BÉLANGER", given: "Renée" });
    const [raw] = await waitForControlIds<RawAdtRecord>(t, "adt.raw.v1", [id]);
    expect(raw?.message.charset).toBe("8859/1");
    expect(Buffer.from(raw?.message.base64 ?? "", "base64")).toEqual(bytes);
  });

  it("still accepts a good message after all of the above", async () => {
    const id = nextId();
    expect(msaOf(await sendOne(t.listener.mllpPort, admit(id)))).toMatchObject({ code: "AA", controlId: id });
    const [event] = await waitForControlIds<AdtEvent>(t, "adt.events.v1", [id]);
    expect(event?.kind).toBe("inpatient-admit");
  });
});
