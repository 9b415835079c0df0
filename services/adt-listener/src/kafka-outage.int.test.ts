import { connect, type Socket } from "node:net";
import type { AdtEvent } from "@homeward/contracts";
import { encodeMllp, MllpDecoder } from "@homeward/hl7";
import { ADT_A01_ADMIT } from "@homeward/hl7/fixtures";
import { type KafkaNode, resetKafkaNode, startKafkaNode, stopKafkaNode } from "@homeward/local-stack";
import { createLogger } from "@homeward/logger";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { msaOf, startTestListener, type TestListener } from "./harness.test-support.ts";

/**
 * A broker of its own (same jars as the stack, its own ports and data), so this test can stop
 * Kafka mid-stream without touching the broker every other test uses.
 */
const OUTAGE_NODE: KafkaNode = { name: "kafka-outage", port: 19092, controllerPort: 19093 };
const logger = createLogger({ service: "kafka-outage-test", level: "warn" });

/** A message about the A01's patient with its own control id (same Kafka key as the A01). */
const message = (controlId: string) =>
  ADT_A01_ADMIT.replace("ADT^A01^ADT_A01|MG20240305190512007", `ADT^A08^ADT_A01|${controlId}`);

function mllpConnection(port: number) {
  const socket: Socket = connect(port, "127.0.0.1");
  const decoder = new MllpDecoder();
  const acks: string[] = [];
  socket.on("data", (chunk: Buffer) => {
    for (const e of decoder.push(chunk)) if (e.type === "frame") acks.push(e.payload.toString("utf8"));
  });
  return {
    /** Sends and waits for the answer (raw sockets: no client library's own retry in the way). */
    async send(text: string, timeoutMs = 20_000): Promise<string> {
      const before = acks.length;
      socket.write(encodeMllp(text));
      const deadline = Date.now() + timeoutMs;
      while (acks.length === before) {
        if (Date.now() > deadline) throw new Error("no answer");
        await new Promise((r) => setTimeout(r, 10));
      }
      return acks[before] ?? "";
    },
    close: () => socket.end(),
  };
}

let t: TestListener;
beforeAll(async () => {
  // Empty, whatever earlier runs left: each run stops and restarts this broker mid-test.
  await resetKafkaNode(OUTAGE_NODE);
  const { brokers } = await startKafkaNode(OUTAGE_NODE, logger);
  t = await startTestListener("outage", { KAFKA_BROKERS: brokers.join(","), KAFKA_HOLD_MS: "1500" });
}, 120_000);
afterAll(async () => {
  await t?.stop();
  await stopKafkaNode(OUTAGE_NODE);
});

describe("Kafka stopped mid-stream", () => {
  it("sends no AA for anything not written, and the resent messages land exactly once after restart", async () => {
    const conn = mllpConnection(t.listener.mllpPort);
    expect(msaOf(await conn.send(message("OUT-1"))).code).toBe("AA");

    await stopKafkaNode(OUTAGE_NODE);
    const during = [await conn.send(message("OUT-2")), await conn.send(message("OUT-3"))];
    expect(during.map((a) => msaOf(a).code)).toEqual(["AR", "AR"]);
    expect(during[0]).toMatch(/ERR\|/);

    await startKafkaNode(OUTAGE_NODE, logger);
    // The hospital's engine resends what got AR until it gets AA.
    for (const id of ["OUT-2", "OUT-3"]) {
      let code = "";
      for (let attempt = 0; attempt < 30 && code !== "AA"; attempt++) {
        code = msaOf(await conn.send(message(id))).code;
        if (code !== "AA") await new Promise((r) => setTimeout(r, 1000));
      }
      expect(code).toBe("AA");
    }
    // A last message on the same key marks the end: everything before it on the partition is in.
    expect(msaOf(await conn.send(message("OUT-END"))).code).toBe("AA");
    conn.close();
    // The tap rejoins its group after the restart: slow on a loaded machine (the whole suite on 2 cores).
    const events = (await t.waitForRecords("adt.events.v1", 4, 90_000)) as AdtEvent[];
    await new Promise((r) => setTimeout(r, 500));
    const ids = (t.records("adt.events.v1") as AdtEvent[]).map((e) => e.controlId);
    expect(ids.filter((id) => id !== "OUT-END").sort()).toEqual(["OUT-1", "OUT-2", "OUT-3"]);
    expect(events.length).toBe(ids.length);
  }, 180_000);
});
