import { ADT_A01_ADMIT } from "@homeward/hl7/fixtures";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { msaOf, startTestListener, type TestListener } from "./harness.test-support.ts";
import {
  connectRaw,
  controlIds,
  mllpFrame,
  recordsWithControlId,
  sleep,
  waitForControlIds,
  withMshField,
} from "./raw-mllp-client.test-support.ts";

let t: TestListener;
beforeAll(async () => {
  t = await startTestListener("shutdown");
});
afterAll(async () => {
  await t?.stop();
});

describe("graceful shutdown", () => {
  it("answers AA only for what is on Kafka, and NAKs nothing it has stored, while stopping mid-stream", async () => {
    const nextId = controlIds("SHUT");
    const ids = Array.from({ length: 60 }, nextId);
    const client = await connectRaw(t.listener.mllpPort);
    await client.write(Buffer.concat(ids.map((id) => mllpFrame(withMshField(ADT_A01_ADMIT, 10, id)))));
    await client.waitForFrames(1);
    await t.listener.stop(); // SIGTERM's path: stop reading, answer what was read, close
    await client.waitForClose(15_000);

    const answers = client.texts().map((a) => msaOf(a));
    const accepted = answers.filter((a) => a.code === "AA").map((a) => a.controlId);
    const refused = answers.filter((a) => a.code !== "AA").map((a) => a.controlId);
    expect(accepted.length).toBeGreaterThan(0);
    // Answers come in the order the frames were sent, and only for frames that were sent.
    expect(answers.map((a) => a.controlId)).toEqual(ids.slice(0, answers.length));
    await waitForControlIds(t, "adt.events.v1", accepted);
    await sleep(500);
    for (const id of refused) expect(recordsWithControlId(t, "adt.events.v1", id)).toEqual([]);
  });
});
