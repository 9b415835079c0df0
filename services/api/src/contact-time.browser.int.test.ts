import { randomBytes } from "node:crypto";
import { createPool, migrate, type Pool } from "@homeward/db";
import { createUser } from "@homeward/directory";
import { createLogger } from "@homeward/logger";
import { taskIdFor } from "@homeward/protocols";
import { type Isolation, isolation } from "@homeward/testing";
import type { Browser, BrowserContext, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
// @ts-expect-error The dashboard is plain JavaScript without type declarations.
import { formatInZone } from "../public/format.js";
// @ts-expect-error The dashboard is plain JavaScript without type declarations.
import { toLocalInput } from "../public/zoned-time.js";
import { type RunningApi, startApi } from "./app.ts";
import { eventually, launchChromium } from "./browser.test-support.ts";
import { loadApiEnv } from "./env.ts";

// A care manager calls a patient the day after an ED visit and enters it days later: the contact
// time they enter, in the practice's zone (their browser runs on Tokyo time), is what the quality
// page's ED follow-up rate counts, so the visit moves into the numerator. Real api, PostgreSQL and
// Debian's Chromium (playwright-core), on the real clock.

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const ZONE = "America/New_York";
const ELM = "Elm Street Family Medicine";
const QUALITY = { email: "quality@elm.example", password: randomBytes(12).toString("hex") };
const CARE_MANAGER = { email: "casey.morgan@elm.example", password: randomBytes(12).toString("hex") };
const SCREENSHOT = "/tmp/homeward-contact-time.png";

let iso: Isolation;
let pool: Pool;
let api: RunningApi;
let browser: Browser;
let baseUrl: string;
/** The ED visit of the task the care manager completes: 4 days ago, to the minute. */
const anaVisit = new Date(Math.floor((Date.now() - 4 * DAY) / 60_000) * 60_000);
let anaTaskId = "";

/**
 * Elm Street's three ED visits (alerts 6 minutes after each): Brooks reached 6 hours after his
 * visit 10 days ago (in time), Fischer closed with a voicemail (a miss), and Rivera, 4 days ago,
 * still open: a miss until the care manager enters the call she made the next day.
 */
async function seed(db: Pool): Promise<void> {
  const org = await db.query<{ id: string }>(
    `INSERT INTO organizations (kind, code, name, time_zone) VALUES ('practice', 'ELM', $1, $2) RETURNING id::text`,
    [ELM, ZONE],
  );
  const orgId = org.rows[0]?.id ?? "";
  const cm = await db.query<{ id: string }>(
    `INSERT INTO recipients (organization_id, role, display_name, email, time_zone)
     VALUES ($1, 'care_manager', 'Casey Morgan', $2, $3) RETURNING id::text`,
    [orgId, CARE_MANAGER.email, ZONE],
  );
  const cmId = cm.rows[0]?.id ?? "";
  await createUser(db, {
    email: CARE_MANAGER.email,
    password: CARE_MANAGER.password,
    role: "care_manager",
    organizationCodes: ["ELM"],
    recipientEmail: CARE_MANAGER.email,
  });
  await createUser(db, {
    email: QUALITY.email,
    password: QUALITY.password,
    role: "quality",
    organizationCodes: ["ELM"],
  });
  const tasks = [
    { patient: "Rivera|Ana", visit: "V-1", at: anaVisit, completed: null },
    {
      patient: "Brooks|Marcus",
      visit: "V-2",
      at: new Date(anaVisit.getTime() - 6 * DAY),
      completed: { after: 6 * HOUR, outcome: "reached_patient" },
    },
    {
      patient: "Fischer|Lena",
      visit: "V-3",
      at: new Date(anaVisit.getTime() - 2 * DAY),
      completed: { after: DAY, outcome: "left_message" },
    },
  ];
  for (const [i, t] of tasks.entries()) {
    const [family, given] = t.patient.split("|");
    const patient = await db.query<{ id: string }>(
      `INSERT INTO patients (family_name, given_name, birth_date, sex) VALUES ($1, $2, $3, 'U') RETURNING id::text`,
      [family, given, `196${i}-04-1${i}`],
    );
    // Priority II on the practice's own list: high-risk, so in the ED measure's default population.
    await db.query(
      `INSERT INTO care_management_enrollments (patient_id, program, listed_by_org_id, practice_org_id, status,
              source, effective_from, risk_tier)
       VALUES ($1, 'Complex care', $2, $2, 'active', 'elm-cm', $3::date, 'II')`,
      [patient.rows[0]?.id, orgId, new Date(Date.now() - 365 * DAY).toISOString().slice(0, 10)],
    );
    const taskId = taskIdFor({
      facility: "MERCYGEN",
      visitNumber: t.visit,
      organizationId: orgId,
      protocolId: "ed-follow-up",
      stepId: "follow-up-call",
    });
    if (i === 0) anaTaskId = taskId;
    const eventId = `evt-contact-${i}`;
    const matchId = `match-contact-${i}`;
    const content = {
      purpose: "alert",
      eventKind: "ed-discharge",
      occurredAt: t.at.toISOString(),
      facility: { code: "MERCYGEN", name: "Mercy General Hospital" },
      practice: { code: "ELM", name: ELM },
      copy: "lead",
      riskTier: "II",
      program: "Complex care",
      flags: [],
      tasks: [],
      url: `http://127.0.0.1/events/${matchId}`,
    };
    await db.query(
      `INSERT INTO encounters (facility, visit_number, patient_id, setting, status, started_at, discharged_at, entries)
       VALUES ('MERCYGEN', $1, $2, 'ed', 'discharged', $3, $3, $4)`,
      [
        t.visit,
        patient.rows[0]?.id,
        t.at,
        JSON.stringify([{ eventId, kind: "ed-discharge", occurredAt: t.at.toISOString(), announced: true }]),
      ],
    );
    const completedAt = t.completed === null ? null : new Date(t.at.getTime() + t.completed.after);
    await db.query(
      `INSERT INTO tasks (id, organization_id, patient_id, facility, visit_number, protocol_id, step_id, task_type,
                          title, status, program, risk_tier, assignee_recipient_id, trigger_event_id,
                          trigger_match_id, triggered_at, opened_at, due_at, completed_at, outcome, completed_by,
                          alert_content)
       VALUES ($1, $2, $3, 'MERCYGEN', $4, 'ed-follow-up', 'follow-up-call', 'follow-up-call',
               'Follow-up call after ED visit', $5, 'Complex care', 'II', $6, $7, $8, $9, $9,
               $9::timestamptz + interval '2 days', $10, $11, $12, $13)`,
      [
        taskId,
        orgId,
        patient.rows[0]?.id,
        t.visit,
        completedAt === null ? "open" : "completed",
        cmId,
        eventId,
        matchId,
        t.at,
        completedAt,
        t.completed?.outcome ?? null,
        completedAt === null ? null : "seed",
        JSON.stringify(content),
      ],
    );
    await db.query(
      `INSERT INTO deliveries (id, purpose, channel, recipient_id, organization_id, match_id, event_id, task_id,
                               content, status, attempts, provider, created_at, sent_at)
       VALUES ($1, 'alert', 'email', $2, $3, $4, $5, $6, $7, 'sent', 1, 'smtp', $8, $8::timestamptz + interval '6 minutes')`,
      [`dlv-contact-${i}`, cmId, orgId, matchId, eventId, taskId, JSON.stringify(content), t.at],
    );
  }
}

const problems = new WeakMap<Page, string[]>();
const textOf = (locator: Locator) => locator.textContent().then((t) => t?.trim() ?? "");

async function newPage(timezoneId?: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({
    viewport: { width: 1366, height: 900 },
    baseURL: baseUrl,
    ...(timezoneId === undefined ? {} : { timezoneId }),
  });
  const page = await context.newPage();
  const seen: string[] = [];
  page.on("pageerror", (error) => seen.push(error.message));
  page.on("console", (message) => {
    if (message.type() === "error") seen.push(message.text());
  });
  problems.set(page, seen);
  return { context, page };
}

async function signIn(page: Page, who: { email: string; password: string }): Promise<void> {
  await page.goto("/");
  await page.getByLabel("Email").fill(who.email);
  await page.getByLabel("Password").fill(who.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await eventually(() => page.getByRole("button", { name: "Sign out" }).isVisible()).toBe(true);
}

/** Elm Street's cells in the ED follow-up numbers table: [practice, denominator, numerator, rate, ...]. */
async function elmNumbers(page: Page): Promise<string[]> {
  const row = page.getByRole("table", { name: /ED visit: follow-up call/ }).getByRole("row", { name: ELM });
  await row.waitFor();
  return (await row.getByRole("cell").allTextContents()).map((t) => t.trim());
}

/** Elm Street's cells in the alert-to-contact table. */
async function elmContactTimes(page: Page): Promise<string[]> {
  const row = page.getByRole("table", { name: /Hours from the alert/ }).getByRole("row", { name: ELM });
  await row.waitFor();
  return (await row.getByRole("cell").allTextContents()).map((t) => t.trim());
}

beforeAll(async () => {
  iso = isolation("contact-time-browser");
  await migrate(iso.settings.postgres);
  pool = createPool(iso.settings.postgres);
  await seed(pool);
  const env = loadApiEnv({
    API_HOST: "127.0.0.1",
    API_PORT: "0",
    OPS_PORT: "0",
    API_TOKEN_SECRET: randomBytes(32).toString("hex"),
    LOG_LEVEL: "warn",
  });
  api = await startApi({ ...env, stack: iso.settings }, createLogger({ service: "api-test", level: "warn" }));
  baseUrl = `http://127.0.0.1:${api.port}`;
  browser = await launchChromium();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await api?.stop();
  await pool?.end();
});

describe("contact time in headless Chromium", () => {
  it("a call made the day after the visit, entered 4 days later, moves the ED follow-up rate", async () => {
    // Quality staff: ED follow-up of high-risk patients (the page's default) within 2 calendar days.
    // Elm Street: 3 visits, only Brooks in time (Rivera's window ended 2 days ago: a miss, not pending).
    const quality = await newPage();
    await signIn(quality.page, QUALITY);
    await eventually(() => quality.page.title()).toBe("Quality · Homeward");
    await quality.page.getByLabel("Measure").selectOption("ed-follow-up");
    await quality.page.getByLabel("Within x").fill("2");
    await quality.page.getByLabel("Unit").selectOption("calendar-days");
    await quality.page.getByRole("button", { name: "Update report" }).click();
    expect(await quality.page.getByLabel("Patients").inputValue()).toBe("high-risk");
    await eventually(async () => (await elmNumbers(quality.page)).slice(0, 4)).toEqual([
      ELM,
      "3",
      "1",
      "33.3%",
    ]);

    // The care manager, on a laptop set to Tokyo time, opens Rivera's overdue task.
    const cm = await newPage("Asia/Tokyo");
    const page = cm.page;
    await signIn(page, CARE_MANAGER);
    await page.getByRole("link", { name: "My tasks" }).click();
    await eventually(() => page.title()).toBe("My tasks · Homeward");
    const row = page.getByRole("tabpanel").getByRole("row").filter({ hasText: "Rivera" });
    await eventually(() => row.count()).toBe(1);
    await row.getByRole("button", { name: "Open" }).click();
    const drawer = page.getByRole("dialog", { name: "Follow-up call after ED visit" });
    await eventually(() => drawer.getByText("Complete the task").isVisible()).toBe(true);

    // First, the voicemail she left 3 hours after the visit, entered now with its own time.
    const voicemail = new Date(anaVisit.getTime() + 3 * HOUR);
    await drawer.getByLabel("Method").selectOption("phone");
    await drawer.getByLabel("Result (optional)").selectOption("left_message");
    await drawer.getByLabel("When was the attempt made?").fill(toLocalInput(voicemail, ZONE));
    await drawer.getByRole("button", { name: "Record attempt" }).click();
    await eventually(() => drawer.getByText("Attempt recorded.").isVisible()).toBe(true);
    expect(await textOf(drawer)).toContain(`made ${formatInZone(voicemail, ZONE)}`);

    // Then Complete: "Reached patient" asks when (default now, in the practice's zone) and how.
    const when = drawer.getByLabel("When did you reach the patient?");
    expect(await when.isVisible()).toBe(false);
    await drawer.getByLabel("Reached patient").check();
    await eventually(() => when.isVisible()).toBe(true);
    expect(await when.inputValue()).toBe(toLocalInput(new Date(), ZONE));
    const call = new Date(anaVisit.getTime() + DAY);
    await when.fill(toLocalInput(call, ZONE));
    // The hint under the field spells the moment out in the practice's zone, not Tokyo's.
    await eventually(() => textOf(drawer.locator("#complete-when-hint"))).toBe(
      `Practice time: ${formatInZone(call, ZONE)}`,
    );
    await drawer.getByLabel("How?").selectOption("phone");
    await drawer
      .getByLabel("Completion note (optional)")
      .fill("Reached her the day after; follow-up booked.");
    await page.screenshot({ path: "/tmp/homeward-contact-time-form.png" });
    await drawer.getByRole("button", { name: "Complete" }).click();
    await eventually(() => drawer.getByText("Task completed: Reached patient.").isVisible()).toBe(true);

    // Stored as the practice's wall-clock time: exactly one day after the visit, whatever Tokyo says.
    const stored = await pool.query<{ contacted_at: Date; contact_method: string; first_attempt_at: Date }>(
      "SELECT contacted_at, contact_method, first_attempt_at FROM tasks WHERE id = $1",
      [anaTaskId],
    );
    expect(stored.rows[0]?.contacted_at.toISOString()).toBe(call.toISOString());
    expect(stored.rows[0]?.contact_method).toBe("phone");
    expect(stored.rows[0]?.first_attempt_at.toISOString()).toBe(voicemail.toISOString());
    // The drawer says when she was reached and when that was entered.
    const reached = drawer.locator("dt", { hasText: /^Reached$/ }).locator("xpath=following-sibling::dd[1]");
    expect(await textOf(reached)).toMatch(
      new RegExp(`^${literal(formatInZone(call, ZONE))} by phone \\(entered .+\\)$`),
    );
    // She finds her call log: the call was at 2 hours later. The correction is kept with the old value.
    const corrected = new Date(call.getTime() + 2 * HOUR);
    await drawer.getByText("Correct when the patient was reached").click();
    const fix = drawer.getByLabel("When was the patient reached?");
    expect(await fix.inputValue()).toBe(toLocalInput(call, ZONE));
    await fix.fill(toLocalInput(corrected, ZONE));
    await drawer.getByRole("button", { name: "Save contact time" }).click();
    await eventually(() => drawer.getByText("Contact time corrected.").isVisible()).toBe(true);
    expect(await textOf(drawer)).toContain(
      `Contact time corrected — ${formatInZone(call, ZONE)} → ${formatInZone(corrected, ZONE)} by phone`,
    );
    expect(await textOf(reached)).toMatch(
      new RegExp(`^${literal(formatInZone(corrected, ZONE))} by phone \\(entered .+\\)$`),
    );
    const audit = await pool.query<{ action: string; detail: { contactedAt: unknown } }>(
      "SELECT action, detail FROM audit_log WHERE action = 'task.contact' AND detail->>'taskId' = $1",
      [anaTaskId],
    );
    expect(audit.rows.map((r) => r.detail.contactedAt)).toEqual([
      { from: call.toISOString(), to: corrected.toISOString() },
    ]);
    await page.screenshot({ path: "/tmp/homeward-contact-time-drawer.png" });
    await drawer.getByRole("button", { name: "Close" }).click();

    // The quality page: Rivera is in the numerator now (she would have been a miss, completed on day 4).
    await quality.page.getByRole("button", { name: "Update report" }).click();
    await eventually(async () => (await elmNumbers(quality.page)).slice(0, 4)).toEqual([
      ELM,
      "3",
      "2",
      "66.7%",
    ]);
    // Alert (6 min after each visit) → first attempt: Brooks 5.9 h (reached, no attempt on record),
    // Rivera 2.9 h (the voicemail): median 4.4, p90 2.9 + 0.9 × 3 = 5.6. → contact: Brooks 5.9,
    // Rivera 25.9 (the corrected call): median 15.9, p90 5.9 + 0.9 × 20 = 23.9. Fischer: no attempt.
    await eventually(() => elmContactTimes(quality.page)).toEqual([
      ELM,
      "3",
      "2",
      "4.4 h",
      "5.6 h",
      "2",
      "15.9 h",
      "23.9 h",
    ]);
    for (const p of [page, quality.page]) expect(problems.get(p)).toEqual([]);

    await quality.page.getByRole("table", { name: /Hours from the alert/ }).scrollIntoViewIfNeeded();
    await quality.page.screenshot({ path: SCREENSHOT });
    await quality.page.screenshot({ path: "/tmp/homeward-contact-time-full.png", fullPage: true });
    await quality.context.close();
    await cm.context.close();
  }, 120_000);
});

/** A literal string inside a RegExp. */
function literal(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
