import type { RejectedAdtRecord } from "@homeward/contracts";
import { createPool, migrate, type Pool } from "@homeward/db";
import { isolation } from "@homeward/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFacility } from "./facility-store.ts";
import { clearSilentAlarm, openSilentAlarm, watchedFacilities } from "./feed-alarm-store.ts";
import {
  claimFeedResends,
  listFeedExceptions,
  markFeedExceptionHandled,
  recordFeedResend,
  recordRejected,
  requestFeedExceptionResend,
} from "./feed-exception-store.ts";
import { feedOverview } from "./feed-overview-store.ts";
import { addFeedCounts, recordConnections } from "./feed-stats-store.ts";

let pool: Pool;
let harborId: string;
beforeAll(async () => {
  const iso = isolation("feedstores");
  await migrate(iso.settings.postgres);
  pool = createPool(iso.settings.postgres);
  const created = await createFacility(
    pool,
    {
      mapping: { sendingFacility: "HARBOR", displayName: "Harbor", timeZone: "America/New_York" },
      watch: { interfaceContactEmail: "feeds@harbor.example", silenceMinutes: 30 },
    },
    "user:1",
  );
  if (!created.ok) throw new Error("facility");
  harborId = created.facility.id;
});
afterAll(async () => pool?.end());

const NOW = new Date("2026-03-10T15:20:00Z");
const at = (iso: string) => new Date(iso);
const count = (hour: string, last: string, n: { acc?: number; err?: number; rej?: number }, codes = []) => ({
  sendingFacility: "HARBOR",
  sendingApplication: "EPIC",
  listenerId: "mllp",
  remoteAddress: "10.0.0.5",
  hour: at(hour),
  accepted: n.acc ?? 0,
  errors: n.err ?? 0,
  rejected: n.rej ?? 0,
  firstMessageAt: at(last),
  lastMessageAt: at(last),
  errorCodes: codes as { code: string; text: string; count: number }[],
});

describe("feed counts and the overview", () => {
  it("adds increments from several flushes and shows them per hour, with the top errors and open connections", async () => {
    await addFeedCounts(pool, [
      count("2026-03-10T14:00:00Z", "2026-03-10T14:10:00Z", { acc: 5, err: 1 }, [
        { code: "101", text: "Required field missing: PID-3", count: 1 },
      ] as never),
    ]);
    await addFeedCounts(pool, [
      count("2026-03-10T14:00:00Z", "2026-03-10T14:40:00Z", { acc: 2, rej: 3 }, [
        { code: "207", text: "Sending facility is not configured", count: 3 },
      ] as never),
      count("2026-03-10T15:00:00Z", "2026-03-10T15:05:00Z", { acc: 4 }),
      // An unconfigured facility (onboarding in progress) is listed too.
      { ...count("2026-03-10T15:00:00Z", "2026-03-10T15:06:00Z", { rej: 2 }), sendingFacility: "NEWHOSP" },
      // Outside the 24-hour window: not counted, but still its last message.
      count("2026-03-08T09:00:00Z", "2026-03-08T09:30:00Z", { acc: 100 }),
    ]);
    await recordConnections(
      pool,
      "instance-a",
      [
        {
          connectionId: "mllp-1",
          listenerId: "mllp",
          remoteAddress: "10.0.0.5",
          tls: false,
          sendingFacility: "HARBOR",
          sendingApplication: "EPIC",
          openedAt: at("2026-03-10T13:00:00Z"),
          lastMessageAt: at("2026-03-10T15:05:00Z"),
          messages: 15,
        },
      ],
      at("2026-03-10T15:19:50Z"),
    );
    const overview = await feedOverview(pool, { now: NOW, hours: 24, staleSeconds: 60 });
    expect(overview.hours).toHaveLength(24);
    expect(overview.hours.at(-1)).toBe("2026-03-10T15:00:00.000Z");
    const [harbor, newhosp] = overview.facilities;
    expect(harbor).toMatchObject({
      sendingFacility: "HARBOR",
      configured: true,
      displayName: "Harbor",
      applications: ["EPIC"],
      lastMessageAt: "2026-03-10T15:05:00.000Z",
      connectedNow: 1,
      // 5 + 2 + 4 accepted, 1 error, 3 refused in the window; the 100 of two days ago are not.
      totals: { accepted: 11, errors: 1, rejected: 3 },
      topErrors: [
        { code: "207", count: 3 },
        { code: "101", count: 1 },
      ],
      watch: { silenceMinutes: 30 },
    });
    expect(harbor?.perHour.at(-2)).toEqual({ accepted: 7, errors: 1, rejected: 3 });
    expect(harbor?.perHour.at(-1)).toEqual({ accepted: 4, errors: 0, rejected: 0 });
    expect(harbor?.connections).toMatchObject([
      {
        listenerId: "mllp",
        remoteAddress: "10.0.0.5",
        connected: true,
        connectedSince: "2026-03-10T13:00:00.000Z",
      },
    ]);
    expect(newhosp).toMatchObject({ sendingFacility: "NEWHOSP", configured: false, totals: { rejected: 2 } });

    // The listener stopped reporting: two minutes later the connection no longer counts.
    const later = await feedOverview(pool, { now: at("2026-03-10T15:22:00Z"), hours: 24, staleSeconds: 60 });
    expect(later.facilities[0]?.connectedNow).toBe(0);
  });
});

describe("silent-feed alarms", () => {
  it("opens one alarm per facility however many listeners try, and clears it", async () => {
    const [watched] = await watchedFacilities(pool);
    expect(watched).toMatchObject({
      facilityId: harborId,
      timeZone: "America/New_York",
      lastMessageAt: at("2026-03-10T15:05:00Z"),
      openAlarm: null,
    });
    const alarm = {
      facilityId: harborId,
      openedAt: NOW,
      lastMessageAt: at("2026-03-10T15:05:00Z"),
      contactEmail: null,
    };
    const [first, second] = await Promise.all([openSilentAlarm(pool, alarm), openSilentAlarm(pool, alarm)]);
    expect([first, second].filter((id) => id !== undefined)).toHaveLength(1);
    expect((await watchedFacilities(pool))[0]?.openAlarm?.id).toBe(first ?? second);
    await clearSilentAlarm(pool, (first ?? second) as string, { at: NOW, messageAt: NOW });
    expect((await watchedFacilities(pool))[0]?.openAlarm).toBeNull();
  });
});

describe("feed exceptions", () => {
  const rejected: RejectedAdtRecord = {
    schemaVersion: 1,
    receivedAt: "2026-03-10T15:00:00.000Z",
    rejectedAt: "2026-03-10T15:00:00.010Z",
    connection: { listenerId: "mllp", remoteAddress: "10.0.0.9", remotePort: 5000, tls: false },
    message: {
      base64: Buffer.from("MSH|^~\\&|EPIC|NEWHOSP|||20260310||ADT^A04|C1|P|2.5.1").toString("base64"),
    },
    header: {
      sendingFacility: "NEWHOSP",
      sendingApplication: "EPIC",
      controlId: "C1",
      messageType: "ADT^A04",
    },
    ackCode: "AR",
    reason: "Sending facility is not configured in Homeward",
    error: { code: "207", text: "Sending facility is not configured in Homeward" },
  };

  it("copies a Kafka record once, lists it without the message, and takes a resend request once", async () => {
    const source = { topic: "t.adt.rejected.v1", partition: 0, offset: "41" };
    await recordRejected(pool, source, rejected);
    await recordRejected(pool, source, rejected);
    const list = await listFeedExceptions(pool, { status: "unhandled", limit: 10 });
    expect(list.total).toBe(1);
    expect(list.items[0]).toMatchObject({
      kind: "rejected",
      sendingFacility: "NEWHOSP",
      errorCode: "207",
      status: "open",
    });
    expect(JSON.stringify(list.items)).not.toContain(rejected.message.base64);
    const id = list.items[0]?.id ?? "";

    expect(await requestFeedExceptionResend(pool, id, { actor: "user:1", at: NOW })).toMatchObject({
      ok: true,
    });
    expect(await requestFeedExceptionResend(pool, id, { actor: "user:1", at: NOW })).toEqual({
      ok: false,
      reason: "pending",
    });
    const options = { now: NOW, limit: 5, staleSeconds: 300 };
    const [claimed] = await claimFeedResends(pool, options);
    expect(claimed).toMatchObject({ id, kind: "rejected", raw: { base64: rejected.message.base64 } });
    // Taken: another listener finds nothing until the claim is five minutes old.
    expect(await claimFeedResends(pool, options)).toEqual([]);
    expect(await claimFeedResends(pool, { ...options, now: new Date(NOW.getTime() + 301_000) })).toHaveLength(
      1,
    );
    await recordFeedResend(pool, id, { at: NOW, error: "facility NEWHOSP is still not configured" });
    expect((await listFeedExceptions(pool, { status: "resend_failed", limit: 10 })).items[0]).toMatchObject({
      resendError: "facility NEWHOSP is still not configured",
    });
    const handled = await markFeedExceptionHandled(pool, id, { actor: "user:2", at: NOW, note: "test feed" });
    expect(handled).toMatchObject({ status: "handled", handledBy: "user:2", handledNote: "test feed" });
    expect((await listFeedExceptions(pool, { status: "unhandled", limit: 10 })).total).toBe(0);
  });
});
