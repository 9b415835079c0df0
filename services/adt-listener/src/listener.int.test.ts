import type { AdtEvent, RawAdtRecord } from "@homeward/contracts";
import { ADT_A01_ADMIT, ADT_A04_ED, ADT_A08_UPDATE } from "@homeward/hl7/fixtures";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { msaOf, sendWithHl7Client, startTestListener, type TestListener } from "./harness.test-support.ts";

let t: TestListener;
beforeAll(async () => {
  t = await startTestListener("e2e");
});
afterAll(async () => {
  await t?.stop();
});

describe("adt-listener end to end (node-hl7-client → MLLP → Kafka)", () => {
  it("ACKs each message only after its raw copy and event are on Kafka", async () => {
    const acks = await sendWithHl7Client(t.listener.mllpPort, [ADT_A04_ED, ADT_A01_ADMIT]);
    expect(acks.map((a) => msaOf(a).code)).toEqual(["CA", "AA"]); // A04 asks for enhanced mode (MSH-15 AL)
    expect(acks.map((a) => msaOf(a).controlId)).toEqual(["MG20240305143015001", "MG20240305190512007"]);

    const events = (await t.waitForRecords("adt.events.v1", 2)) as AdtEvent[];
    expect(events.map((e) => e.kind).sort()).toEqual(["ed-arrival", "inpatient-admit"]);
    const raws = (await t.waitForRecords("adt.raw.v1", 2)) as RawAdtRecord[];
    expect(raws.map((r) => r.eventId).sort()).toEqual(events.map((e) => e.eventId).sort());
    const a04 = raws.find((r) => r.header.controlId === "MG20240305143015001");
    expect(Buffer.from(a04?.message.base64 ?? "", "base64").toString("utf8")).toContain("ADT^A04");
    expect(a04?.connection).toMatchObject({ listenerId: "mllp", remoteAddress: "127.0.0.1", tls: false });
  });

  it("answers a resent control id with the same positive ACK and writes no second event", async () => {
    // The resend, then a new message about the same patient: same Kafka key, same partition, so
    // had the resend produced an event it would arrive before the follow-up's.
    const followUp = ADT_A01_ADMIT.replace(
      "ADT^A01^ADT_A01|MG20240305190512007",
      "ADT^A08^ADT_A01|MG-FOLLOW-UP-1",
    );
    const acks = await sendWithHl7Client(t.listener.mllpPort, [ADT_A01_ADMIT, followUp]);
    expect(msaOf(acks[0] ?? "")).toMatchObject({ code: "AA", controlId: "MG20240305190512007" });
    expect(msaOf(acks[1] ?? "")).toMatchObject({ code: "AA", controlId: "MG-FOLLOW-UP-1" });
    const events = (await t.waitForRecords("adt.events.v1", 3)) as AdtEvent[];
    expect(events.map((e) => e.controlId).filter((id) => id === "MG20240305190512007")).toHaveLength(1);
    expect(events.at(-1)?.controlId).toBe("MG-FOLLOW-UP-1");
  });

  it("refuses a facility it has no mapping for with AR and keeps the message on adt.rejected.v1", async () => {
    const acks = await sendWithHl7Client(t.listener.mllpPort, [ADT_A08_UPDATE.replace("STLUKES", "NOWHERE")]);
    const ack = acks[0] ?? "";
    expect(msaOf(ack).code).toBe("AR");
    expect(ack).toMatch(/ERR\|/);
    const [rejected] = (await t.waitForRecords("adt.rejected.v1", 1)) as {
      ackCode: string;
      error: { code: string };
    }[];
    expect(rejected).toMatchObject({ ackCode: "AR", error: { code: "207" } });
  });
});
