import { notifyWorkspaceChanged } from "@homeward/db";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiTest, NOW, PASSWORD, startTestApi, USERS } from "./api.test-support.ts";
import { eventually, launchChromium, textOf } from "./browser.test-support.ts";

// An alert's link in a real browser (Debian's chromium, driven by playwright-core) against the real
// api and PostgreSQL with the api tests' seed: the care manager follows /events/match-V-A4 (an
// admission in progress that opened no task), signs in, reads who, where and why and why no task was
// opened, opens a follow-up task with one click, and goes on to the patient page.

const EVENT_SCREENSHOT = "/tmp/homeward-event.png";
const PATIENT_SCREENSHOT = "/tmp/homeward-patient.png";

let t: ApiTest;
let browser: Browser;
let baseUrl: string;

beforeAll(async () => {
  t = await startTestApi("ws-event-browser");
  baseUrl = await t.listen();
  browser = await launchChromium();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

describe("the event page an alert links to, in headless Chromium", () => {
  it("a care manager follows the link, opens a follow-up task and goes on to the patient", async () => {
    const context = await browser.newContext({ viewport: { width: 1366, height: 900 }, baseURL: baseUrl });
    // The browser lives at the api's test clock (NOW): its tokens are fresh there, "overdue" agrees.
    await context.clock.setFixedTime(NOW);
    const page: Page = await context.newPage();
    const problems: string[] = [];
    page.on("pageerror", (error) => problems.push(error.message));
    page.on("console", (message) => {
      if (message.type() === "error") problems.push(message.text());
    });

    // The alert's link, before signing in: the sign-in form, then the event itself.
    await page.goto("/events/match-V-A4");
    await page.getByLabel("Email").fill(USERS.cmA.email);
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    const heading = page.getByRole("heading", { level: 1 });
    await eventually(() => textOf(heading)).toBe("Inpatient admission — Mercy General");
    expect(page.url()).toBe(`${baseUrl}/events/match-V-A4`);
    expect(await page.title()).toBe("Event · Homeward");

    // Who, where and why; event times in the facility's zone (Chicago), named.
    const who = page.getByRole("region", { name: "Who" });
    const where = page.getByRole("region", { name: "Where" });
    const why = page.getByRole("region", { name: "Why" });
    expect(await textOf(who)).toContain("OTIS ABERNATHY");
    expect(await textOf(who)).toContain("SFM-1002");
    expect(await textOf(where)).toContain("Mercy General (MERCYGEN)");
    expect(await textOf(where)).toMatch(/Unit 4W Room 12 Bed A/);
    expect(await textOf(why)).toContain("Chest pain (R07.9)");
    expect(await textOf(why)).toContain("Tue Mar 10, 5:00 AM CDT");
    expect(await textOf(why)).toContain("INGRID HALVORSEN");
    const careTeam = page.getByRole("region", { name: "Care team" });
    expect(await textOf(careTeam)).toContain("Robin Lee");
    expect(await textOf(careTeam)).toContain("Care manager of record (the enrollment names them)");

    // No task, and why, in the alert email's words; then one click opens one.
    const followUp = page.getByRole("region", { name: "Follow-up" });
    expect(await textOf(followUp)).toContain(
      "No follow-up task was opened because no protocol opens a task for this kind of event.",
    );
    await page.screenshot({ path: "/tmp/homeward-event-before.png", fullPage: true });
    await followUp.getByRole("button", { name: "Create follow-up task" }).click();
    await eventually(() =>
      page.getByText(/^Follow-up task opened: due Thu Mar 12 \(end of day\)/).isVisible(),
    ).toBe(true);
    expect(await textOf(page.getByRole("status").first())).toContain(
      "assigned to Robin Lee (the care manager of record)",
    );
    const taskRow = followUp.getByRole("row").filter({ hasText: "Follow-up call after inpatient admission" });
    await eventually(() => taskRow.count()).toBe(1);
    expect(await textOf(taskRow)).toContain("due Thu Mar 12 (end of day)");
    expect(await textOf(followUp)).not.toContain("No follow-up task was opened");
    expect(await followUp.getByRole("button", { name: "Create follow-up task" }).count()).toBe(0);
    const stored = await t.pool.query(
      "SELECT count(*)::int AS n FROM tasks WHERE trigger_match_id = 'match-V-A4'",
    );
    expect(stored.rows[0]).toEqual({ n: 1 });

    // The task opens in the drawer, with who opened it.
    await taskRow.getByRole("button", { name: "Open" }).click();
    const drawer = page.getByRole("dialog", { name: "Follow-up call after inpatient admission" });
    await eventually(() => drawer.getByText("Opened by hand from the event page").isVisible()).toBe(true);
    expect(await textOf(drawer)).toContain(`by ${USERS.cmA.email}`);
    expect(await drawer.getByRole("link", { name: "Open the event" }).getAttribute("href")).toBe(
      "/events/match-V-A4",
    );
    expect(await drawer.getByRole("link", { name: "Open the patient" }).getAttribute("href")).toBe(
      `/patients/${t.ids.pA2}`,
    );
    await drawer.getByRole("button", { name: "Close" }).click();

    await page.evaluate("window.scrollTo({ top: 0, behavior: 'instant' })");
    await page.screenshot({ path: EVENT_SCREENSHOT, fullPage: true });

    // On to the patient: encounters (each event linking back), tasks with history, alerts.
    await who.getByRole("link", { name: /Open the patient/ }).click();
    await eventually(() => textOf(heading)).toBe("OTIS ABERNATHY");
    expect(page.url()).toBe(`${baseUrl}/patients/${t.ids.pA2}`);
    expect(await page.title()).toBe("Patient · Homeward");
    const encounters = page.getByRole("region", { name: "Encounters" });
    expect(await textOf(encounters)).toContain("Mercy General");
    expect(await encounters.getByRole("link", { name: "Inpatient admission" }).getAttribute("href")).toBe(
      "/events/match-V-A4",
    );
    expect(await encounters.getByRole("link", { name: "ED discharge" }).getAttribute("href")).toBe(
      "/events/match-V-A2",
    );
    const tasks = page.getByRole("region", { name: "Tasks" });
    expect(await textOf(tasks)).toContain("Follow-up call after inpatient admission");
    expect(await textOf(tasks)).toContain("Follow-up call after ED visit");
    const alerts = page.getByRole("region", { name: "Alerts sent" });
    expect(await textOf(alerts)).toContain("Robin Lee");
    const care = page.getByRole("region", { name: "Care team and enrollments" });
    expect(await textOf(care)).toContain("Priority II");
    // Nothing of practice B's.
    // biome-ignore lint/performance/useDomNodeTextContent: what the page shows, not hidden text.
    expect(await page.locator("main").innerText()).not.toMatch(/Riverside|VANTERPOOL|RVP-/);
    await page.screenshot({ path: PATIENT_SCREENSHOT, fullPage: true });

    // A task of the patient's opens in the drawer, which leads to the event that opened it.
    await tasks.getByRole("link", { name: "Follow-up call after ED visit" }).click();
    const edTask = page.getByRole("dialog", { name: "Follow-up call after ED visit" });
    await edTask.getByRole("link", { name: "Open the event" }).click();
    await eventually(() => textOf(heading)).toBe("ED discharge — Mercy General");
    expect(page.url()).toBe(`${baseUrl}/events/match-V-A2`);
    expect(await edTask.isVisible()).toBe(false);
    const edFollowUp = page.getByRole("region", { name: "Follow-up" });
    expect(await textOf(edFollowUp)).toContain("Follow-up call after ED visit");

    // And back to the admission from the patient's encounter list.
    await page.goBack();
    await eventually(() => textOf(heading)).toBe("OTIS ABERNATHY");
    await encounters.getByRole("link", { name: "Inpatient admission" }).click();
    await eventually(() => textOf(heading)).toBe("Inpatient admission — Mercy General");

    expect(problems).toEqual([]);
    await context.close();
  }, 120_000);

  it("an open event page and patient page follow a colleague's change of the task without a reload", async () => {
    const context = await browser.newContext({ viewport: { width: 1366, height: 900 }, baseURL: baseUrl });
    await context.clock.setFixedTime(NOW);
    const page: Page = await context.newPage();
    await page.goto("/events/match-V-A2");
    await page.getByLabel("Email").fill(USERS.cmA.email);
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await eventually(() => textOf(page.getByRole("heading", { level: 1 }))).toBe(
      "ED discharge — Mercy General",
    );
    const taskRow = page
      .getByRole("region", { name: "Follow-up" })
      .getByRole("row")
      .filter({ hasText: "Follow-up call after ED visit" });
    await eventually(() => textOf(taskRow)).not.toContain("Completed");

    // The supervisor closes the task elsewhere; the api NOTIFYs the organization's workspace channel
    // (here by hand, as the notifier and the task commands do after their commit).
    const [task] = (
      await t.pool.query<{ id: string }>(
        "SELECT id FROM tasks WHERE trigger_match_id = 'match-V-A2' AND status <> 'completed' ORDER BY id LIMIT 1",
      )
    ).rows;
    if (task === undefined) throw new Error("the seed has no open task for match-V-A2");
    const done = await t.call("adminA", {
      method: "POST",
      url: `/api/tasks/${task.id}/complete`,
      payload: { outcome: "not_needed" },
    });
    expect(done.statusCode).toBe(200);
    await notifyWorkspaceChanged(t.pool, { organizationId: t.ids.practiceA, kind: "task" });
    await eventually(() => textOf(taskRow), 15_000).toContain("Completed");

    // The patient's page follows too: the admission's follow-up (opened from its event page, which
    // is idempotent) closed elsewhere shows as closed.
    const opened = await t.call("cmA", { method: "POST", url: "/api/events/match-V-A4/tasks" });
    expect([200, 201]).toContain(opened.statusCode);
    await page
      .getByRole("region", { name: "Who" })
      .getByRole("link", { name: /Open the patient/ })
      .click();
    const tasks = page.getByRole("region", { name: "Tasks" });
    const admissionRow = tasks
      .getByRole("listitem")
      .filter({ hasText: "Follow-up call after inpatient admission" });
    await eventually(() => textOf(admissionRow)).not.toContain("Completed");
    const [admissionTask] = (
      await t.pool.query<{ id: string }>(
        "SELECT id FROM tasks WHERE trigger_match_id = 'match-V-A4' AND status <> 'completed' ORDER BY id LIMIT 1",
      )
    ).rows;
    if (admissionTask === undefined) throw new Error("no open follow-up for match-V-A4");
    const closed = await t.call("adminA", {
      method: "POST",
      url: `/api/tasks/${admissionTask.id}/complete`,
      payload: { outcome: "not_needed" },
    });
    expect(closed.statusCode).toBe(200);
    await notifyWorkspaceChanged(t.pool, { organizationId: t.ids.practiceA, kind: "task" });
    await eventually(() => textOf(admissionRow), 15_000).toContain("Completed");
    await context.close();
  }, 120_000);
});
