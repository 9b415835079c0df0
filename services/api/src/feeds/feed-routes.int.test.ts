import type { RejectedAdtRecord } from "@homeward/contracts";
import {
  addFeedCounts,
  createFacility,
  openSilentAlarm,
  recordConnections,
  recordRejected,
} from "@homeward/facilities";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiTest, NOW, startTestApi } from "../api.test-support.ts";

let t: ApiTest;
let facilityId: string;
let rejectedId: string;
/** A synthetic refused message: what the raw view shows (no real patient). */
const RAW =
  "MSH|^~\\&|LAKEREG|LAKESIDE|HOMEWARD|HOMEWARD|20260310095500||ADT^A04^ADT_A01|LK-1|P|2.5.1\rPID|1||LK100^^^LAKESIDE^MR||TESTCASE^PAT";

beforeAll(async () => {
  t = await startTestApi("feedapi");
  // The api clock is 2026-03-10 15:00Z; what a listener would have written over the morning.
  const created = await createFacility(
    t.pool,
    {
      mapping: { sendingFacility: "HARBOR", displayName: "Harbor Hospital", timeZone: "America/New_York" },
      watch: { interfaceContactEmail: "hl7@harbor.example", silenceMinutes: 60 },
    },
    "user:1",
  );
  if (!created.ok) throw new Error("facility");
  facilityId = created.facility.id;
  const row = (
    hour: string,
    acc: number,
    rej: number,
    codes: { code: string; text: string; count: number }[] = [],
  ) => ({
    sendingFacility: "HARBOR",
    sendingApplication: "EPIC",
    listenerId: "mllp",
    remoteAddress: "10.20.0.5",
    hour: new Date(hour),
    accepted: acc,
    errors: 0,
    rejected: rej,
    firstMessageAt: new Date(hour),
    lastMessageAt: new Date(new Date(hour).getTime() + 20 * 60_000),
    errorCodes: codes,
  });
  await addFeedCounts(t.pool, [
    row("2026-03-10T12:00:00Z", 40, 0),
    row("2026-03-10T13:00:00Z", 35, 2, [
      { code: "204", text: "Sending application is not allowed for this facility", count: 2 },
    ]),
  ]);
  await recordConnections(
    t.pool,
    "listener-a",
    [
      {
        connectionId: "mllp-7",
        listenerId: "mllp",
        remoteAddress: "10.20.0.5",
        tls: true,
        sendingFacility: "HARBOR",
        sendingApplication: "EPIC",
        openedAt: new Date("2026-03-10T11:00:00Z"),
        lastMessageAt: new Date("2026-03-10T13:20:00Z"),
        messages: 77,
      },
    ],
    new Date("2026-03-10T14:59:40Z"),
  );
  await openSilentAlarm(t.pool, {
    facilityId,
    openedAt: new Date("2026-03-10T14:20:00Z"),
    lastMessageAt: new Date("2026-03-10T13:20:00Z"),
    contactEmail: "hl7@harbor.example",
  });
  const rejected: RejectedAdtRecord = {
    schemaVersion: 1,
    receivedAt: "2026-03-10T14:55:00.000Z",
    rejectedAt: "2026-03-10T14:55:00.005Z",
    connection: { listenerId: "mllp", remoteAddress: "10.30.0.9", remotePort: 40000, tls: false },
    message: { base64: Buffer.from(RAW).toString("base64"), charset: "UNICODE UTF-8" },
    header: {
      sendingFacility: "LAKESIDE",
      sendingApplication: "LAKEREG",
      controlId: "LK-1",
      messageType: "ADT^A04^ADT_A01",
    },
    ackCode: "AR",
    reason: "Sending facility is not configured in Homeward",
    error: { code: "207", text: "Sending facility is not configured in Homeward" },
  };
  await recordRejected(t.pool, { topic: "t.adt.rejected.v1", partition: 0, offset: "5" }, rejected);
  rejectedId = (await t.pool.query("SELECT id::text FROM feed_exceptions WHERE control_id = 'LK-1'")).rows[0]
    .id;
});
afterAll(async () => t?.close());

describe("GET /api/admin/feeds", () => {
  it("shows each feed's hours, answers, top errors, connection and its silent-feed alarm", async () => {
    const res = await t.call("analyst", { url: "/api/admin/feeds?hours=6" });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.hours).toEqual([
      "2026-03-10T10:00:00.000Z",
      "2026-03-10T11:00:00.000Z",
      "2026-03-10T12:00:00.000Z",
      "2026-03-10T13:00:00.000Z",
      "2026-03-10T14:00:00.000Z",
      "2026-03-10T15:00:00.000Z",
    ]);
    const [harbor] = body.facilities;
    expect(harbor).toMatchObject({
      sendingFacility: "HARBOR",
      displayName: "Harbor Hospital",
      configured: true,
      lastMessageAt: "2026-03-10T13:20:00.000Z",
      connectedNow: 1,
      totals: { accepted: 75, errors: 0, rejected: 2 },
      topErrors: [{ code: "204", count: 2 }],
      alarm: { openedAt: "2026-03-10T14:20:00.000Z" },
      connections: [
        { remoteAddress: "10.20.0.5", connected: true, tls: true, totals: { accepted: 75, rejected: 2 } },
      ],
    });
    expect(harbor.perHour.map((h: { accepted: number }) => h.accepted)).toEqual([0, 0, 40, 35, 0, 0]);
    expect(body.alarms).toMatchObject([
      { sendingFacility: "HARBOR", clearedAt: null, contactEmail: "hl7@harbor.example" },
    ]);
    expect((await t.call("root", { url: "/api/admin/feeds" })).statusCode).toBe(200);
    expect((await t.call("adminA", { url: "/api/admin/feeds" })).statusCode).toBe(403);
  });
});

describe("the exceptions browser", () => {
  it("lists refused messages without their content", async () => {
    const res = await t.call("root", { url: "/api/admin/feed-exceptions" });
    expect(res.json()).toMatchObject({
      total: 1,
      items: [
        { id: rejectedId, kind: "rejected", sendingFacility: "LAKESIDE", errorCode: "207", status: "open" },
      ],
    });
    expect(res.body).not.toContain("TESTCASE");
    expect(res.body).not.toContain(Buffer.from(RAW).toString("base64"));
    const filtered = await t.call("analyst", { url: "/api/admin/feed-exceptions?kind=unmatched" });
    expect(filtered.json()).toEqual({ items: [], total: 0 });
  });

  it("shows the raw message to the interface analyst only, and audits each view", async () => {
    const url = `/api/admin/feed-exceptions/${rejectedId}/message`;
    expect((await t.call("root", { url })).statusCode).toBe(403);
    expect((await t.call("adminA", { url })).statusCode).toBe(403);
    const res = await t.call("analyst", { url });
    expect(res.statusCode).toBe(200);
    expect(res.json().raw.text).toBe(RAW.replace(/\r/g, "\n"));
    expect(res.json().event).toBeNull();
    await t.call("analyst", { url });
    const audit = await t.pool.query(
      `SELECT a.action, a.actor, a.detail->>'role' AS role FROM audit_log a
        WHERE a.subject_type = 'feed_exception' AND a.subject_id = $1 ORDER BY a.id`,
      [rejectedId],
    );
    const analyst = (await t.pool.query("SELECT id::text FROM users WHERE role = 'interface_analyst'"))
      .rows[0].id;
    expect(audit.rows).toEqual([
      { action: "feed-exception.message.read", actor: `user:${analyst}`, role: "interface_analyst" },
      { action: "feed-exception.message.read", actor: `user:${analyst}`, role: "interface_analyst" },
    ]);
    expect((await t.call("analyst", { url: "/api/admin/feed-exceptions/99999/message" })).statusCode).toBe(
      404,
    );
  });

  it("asks the listener to resend once at a time, and marks an exception handled with a note", async () => {
    const resend = await t.call("analyst", {
      method: "POST",
      url: `/api/admin/feed-exceptions/${rejectedId}/resend`,
    });
    expect(resend.statusCode).toBe(202);
    expect(resend.json()).toMatchObject({ status: "resend_requested", resendRequestedAt: NOW.toISOString() });
    const again = await t.call("root", {
      method: "POST",
      url: `/api/admin/feed-exceptions/${rejectedId}/resend`,
    });
    expect(again.statusCode).toBe(409);

    const handled = await t.call("root", {
      method: "POST",
      url: `/api/admin/feed-exceptions/${rejectedId}/handled`,
      payload: { note: "Lakeside test feed, not live yet" },
    });
    expect(handled.statusCode).toBe(200);
    expect(handled.json()).toMatchObject({
      status: "handled",
      handledNote: "Lakeside test feed, not live yet",
    });
    expect((await t.call("root", { url: "/api/admin/feed-exceptions" })).json().total).toBe(0);
    expect((await t.call("root", { url: "/api/admin/feed-exceptions?status=handled" })).json().total).toBe(1);
    expect((await t.call("root", { url: `/api/admin/feed-exceptions/${rejectedId}` })).json().status).toBe(
      "handled",
    );
    expect(
      (
        await t.call("cmA", {
          method: "POST",
          url: `/api/admin/feed-exceptions/${rejectedId}/handled`,
          payload: {},
        })
      ).statusCode,
    ).toBe(403);
  });
});
