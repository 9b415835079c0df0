import { createPool, type Pool } from "@homeward/db";
import { createFacility, listFeedAlarms } from "@homeward/facilities";
import { ADT_A08_UPDATE } from "@homeward/hl7/fixtures";
import { type SmtpSink, startSmtpSink } from "@homeward/testing";
import { Gauge, Registry } from "prom-client";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { smtpFeedMailer } from "./feed-mailer.ts";
import { msaOf, startTestListener, type TestListener } from "./harness.test-support.ts";
import { controlIds, sendOne, withMshField } from "./raw-mllp-client.test-support.ts";
import { SilentFeedWatch } from "./silent-feed-watch.ts";

let t: TestListener;
let pool: Pool;
let smtp: SmtpSink;
const nextId = controlIds("SIL");

beforeAll(async () => {
  // The listener's own check runs on its timer with the real clock; this test drives one of its
  // own with a clock it moves, over what the real listener counted.
  t = await startTestListener("silent-feed", { FEED_STATS_FLUSH_SECONDS: "300", FEED_CHECK_SECONDS: "3600" });
  pool = createPool(t.iso.settings.postgres);
  smtp = await startSmtpSink();
});
afterAll(async () => {
  await t?.stop();
  await pool?.end();
  await smtp?.close();
});

const fromPinecrest = () =>
  withMshField(withMshField(withMshField(ADT_A08_UPDATE, 4, "PINECREST"), 3, "PCREG"), 10, nextId());

describe("the silent-feed alarm", () => {
  it("fires once when a feed goes quiet past its threshold, emails the contact, and clears when messages resume", async () => {
    const created = await createFacility(
      pool,
      {
        mapping: {
          sendingFacility: "PINECREST",
          displayName: "Pinecrest Hospital",
          timeZone: "America/New_York",
        },
        watch: { interfaceContactEmail: "hl7@pinecrest.example", silenceMinutes: 30 },
      },
      "user:1",
    );
    expect(created.ok).toBe(true);
    await vi.waitFor(async () =>
      expect(msaOf(await sendOne(t.listener.mllpPort, fromPinecrest())).code).toBe("AA"),
    );
    await t.listener.feedOperations?.flush();
    const lastMessage = (
      await pool.query(
        "SELECT max(last_message_at) AS at FROM feed_message_stats WHERE sending_facility = 'PINECREST'",
      )
    ).rows[0].at as Date;

    let now = new Date(lastMessage.getTime() + 29 * 60_000);
    const registry = new Registry();
    const gauge = new Gauge({
      name: "homeward_feed_silent",
      help: "test",
      labelNames: ["facility"],
      registers: [registry],
    });
    const mailer = smtpFeedMailer({ url: smtp.url, from: "Homeward feeds <feeds@homeward.test>" });
    const watch = new SilentFeedWatch({
      pool,
      mailer,
      gauge,
      dashboardUrl: "https://homeward.example",
      now: () => now,
      logger: t.logger,
    });
    const silent = async () =>
      (await registry.getSingleMetricAsString("homeward_feed_silent"))
        .split("\n")
        .find((l) => l.includes('"PINECREST"'));

    // 29 minutes: nothing yet.
    expect(await watch.check()).toEqual({ opened: [], cleared: [], notified: [] });
    expect(await silent()).toBe('homeward_feed_silent{facility="PINECREST"} 0');

    // 30 minutes: the alarm opens and the contact hears of it, once.
    now = new Date(lastMessage.getTime() + 30 * 60_000);
    expect(await watch.check()).toEqual({ opened: ["PINECREST"], cleared: [], notified: ["PINECREST"] });
    const [mail] = await smtp.waitFor(1);
    expect(mail?.to).toEqual(["hl7@pinecrest.example"]);
    expect(mail?.subject).toBe(
      "Homeward: no ADT messages from Pinecrest Hospital (PINECREST) for 30 minutes",
    );
    expect(mail?.text).toContain("https://homeward.example/admin/feeds");
    expect(await silent()).toBe('homeward_feed_silent{facility="PINECREST"} 1');
    now = new Date(lastMessage.getTime() + 45 * 60_000);
    expect(await watch.check()).toEqual({ opened: [], cleared: [], notified: [] });
    expect(smtp.received).toHaveLength(1);
    const [alarm] = await listFeedAlarms(pool, new Date(0));
    expect(alarm).toMatchObject({
      sendingFacility: "PINECREST",
      clearedAt: null,
      notifyAttempts: 1,
      contactEmail: "hl7@pinecrest.example",
    });
    expect(alarm?.notifiedAt).toBe(new Date(lastMessage.getTime() + 30 * 60_000).toISOString());

    // Pinecrest sends again: the next check clears the alarm.
    expect(msaOf(await sendOne(t.listener.mllpPort, fromPinecrest())).code).toBe("AA");
    await t.listener.feedOperations?.flush();
    expect(await watch.check()).toEqual({ opened: [], cleared: ["PINECREST"], notified: [] });
    expect(await silent()).toBe('homeward_feed_silent{facility="PINECREST"} 0');
    expect((await listFeedAlarms(pool, new Date(0)))[0]?.clearedAt).toBe(now.toISOString());
    mailer.close();
  });
});
