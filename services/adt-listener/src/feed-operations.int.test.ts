import { type AdtEvent, adtEventPartitionKey, type UnmatchedEvent } from "@homeward/contracts";
import { createPool, type Pool } from "@homeward/db";
import {
  createFacility,
  feedOverview,
  findFeedException,
  listFeedExceptions,
  requestFeedExceptionResend,
} from "@homeward/facilities";
import { ADT_A01_ADMIT, ADT_A08_UPDATE } from "@homeward/hl7/fixtures";
import { createEventLog, createKafka, topicName } from "@homeward/kafka";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { msaOf, startTestListener, type TestListener } from "./harness.test-support.ts";
import { connectRaw, controlIds, mllpFrame, sendOne, withMshField } from "./raw-mllp-client.test-support.ts";

let t: TestListener;
let pool: Pool;
const nextId = controlIds("FOP");

beforeAll(async () => {
  // Counts are written when the test says (flush), silent feeds are not looked for on a timer.
  t = await startTestListener("feed-ops", { FEED_STATS_FLUSH_SECONDS: "300", FEED_CHECK_SECONDS: "3600" });
  pool = createPool(t.iso.settings.postgres);
});
afterAll(async () => {
  await t?.stop();
  await pool?.end();
});

const ops = () => {
  const o = t.listener.feedOperations;
  if (o === undefined) throw new Error("feed operations are off");
  return o;
};
const admit = (id: string) => withMshField(ADT_A01_ADMIT, 10, id);
/** An A08 from Lakeside's registration system (not configured yet). */
const fromLakeside = (id: string) =>
  withMshField(withMshField(withMshField(ADT_A08_UPDATE, 4, "LAKESIDE"), 3, "LAKEREG"), 10, id);

const summary = async (facility: string) => {
  const overview = await feedOverview(pool, { now: new Date(), hours: 24, staleSeconds: 60 });
  return overview.facilities.find((f) => f.sendingFacility === facility);
};

describe("feed operations of the running listener", () => {
  it("counts each facility's answers per connection and knows which connections are open", async () => {
    const client = await connectRaw(t.listener.mllpPort);
    await client.write(mllpFrame(admit(nextId())));
    await client.write(mllpFrame(admit(nextId())));
    // MERCYGEN's mapping allows EPICADT and EPICCARE only: AR, ERR 204.
    await client.write(mllpFrame(withMshField(admit(nextId()), 3, "ROGUEAPP")));
    await client.waitForFrames(3);
    expect(client.texts().map((a) => msaOf(a).code)).toEqual(["AA", "AA", "AR"]);
    await ops().flush();

    const mercy = await summary("MERCYGEN");
    expect(mercy).toMatchObject({
      configured: true,
      connectedNow: 1,
      totals: { accepted: 2, errors: 0, rejected: 1 },
      topErrors: [{ code: "204", count: 1, text: "Sending application is not allowed for this facility" }],
      connections: [{ listenerId: "mllp", remoteAddress: "127.0.0.1", connected: true }],
    });
    expect(mercy?.applications.sort()).toEqual(["EPICADT", "ROGUEAPP"]);
    expect(mercy?.perHour.at(-1)).toEqual({ accepted: 2, errors: 0, rejected: 1 });

    await client.destroy();
    await vi.waitFor(async () => {
      await ops().flush();
      expect((await summary("MERCYGEN"))?.connectedNow).toBe(0);
    });
  });

  it("copies what the listener refused into the exceptions browser, and resends it once the mapping is fixed", async () => {
    const first = nextId();
    expect(msaOf(await sendOne(t.listener.mllpPort, fromLakeside(first))).code).toBe("AR");
    let id = "";
    await vi.waitFor(
      async () => {
        const { items } = await listFeedExceptions(pool, { sendingFacility: "LAKESIDE", limit: 10 });
        expect(items.map((i) => i.controlId)).toContain(first);
        id = items.find((i) => i.controlId === first)?.id ?? "";
      },
      { timeout: 20_000, interval: 200 },
    );
    expect(await findFeedException(pool, id)).toMatchObject({
      kind: "rejected",
      ackCode: "AR",
      errorCode: "207",
      reason: "Sending facility is not configured in Homeward",
      status: "open",
    });

    // Still not configured: the resend fails with why, and writes nothing.
    await requestFeedExceptionResend(pool, id, { actor: "user:1", at: new Date() });
    await vi.waitFor(async () => expect((await findFeedException(pool, id))?.status).toBe("resend_failed"), {
      timeout: 10_000,
    });
    expect((await findFeedException(pool, id))?.resendError).toBe(
      "facility LAKESIDE is not configured (or not active) in Homeward",
    );

    // The analyst onboards Lakeside, then sends the message again: it reaches adt.events.v1.
    const created = await createFacility(
      pool,
      {
        mapping: {
          sendingFacility: "LAKESIDE",
          allowedApplications: ["LAKEREG"],
          timeZone: "America/Detroit",
        },
      },
      "user:1",
    );
    expect(created.ok).toBe(true);
    await vi.waitFor(async () =>
      expect(msaOf(await sendOne(t.listener.mllpPort, fromLakeside(nextId()))).code).toBe("AA"),
    );
    await requestFeedExceptionResend(pool, id, { actor: "user:1", at: new Date() });
    await vi.waitFor(async () => expect((await findFeedException(pool, id))?.status).toBe("resent"), {
      timeout: 10_000,
    });
    await vi.waitFor(() =>
      expect((t.records("adt.events.v1") as AdtEvent[]).map((e) => e.controlId)).toContain(first),
    );
    const resent = (t.records("adt.events.v1") as AdtEvent[]).find((e) => e.controlId === first);
    expect(resent?.facility).toMatchObject({ sendingFacility: "LAKESIDE", timeZone: "America/Detroit" });
    expect((await findFeedException(pool, id))?.resentEventId).toBe(resent?.eventId);
    // The raw copy is on adt.raw.v1 too, as for any message the listener takes.
    await vi.waitFor(() =>
      expect(
        (t.records("adt.raw.v1") as { header: { controlId?: string } }[]).some(
          (r) => r.header.controlId === first,
        ),
      ).toBe(true),
    );
  });

  it("resends an unmatched event from its raw message with the mapping in force, same event id", async () => {
    const control = nextId();
    expect(msaOf(await sendOne(t.listener.mllpPort, admit(control))).code).toBe("AA");
    await vi.waitFor(() =>
      expect((t.records("adt.events.v1") as AdtEvent[]).some((e) => e.controlId === control)).toBe(true),
    );
    const event = (t.records("adt.events.v1") as AdtEvent[]).find((e) => e.controlId === control) as AdtEvent;
    // What the matcher writes when nobody's roster has the patient.
    const unmatched: UnmatchedEvent = {
      schemaVersion: 1,
      event,
      reason: "no-match",
      decidedAt: new Date().toISOString(),
    };
    const kafka = createKafka(
      { brokers: t.config.stack.kafka.brokers, clientId: `${t.iso.id}-matcher` },
      t.logger,
    );
    const eventLog = await createEventLog(kafka);
    await eventLog.publish([
      {
        topic: topicName(t.iso.topicPrefix, "adt.unmatched.v1"),
        key: adtEventPartitionKey(event),
        value: JSON.stringify(unmatched),
      },
    ]);
    await eventLog.close();
    let id = "";
    await vi.waitFor(
      async () => {
        const { items } = await listFeedExceptions(pool, { kind: "unmatched", limit: 10 });
        id = items.find((i) => i.eventId === event.eventId)?.id ?? "";
        expect(id).not.toBe("");
      },
      { timeout: 20_000, interval: 200 },
    );
    expect(await findFeedException(pool, id)).toMatchObject({
      unmatchedReason: "no-match",
      sendingFacility: "MERCYGEN",
      controlId: control,
      eventKind: event.kind,
    });

    await requestFeedExceptionResend(pool, id, { actor: "user:1", at: new Date() });
    await vi.waitFor(async () => expect((await findFeedException(pool, id))?.status).toBe("resent"), {
      timeout: 30_000,
      interval: 200,
    });
    await vi.waitFor(() =>
      expect(
        (t.records("adt.events.v1") as AdtEvent[]).filter((e) => e.eventId === event.eventId),
      ).toHaveLength(2),
    );
  }, 60_000);
});
