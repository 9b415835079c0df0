import type { RejectedAdtRecord } from "@homeward/contracts";
import { ADT_A01_ADMIT, ADT_A03_DISCHARGE_V28, ADT_A04_ED } from "@homeward/hl7/fixtures";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { msaOf, startTestListener, type TestListener } from "./harness.test-support.ts";
import {
  connectRaw,
  controlIds,
  errsOf,
  mllpFrame,
  recordsWithControlId,
  segmentsOf,
  sendOne,
  waitForControlIds,
  withMshField,
} from "./raw-mllp-client.test-support.ts";

// config/facilities.example.json allows EPICADT and EPICCARE to send for MERCYGEN.
let t: TestListener;
const nextId = controlIds("APP");
const admitFrom = (application: string, id: string) =>
  withMshField(withMshField(ADT_A01_ADMIT, 10, id), 3, application);

beforeAll(async () => {
  t = await startTestListener("mllp-sending-app");
});
afterAll(async () => {
  await t?.stop();
});

describe("sending application (MSH-3) allowed per facility", () => {
  it("refuses an application not allowed for MERCYGEN with AR, ERR 204 at MSH-3, and keeps it on adt.rejected.v1", async () => {
    const id = nextId();
    const nak = await sendOne(t.listener.mllpPort, admitFrom("ROGUEAPP", id));

    expect(msaOf(nak)).toMatchObject({ code: "AR", controlId: id });
    expect(errsOf(nak)).toEqual([{ location: "MSH^1^3", code: "204" }]);
    const [rejected] = await waitForControlIds<RejectedAdtRecord>(t, "adt.rejected.v1", [id]);
    expect(rejected).toMatchObject({
      ackCode: "AR",
      header: { sendingApplication: "ROGUEAPP", sendingFacility: "MERCYGEN" },
      error: { code: "204", location: { segment: "MSH", sequence: 1, field: 3 } },
    });
    expect(recordsWithControlId(t, "adt.events.v1", id)).toEqual([]);
    expect(recordsWithControlId(t, "adt.raw.v1", id)).toEqual([]);
  });

  it("accepts the facility's allowed applications, HD-1 or HD-2 as sent", async () => {
    const ids = [nextId(), nextId(), nextId()];
    const c = await connectRaw(t.listener.mllpPort);
    try {
      await c.write(
        Buffer.concat([
          mllpFrame(admitFrom("EPICADT", ids[0] ?? "")),
          mllpFrame(admitFrom("^EPICADT^L", ids[1] ?? "")),
          mllpFrame(withMshField(ADT_A03_DISCHARGE_V28, 10, ids[2] ?? "")), // EPICCARE, enhanced mode NE
        ]),
      );
      const acks = await c.waitForFrames(2);
      expect(acks.map((a) => msaOf(a))).toEqual([
        { code: "AA", controlId: ids[0], text: "" },
        { code: "AA", controlId: ids[1], text: "" },
      ]);
      await waitForControlIds(t, "adt.events.v1", ids);
    } finally {
      await c.destroy();
    }
  });

  it("refuses only the disallowed message of a batch", async () => {
    const [good, rogue] = [nextId(), nextId()];
    const batch = [
      `BHS|^~\\&|EPICADT|MERCYGEN|HOMEWARD|HOMEWARD|20240310080000-0500||||${nextId()}`,
      withMshField(ADT_A04_ED, 10, good),
      admitFrom("ROGUEAPP", rogue),
      "BTS|2",
    ].join("\r");
    const response = await sendOne(t.listener.mllpPort, batch);
    const msas = segmentsOf(response)
      .filter((s) => s.startsWith("MSA|"))
      .map((s) => s.split("|").slice(1, 3));
    expect(msas).toEqual([
      ["CA", good],
      ["AR", rogue],
    ]);
    await waitForControlIds(t, "adt.events.v1", [good]);
    await waitForControlIds(t, "adt.rejected.v1", [rogue]);
  });
});
