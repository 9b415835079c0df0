import { randomBytes } from "node:crypto";
import { createPool, migrate, type Pool } from "@homeward/db";
import { createUser } from "@homeward/directory";
import { createLogger } from "@homeward/logger";
import { taskIdFor } from "@homeward/protocols";
import { type Isolation, isolation } from "@homeward/testing";
import type { Browser, BrowserContext, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningApi, startApi } from "./app.ts";
import { eventually, launchChromium } from "./browser.test-support.ts";
import { loadApiEnv } from "./env.ts";

// The dashboard in a real browser (Debian's chromium, driven by playwright-core; never a downloaded
// browser) against the real api and PostgreSQL: a quality analyst has the ED follow-up report open,
// a care manager signs in, finds the overdue task, completes it, and the report's numerator moves.

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const ZONE = "America/New_York";
const QUALITY = { email: "quality@homeward.example", password: randomBytes(12).toString("hex") };
const CARE_MANAGER = { email: "casey.morgan@elm.example", password: randomBytes(12).toString("hex") };
const ELM = "Elm Street Family Medicine";
/** The quality page at the end, as a 1366×768 laptop shows it (plus the inbox, the task, the full page beside it). */
const SCREENSHOT = "/tmp/homeward-dashboard.png";

let iso: Isolation;
let pool: Pool;
let api: RunningApi;
let browser: Browser;
let baseUrl: string;
let overdueTaskId: string;

interface SeedTask {
  org: string;
  patient: string;
  visit: string;
  triggeredDaysAgo: number;
  dueInHours: number;
  completed?: { daysAgo: number; outcome: string };
  tier?: "I" | "II" | "III";
}

/** Two practices, two care managers, a handful of ED follow-up tasks over two months. */
async function seed(db: Pool): Promise<void> {
  const now = Date.now();
  const orgs = await db.query<{ id: string; code: string; name: string }>(
    `INSERT INTO organizations (kind, code, name, time_zone)
     VALUES ('practice', 'ELM', $1, $3), ('practice', 'OAK', $2, $3) RETURNING id::text, code, name`,
    [ELM, "Oak Valley Pediatrics", ZONE],
  );
  const org = (code: string) => {
    const row = orgs.rows.find((o) => o.code === code);
    if (row === undefined) throw new Error(`no organization ${code}`);
    return row;
  };
  const recipients = await db.query<{ id: string; organization_id: string }>(
    `INSERT INTO recipients (organization_id, role, display_name, email, time_zone)
     VALUES ($1, 'care_manager', 'Casey Morgan', $3, $5), ($2, 'care_manager', 'Jordan Lee', $4, $5)
     RETURNING id::text, organization_id::text`,
    [org("ELM").id, org("OAK").id, CARE_MANAGER.email, "jordan.lee@oak.example", ZONE],
  );
  const recipientOf = (orgId: string) => recipients.rows.find((r) => r.organization_id === orgId)?.id;

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
    organizationCodes: ["ELM", "OAK"],
  });

  const tasks: SeedTask[] = [
    // The one the care manager completes: ED visit 5 days ago, due 2 business days later, still open.
    { org: "ELM", patient: "Rivera|Ana", visit: "V-ELM-1", triggeredDaysAgo: 5, dueInHours: -72, tier: "II" },
    {
      org: "ELM",
      patient: "Brooks|Marcus",
      visit: "V-ELM-2",
      triggeredDaysAgo: 20,
      dueInHours: -19 * 24,
      completed: { daysAgo: 19, outcome: "reached_patient" },
      tier: "I",
    },
    {
      org: "ELM",
      patient: "Fischer|Lena",
      visit: "V-ELM-3",
      triggeredDaysAgo: 1,
      dueInHours: 30,
      tier: "II",
    },
    {
      org: "OAK",
      patient: "Chen|Wei",
      visit: "V-OAK-1",
      triggeredDaysAgo: 40,
      dueInHours: -39 * 24,
      completed: { daysAgo: 39, outcome: "reached_patient" },
    },
    {
      org: "OAK",
      patient: "Diaz|Sofia",
      visit: "V-OAK-2",
      triggeredDaysAgo: 35,
      dueInHours: -33 * 24,
      completed: { daysAgo: 34, outcome: "left_message" },
    },
    {
      org: "OAK",
      patient: "Evans|Noah",
      visit: "V-OAK-3",
      triggeredDaysAgo: 12,
      dueInHours: -10 * 24,
      completed: { daysAgo: 1, outcome: "reached_patient" },
      tier: "III",
    },
  ];

  for (const [i, t] of tasks.entries()) {
    const [family, given] = t.patient.split("|");
    const patient = await db.query<{ id: string }>(
      `INSERT INTO patients (family_name, given_name, birth_date, sex) VALUES ($1, $2, $3, 'U') RETURNING id::text`,
      [family, given, `19${50 + i}-0${(i % 9) + 1}-1${i}`],
    );
    const patientId = patient.rows[0]?.id;
    const o = org(t.org);
    const triggeredAt = new Date(now - t.triggeredDaysAgo * DAY);
    const dueAt = new Date(now + t.dueInHours * HOUR);
    const eventId = `evt-dashboard-${i}`;
    const matchId = `match-dashboard-${i}`;
    const key = {
      facility: "MERCYGEN",
      visitNumber: t.visit,
      organizationId: o.id,
      protocolId: "ed-follow-up",
      stepId: "follow-up-call",
    };
    const taskId = taskIdFor(key);
    if (i === 0) overdueTaskId = taskId;
    await db.query(
      `INSERT INTO encounters (facility, visit_number, patient_id, setting, status, started_at, discharged_at, entries)
       VALUES ('MERCYGEN', $1, $2, 'ed', 'discharged', $3, $4, $5)`,
      [
        t.visit,
        patientId,
        triggeredAt,
        new Date(triggeredAt.getTime() + 4 * HOUR),
        JSON.stringify([
          { eventId, kind: "ed-arrival", occurredAt: triggeredAt.toISOString(), announced: true },
          {
            eventId: `${eventId}-d`,
            kind: "ed-discharge",
            occurredAt: new Date(triggeredAt.getTime() + 4 * HOUR).toISOString(),
            announced: true,
          },
        ]),
      ],
    );
    const alertContent = {
      purpose: "alert",
      eventKind: "ed-arrival",
      occurredAt: triggeredAt.toISOString(),
      facility: { code: "MERCYGEN", name: "Mercy General Hospital" },
      practice: { code: o.code, name: o.name },
      copy: "lead",
      ...(t.tier === undefined ? {} : { riskTier: t.tier }),
      program: "Complex care",
      flags: [],
      tasks: [],
      url: `http://127.0.0.1/events/${matchId}`,
    };
    const completedAt = t.completed === undefined ? null : new Date(now - t.completed.daysAgo * DAY);
    await db.query(
      `INSERT INTO tasks (id, organization_id, patient_id, facility, visit_number, protocol_id, step_id, task_type,
                          title, status, program, risk_tier, assignee_recipient_id, trigger_event_id,
                          trigger_match_id, triggered_at, opened_at, due_at, completed_at, outcome, completed_by,
                          alert_content)
       VALUES ($1, $2, $3, 'MERCYGEN', $4, 'ed-follow-up', 'follow-up-call', 'follow-up-call',
               'Follow-up call after ED visit', $5, 'Complex care', $6, $7, $8, $9, $10, $10, $11, $12, $13, $14, $15)`,
      [
        taskId,
        o.id,
        patientId,
        t.visit,
        completedAt === null ? "open" : "completed",
        t.tier ?? null,
        recipientOf(o.id),
        eventId,
        matchId,
        triggeredAt,
        dueAt,
        completedAt,
        t.completed?.outcome ?? null,
        completedAt === null ? null : "seed",
        JSON.stringify(alertContent),
      ],
    );
    await db.query(
      `INSERT INTO task_history (task_id, at, actor, action, to_status, detail) VALUES ($1, $2, 'notifier', 'opened', 'open', '{}')`,
      [taskId, new Date(triggeredAt.getTime() + 5_000)],
    );
    await db.query(
      `INSERT INTO deliveries (id, purpose, channel, recipient_id, organization_id, match_id, event_id, task_id,
                               content, status, attempts, provider, created_at, sent_at)
       VALUES ($1, 'alert', 'email', $2, $3, $4, $5, $6, $7, 'sent', 1, 'smtp', $8, $9)`,
      [
        `dlv-dashboard-${i}`,
        recipientOf(o.id),
        o.id,
        matchId,
        eventId,
        taskId,
        JSON.stringify(alertContent),
        new Date(triggeredAt.getTime() + 5_000),
        new Date(triggeredAt.getTime() + 12_000),
      ],
    );
  }
}

/** Script errors and console errors of each page: the test fails on any. */
const problems = new WeakMap<Page, string[]>();

/** Waits for a condition in the page (the dashboard loads asynchronously). */

async function newPage(): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, baseURL: baseUrl });
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

/** The cells of the numbers table's row for `group`: [group, denominator, numerator, rate, ...]. */
async function numbersRow(page: Page, group: string): Promise<string[]> {
  const row = page.getByRole("table", { name: /ED visit: follow-up call/ }).getByRole("row", { name: group });
  await row.waitFor();
  return (await row.getByRole("cell").allTextContents()).map((t) => t.trim());
}

async function showEdFollowUp(page: Page): Promise<void> {
  await page.getByLabel("Measure").selectOption("ed-follow-up");
  await page.getByLabel("Within x").fill("7");
  await page.getByLabel("Unit").selectOption("calendar-days");
  await page.getByLabel("Group by").selectOption("practice");
  // The seed puts nobody on a care-management list, so the report counts every patient's visits.
  await page.getByLabel("Patients").selectOption("all");
  await page.getByRole("button", { name: "Update report" }).click();
}

const textOf = (locator: Locator) => locator.textContent().then((t) => t?.trim() ?? "");

beforeAll(async () => {
  iso = isolation("dashboard");
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

describe("dashboard in headless Chromium", () => {
  it("a care manager completes an overdue task and the quality report's numerator moves", async () => {
    // Quality staff open the ED follow-up report: Elm Street has 3 ED visits; 1 followed up within 7
    // days, and 2 whose 7 days are still running (pending: outside the rate).
    const quality = await newPage();
    await signIn(quality.page, QUALITY);
    await eventually(() => quality.page.title()).toBe("Quality · Homeward");
    await eventually(() => quality.page.getByRole("link", { name: "Quality" }).isVisible()).toBe(true);
    expect(await quality.page.getByRole("link", { name: "My tasks" }).count()).toBe(0);
    await showEdFollowUp(quality.page);
    const before = await numbersRow(quality.page, ELM);
    expect(before.slice(0, 4)).toEqual([ELM, "1", "1", "100.0%"]);
    expect(before.slice(-2)).toEqual(["2", "0"]);
    // The overdue patient (overdue by the task's 2 business days, still inside the report's 7-day
    // window) is pending, not a miss.
    const misses = quality.page.getByRole("table", { name: "Misses" });
    const pending = quality.page.getByRole("table", { name: "Pending" });
    const anaPending = pending.getByRole("row").filter({ hasText: "Rivera" });
    await eventually(() => anaPending.count()).toBe(1);
    expect(await misses.getByRole("row").filter({ hasText: "Rivera" }).count()).toBe(0);

    // The care manager signs in to the census (their first screen), opens their inbox and lands on the overdue tab.
    const cm = await newPage();
    const page = cm.page;
    await signIn(page, CARE_MANAGER);
    await eventually(() => page.title()).toBe("Census · Homeward");
    await page.getByRole("link", { name: "My tasks" }).click();
    await eventually(() => page.title()).toBe("My tasks · Homeward");
    expect(await page.getByRole("link", { name: "Quality" }).count()).toBe(0);
    const overdueTab = page.getByRole("tab", { name: /Overdue/ });
    await eventually(() => overdueTab.getAttribute("aria-selected")).toBe("true");
    expect(await textOf(overdueTab)).toBe("Overdue1");
    const row = page.getByRole("tabpanel").getByRole("row").filter({ hasText: "Rivera" });
    await eventually(() => row.count()).toBe(1);
    expect(await textOf(row)).toMatch(/3 days overdue/);
    expect(await textOf(row)).toContain("Follow-up call after ED visit");

    await page.screenshot({ path: "/tmp/homeward-inbox.png" });

    // Open it: the drawer shows the encounter timeline and the alert that went out.
    await row.getByRole("button", { name: "Open" }).click();
    const drawer = page.getByRole("dialog", { name: "Follow-up call after ED visit" });
    await eventually(() => drawer.getByText("ED arrival").first().isVisible()).toBe(true);
    expect(await textOf(drawer)).toContain("ED discharge");
    expect(await textOf(drawer)).toContain("Mercy General Hospital");
    expect(await textOf(drawer)).toMatch(/Alert by email to Casey Morgan/);
    expect(await textOf(drawer)).toContain("3 days overdue");

    await page.screenshot({ path: "/tmp/homeward-task.png" });

    // A first call goes to voicemail: the attempt is recorded and the task is in progress.
    await drawer.getByLabel("Method").selectOption("phone");
    await drawer.getByLabel("Result (optional)").selectOption("left_message");
    await drawer.getByRole("button", { name: "Record attempt" }).click();
    await eventually(() => drawer.getByText("Attempt recorded.").isVisible()).toBe(true);
    expect(await textOf(drawer)).toMatch(/Attempt — Phone call, Left message/);
    expect(await textOf(drawer.locator(".drawer-status"))).toMatch(/^In progress/);

    // Complete it: reached the patient.
    await drawer.getByLabel("Reached patient").check();
    await drawer.getByLabel("Completion note (optional)").fill("Spoke with patient; PCP visit booked.");
    await drawer.getByRole("button", { name: "Complete" }).click();
    await eventually(() => drawer.getByText("Task completed: Reached patient.").isVisible()).toBe(true);
    expect(await textOf(drawer)).toContain("Spoke with patient; PCP visit booked.");
    await page.screenshot({ path: "/tmp/homeward-task-completed.png" });
    await drawer.getByRole("button", { name: "Close" }).click();

    // The inbox follows: nothing overdue, the task is under Completed.
    await eventually(() => textOf(overdueTab)).toBe("Overdue0");
    await eventually(() => page.getByText("Nothing overdue.").isVisible()).toBe(true);
    await page.getByRole("tab", { name: "Completed" }).click();
    const done = page.getByRole("tabpanel").getByRole("row").filter({ hasText: "Rivera" });
    await eventually(() => done.count()).toBe(1);
    expect(await textOf(done)).toContain("Reached patient");
    const stored = await pool.query<{ status: string; outcome: string }>(
      "SELECT status, outcome FROM tasks WHERE id = $1",
      [overdueTaskId],
    );
    expect(stored.rows[0]).toEqual({ status: "completed", outcome: "reached_patient" });

    // Back on the quality page, the report moves: reached within 7 days, 2 of 2, 1 still pending.
    await quality.page.getByRole("button", { name: "Update report" }).click();
    await eventually(async () => (await numbersRow(quality.page, ELM)).slice(0, 4)).toEqual([
      ELM,
      "2",
      "2",
      "100.0%",
    ]);
    await eventually(() => anaPending.count()).toBe(0);

    // Sliced by care manager, a row's misses drill down to that care manager's tasks.
    await quality.page.getByLabel("Group by").selectOption("care_manager");
    await eventually(async () => (await numbersRow(quality.page, "Jordan Lee")).slice(0, 4)).toEqual([
      "Jordan Lee",
      "3",
      "1",
      "33.3%",
    ]);
    await quality.page.getByRole("button", { name: "Show the 2 misses of Jordan Lee" }).click();
    await eventually(() => quality.page.getByText("Showing Jordan Lee only.").isVisible()).toBe(true);
    expect(await misses.getByRole("row").filter({ hasText: "Oak Valley Pediatrics" }).count()).toBe(2);
    expect(await misses.getByRole("row").filter({ hasText: "Elm Street" }).count()).toBe(0);
    await quality.page.getByRole("button", { name: "Show all misses" }).click();
    await quality.page.getByLabel("Group by").selectOption("practice");
    await numbersRow(quality.page, ELM);

    // Signing out ends the session on the server: a copy of the token no longer works.
    const token = await page.evaluate<string | null>('sessionStorage.getItem("homeward.token")');
    expect(token).toBeTruthy();
    await page.getByRole("button", { name: "Sign out" }).click();
    await eventually(() => page.getByText("You have signed out.").isVisible()).toBe(true);
    await page.screenshot({ path: "/tmp/homeward-signed-out.png" });
    const afterSignOut = await fetch(`${baseUrl}/api/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(afterSignOut.status).toBe(401);

    // No patient data in the address bar or the title of either window.
    for (const p of [page, quality.page]) {
      expect(p.url()).not.toMatch(/Rivera|Ana/i);
      expect(await p.title()).not.toMatch(/Rivera|Ana/i);
    }
    // Nothing went wrong in the browser along the way.
    for (const p of [page, quality.page]) expect(problems.get(p)).toEqual([]);

    await quality.page.evaluate("window.scrollTo({ top: 0, behavior: 'instant' })");
    await quality.page.screenshot({ path: SCREENSHOT });
    await quality.page.screenshot({ path: "/tmp/homeward-dashboard-full.png", fullPage: true });
    await quality.context.close();
    await cm.context.close();
  }, 120_000);
});
