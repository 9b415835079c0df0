import { randomBytes } from "node:crypto";
import { createPool, migrate, type Pool } from "@homeward/db";
import { createUser } from "@homeward/directory";
import { ADT_A01_ADMIT, ADT_A08_UPDATE } from "@homeward/hl7/fixtures";
import { createLogger } from "@homeward/logger";
import { type Isolation, isolation, type SmtpSink, serviceEnv, startSmtpSink } from "@homeward/testing";
import type { Browser, Page } from "playwright-core";
import { Gauge, Registry } from "prom-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningListener, startAdtListener } from "../../services/adt-listener/src/app.ts";
import { loadListenerEnv } from "../../services/adt-listener/src/env.ts";
import {
  msaOf,
  SilentFeedWatch,
  smtpFeedMailer,
} from "../../services/adt-listener/src/harness.test-support.ts";
import {
  connectRaw,
  mllpFrame,
  type RawMllpClient,
  sendOne,
  withMshField,
} from "../../services/adt-listener/src/raw-mllp-client.test-support.ts";
import { type RunningApi, startApi } from "../../services/api/src/app.ts";
import {
  collectProblems,
  eventually,
  launchChromium,
  newContext,
  signIn,
  textOf,
} from "../../services/api/src/browser.test-support.ts";
import { loadApiEnv } from "../../services/api/src/env.ts";

/**
 * Onboarding a hospital feed and running the feeds, in Debian's Chromium against the real api,
 * the real listener (Kafka, Redis, PostgreSQL) and an SMTP server: a system admin onboards
 * Bayshore on the Facilities screen and the running listener accepts Bayshore's next message
 * (refused a moment before) without a restart; an interface analyst reads the feeds (counts,
 * connected now, a facility nobody configured), sees Bayshore's silent-feed alarm open and clear,
 * and works a refused message (the message itself on request, audited; resend; handled).
 */

const ADMIN = { email: "root@homeward.example", password: randomBytes(12).toString("hex") };
const ANALYST = { email: "interfaces@homeward.example", password: randomBytes(12).toString("hex") };

let iso: Isolation;
let pool: Pool;
let smtp: SmtpSink;
let listener: RunningListener;
let api: RunningApi;
let browser: Browser;
let baseUrl: string;
let held: RawMllpClient | undefined;
let seq = 0;
const control = () => `FB${Date.now().toString(36)}${++seq}`;

/** An A08 from `facility`'s `application` (the fixture is St. Luke's Cerner). */
const a08 = (facility: string, application: string) =>
  withMshField(withMshField(withMshField(ADT_A08_UPDATE, 4, facility), 3, application), 10, control());

beforeAll(async () => {
  iso = isolation("e2e-feeds");
  await migrate(iso.settings.postgres);
  pool = createPool(iso.settings.postgres);
  await createUser(pool, { ...ADMIN, role: "system_admin", organizationCodes: [] });
  await createUser(pool, { ...ANALYST, role: "interface_analyst", organizationCodes: [] });
  smtp = await startSmtpSink();
  const logger = createLogger({ service: "e2e-feeds", level: process.env.LOG_LEVEL ?? "warn" });
  const env = serviceEnv(iso);
  listener = await startAdtListener(
    loadListenerEnv({
      ...env,
      MLLP_HOST: "127.0.0.1",
      MLLP_PORT: "0",
      SMTP_URL: smtp.url,
      // Counts reach the screen within half a second; the silent-feed check is this test's own.
      FEED_STATS_FLUSH_SECONDS: "0.5",
      FEED_CHECK_SECONDS: "3600",
    }),
    logger,
  );
  api = await startApi(
    loadApiEnv({ ...env, API_PORT: "0", API_TOKEN_SECRET: "e2e-feeds-secret-e2e-feeds-secret-0123" }),
    logger,
  );
  baseUrl = `http://127.0.0.1:${api.port}`;
  browser = await launchChromium();
}, 300_000);

afterAll(async () => {
  await held?.destroy();
  await browser?.close();
  await api?.stop();
  await listener?.stop();
  await smtp?.close();
  await pool?.end();
});

const field = (page: Page, label: string) => page.getByLabel(label, { exact: true });

describe("onboarding a hospital feed and running the feeds, in headless Chromium", () => {
  it("a system admin onboards a facility and the running listener takes its next message", async () => {
    // Before: Bayshore is nobody's, and its message is refused (AR) and kept.
    expect(msaOf(await sendOne(listener.mllpPort, a08("BAYSHORE", "EPICADT"))).code).toBe("AR");

    const context = await newContext(browser, baseUrl);
    const page = await context.newPage();
    const problems = collectProblems(page);
    await page.goto("/admin/feeds/facilities");
    await signIn(page, ADMIN.email, ADMIN.password);
    await eventually(() => page.title()).toBe("Facilities · Homeward");
    // The listener filled the new database from its mappings file at its first start.
    const list = page.getByRole("table");
    await eventually(() => textOf(list)).toContain("Mercy General (synthetic)");

    await page.getByRole("button", { name: "Onboard a facility" }).click();
    await eventually(() => page.url()).toMatch(/\/admin\/feeds\/facilities\/new$/);
    await field(page, "Sending facility (MSH-4)").fill("BAYSHORE");
    await field(page, "Name people know it by").fill("Bayshore Regional (synthetic)");
    await field(page, "Time zone").fill("Chicago");
    await field(page, "Applications allowed to send").fill("EPICADT, EPICCARE");
    await field(page, "ED locations").fill("ED, PEDS ED");
    await field(page, "Interface contact email").fill("hl7-team@bayshore.example");
    await field(page, "Alarm after this many minutes without a message").fill("30");
    await page.getByRole("button", { name: "Create facility" }).click();

    // The file's own validation, shown at the field.
    const zoneField = page.locator('.field[data-key="mapping.timeZone"]');
    await eventually(() => textOf(zoneField)).toContain('"Chicago" is not an IANA time zone');
    expect(await textOf(page.locator(".form-problems"))).toContain("Not saved: one thing needs fixing.");
    // The form moved focus (and the page) to the field in error; the picture starts at the top.
    await page.evaluate("window.scrollTo(0, 0)");
    await page.screenshot({ path: "/tmp/homeward-facilities-form.png", fullPage: true });

    await field(page, "Time zone").fill("America/Chicago");
    await page.getByRole("button", { name: "Create facility" }).click();
    await eventually(() => page.url()).toMatch(/\/admin\/feeds\/facilities\/\d+$/);
    await eventually(() => textOf(page.getByRole("heading", { level: 1 }))).toBe(
      "Bayshore Regional (synthetic)",
    );
    expect(await textOf(page.locator(".form-status").first())).toContain(
      "Bayshore Regional (synthetic) created. The listener accepts its messages within seconds.",
    );
    expect(await textOf(page.getByRole("region", { name: "History" }))).toContain(`Created`);
    expect(await textOf(page.getByRole("region", { name: "History" }))).toContain(`by ${ADMIN.email}`);
    await page.screenshot({ path: "/tmp/homeward-facility.png", fullPage: true });

    // No restart: the running listener takes Bayshore's next message.
    await eventually(
      async () => msaOf(await sendOne(listener.mllpPort, a08("BAYSHORE", "EPICADT"))).code,
    ).toBe("AA");

    await page.getByRole("link", { name: "← All facilities" }).click();
    await eventually(() => textOf(page.getByRole("table"))).toContain("Bayshore Regional (synthetic)");
    const row = page.getByRole("row").filter({ hasText: "Bayshore Regional" });
    expect(await textOf(row)).toContain("Alarm after 30 min silent, at all hours");
    expect(await textOf(row)).toContain("EPICADT, EPICCARE only");
    await page.screenshot({ path: "/tmp/homeward-facilities.png", fullPage: true });
    // The refused first try is the one failed request; nothing else went wrong on the page.
    expect(problems).toEqual([
      "Failed to load resource: the server responded with a status of 400 (Bad Request)",
    ]);
    await context.close();
  });

  it("an interface analyst reads the feeds, and sees a silent-feed alarm open and clear", async () => {
    // Mercy General's engine keeps its connection open; a facility nobody configured sends too.
    held = await connectRaw(listener.mllpPort);
    await held.write(mllpFrame(withMshField(ADT_A01_ADMIT, 10, control())));
    await held.write(mllpFrame(withMshField(ADT_A01_ADMIT, 10, control())));
    await held.waitForFrames(2);
    expect(msaOf(await sendOne(listener.mllpPort, a08("NEWPORT", "NPREG"))).code).toBe("AR");

    const context = await newContext(browser, baseUrl);
    const page = await context.newPage();
    const problems = collectProblems(page);
    await page.goto("/");
    await signIn(page, ANALYST.email, ANALYST.password);
    // The interface analyst lands on the feeds: their first (and only) screen in the top bar.
    await eventually(() => page.title()).toBe("Feeds · Homeward");
    const rowOf = (name: string) => page.locator("table.feeds-table > tbody > tr").filter({ hasText: name });
    await eventually(async () => {
      await page.getByRole("button", { name: "Refresh" }).click();
      return textOf(rowOf("Mercy General (synthetic)"));
    }).toContain("1 open");
    expect(await textOf(rowOf("Mercy General (synthetic)"))).toContain("AA 2 AE 0 AR 0");
    await eventually(() => textOf(rowOf("Bayshore Regional"))).toContain("AA 1 AE 0 AR 1");
    expect(await textOf(rowOf("Bayshore Regional"))).toContain(
      "207 Sending facility is not configured in Homeward × 1",
    );
    expect(await textOf(rowOf("NEWPORT"))).toContain("Not configured");

    // Bayshore falls silent: half an hour after its last message the check opens the alarm and
    // emails its contact (the check's clock is moved; the listener counted the real message).
    const last = (
      await pool.query<{ at: Date }>(
        "SELECT max(last_message_at) AS at FROM feed_message_stats WHERE sending_facility = 'BAYSHORE'",
      )
    ).rows[0]?.at as Date;
    let now = new Date(last.getTime() + 31 * 60_000);
    const mailer = smtpFeedMailer({ url: smtp.url, from: "Homeward feeds <feeds@homeward.test>" });
    const registry = new Registry();
    const watch = new SilentFeedWatch({
      pool,
      mailer,
      gauge: new Gauge({
        name: "homeward_feed_silent",
        help: "test",
        labelNames: ["facility"],
        registers: [registry],
      }),
      dashboardUrl: baseUrl,
      now: () => now,
      logger: createLogger({ service: "e2e-feeds-watch", level: "warn" }),
    });
    expect((await watch.check()).opened).toEqual(["BAYSHORE"]);
    const [mail] = await smtp.waitFor(1);
    expect(mail?.to).toEqual(["hl7-team@bayshore.example"]);
    expect(mail?.text).toContain(`${baseUrl}/admin/feeds`);
    await page.getByRole("button", { name: "Refresh" }).click();
    const alarms = page.getByRole("region", { name: /Silent feeds/ });
    await eventually(() => textOf(alarms)).toContain("Silent feeds (1)");
    expect(await textOf(alarms)).toContain(
      "Bayshore Regional (synthetic) (BAYSHORE): nothing received since",
    );
    expect(await textOf(alarms)).toContain("hl7-team@bayshore.example was emailed");
    expect(await textOf(rowOf("Bayshore Regional"))).toContain("Silent");
    await page.screenshot({ path: "/tmp/homeward-feeds.png", fullPage: true });

    // Bayshore sends again: the next check clears it.
    expect(msaOf(await sendOne(listener.mllpPort, a08("BAYSHORE", "EPICCARE"))).code).toBe("AA");
    await listener.feedOperations?.flush();
    now = new Date(now.getTime() + 60_000);
    expect((await watch.check()).cleared).toEqual(["BAYSHORE"]);
    await page.getByRole("button", { name: "Refresh" }).click();
    await eventually(() => textOf(alarms)).toContain("No feed is silent now.");
    expect(await textOf(alarms)).toContain("sending again since");
    mailer.close();
    expect(problems).toEqual([]);
    await context.close();
  });

  it("the interface analyst opens a refused message (audited), resends it, then marks it handled", async () => {
    const context = await newContext(browser, baseUrl);
    const page = await context.newPage();
    const problems = collectProblems(page);
    await page.goto("/admin/feeds/exceptions?facility=NEWPORT");
    await signIn(page, ANALYST.email, ANALYST.password);
    await eventually(() => page.title()).toBe("Refused & unmatched · Homeward");
    const row = page.getByRole("row").filter({ hasText: "NEWPORT" });
    // Copied from adt.rejected.v1 by the listener's consumer: may take a group join.
    await eventually(async () => {
      await page.getByRole("button", { name: "Show" }).click();
      return row.count();
    }, 30_000).toBe(1);
    expect(await textOf(row)).toContain("AR 207 Sending facility is not configured in Homeward");

    await row.getByRole("button", { name: "Open" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByRole("button", { name: "Show the message (HL7)" }).click();
    await eventually(() => textOf(dialog.locator("pre"))).toContain("NPREG|NEWPORT");
    await page.screenshot({ path: "/tmp/homeward-feed-exceptions.png", fullPage: true });
    const audit = await pool.query(
      "SELECT count(*)::int AS n FROM audit_log WHERE action = 'feed-exception.message.read'",
    );
    expect(audit.rows[0].n).toBe(1);

    // Still nobody's: the listener says why and writes nothing.
    await dialog.getByRole("button", { name: "Resend to matcher" }).click();
    await eventually(() => textOf(page.locator(".form-status").first()), 15_000).toContain(
      "could not be sent again: facility NEWPORT is not configured (or not active) in Homeward",
    );
    await row.getByRole("button", { name: "Handled" }).click();
    await eventually(() => textOf(page.locator(".card.table-box"))).toContain("Nothing needs attention.");
    expect(problems).toEqual([]);
    await context.close();
  });
});
