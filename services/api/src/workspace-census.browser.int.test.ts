import { notifyWorkspaceChanged } from "@homeward/db";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiTest, NOW, PASSWORD, startTestApi, USERS, type UserKey } from "./api.test-support.ts";
import { eventually, launchChromium, textOf } from "./browser.test-support.ts";
import { announce, followUpTask } from "./workspace/census-fixtures.test-support.ts";

// The census and the caseload in a real browser (Debian's chromium, driven by playwright-core)
// against the real api and PostgreSQL with the api tests' seed: the care manager opens the census
// first, sees the practice's admission in progress; an admission of their own patient arrives and
// a task is opened while the tab is in the background: census and inbox change without a reload,
// and the tab title counts what arrived. A supervisor reads the caseloads against their targets.

const CENSUS_SCREENSHOT = "/tmp/homeward-census.png";
const CASELOAD_SCREENSHOT = "/tmp/homeward-caseload.png";

let t: ApiTest;
let browser: Browser;
let baseUrl: string;
const problems = new WeakMap<Page, string[]>();

/** Caseloads a supervisor would recognise: one care manager over the Priority I target, one under in all. */
async function seedCaseloads(): Promise<void> {
  const enroll = (careManager: string, n: number, tier: string, status: string, tag: string) =>
    t.pool.query(
      `WITH p AS (
         INSERT INTO patients (family_name, given_name, birth_date, sex)
         SELECT 'CASELOAD' || $5 || g, 'TEST', '1950-01-01', 'F' FROM generate_series(1, $2::int) g RETURNING id)
       INSERT INTO care_management_enrollments (patient_id, program, listed_by_org_id, practice_org_id, status, source,
              effective_from, risk_tier, care_manager_recipient_id)
       SELECT id, 'complex-care', $1, $1, $4, 'sfm-browser', '2025-06-01', $3, $6 FROM p`,
      [t.ids.practiceA, n, tier, status, tag, careManager],
    );
  await enroll(t.ids.cmA, 81, "I", "active", "a1");
  await enroll(t.ids.cmA, 96, "II", "active", "a2");
  await enroll(t.ids.cmA, 12, "III", "tracking_list", "a3");
  await enroll(t.ids.cmA2, 58, "I", "active", "b1");
  await enroll(t.ids.cmA2, 70, "II", "active", "b2");
  await enroll(t.ids.cmA2, 9, "II", "monitor", "b3");
}

beforeAll(async () => {
  t = await startTestApi("ws-census-browser");
  await seedCaseloads();
  baseUrl = await t.listen();
  browser = await launchChromium();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

async function signedIn(who: UserKey): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({
    viewport: { width: 1366, height: 900 },
    baseURL: baseUrl,
    timezoneId: "America/New_York",
  });
  // The browser lives at the api's test clock (NOW): its tokens are fresh there, "overdue" agrees.
  await context.clock.setFixedTime(NOW);
  const page = await context.newPage();
  const seen: string[] = [];
  page.on("pageerror", (error) => seen.push(error.message));
  page.on("console", (message) => {
    if (message.type() === "error") seen.push(message.text());
  });
  problems.set(page, seen);
  await page.goto("/");
  await page.getByLabel("Email").fill(USERS[who].email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await eventually(() => page.getByRole("button", { name: "Sign out" }).isVisible()).toBe(true);
  return { context, page };
}

/** As if the user switched to another tab (or back): what the title count follows. Run in the page. */
const setTabHidden = (page: Page, hidden: boolean) =>
  page.evaluate(
    `Object.defineProperty(document, "visibilityState", { configurable: true, get: () => "${hidden ? "hidden" : "visible"}" });
     document.dispatchEvent(new Event("visibilitychange"));`,
  );
/** A mark on the page's window: still there later means the page was not reloaded. */
const markPage = (page: Page) => page.evaluate("window.notReloaded = true");
const stillMarked = (page: Page) => page.evaluate("window.notReloaded === true");

describe("census and caseload in headless Chromium", () => {
  it("a care manager opens the census first, and it follows new alerts and tasks without a reload", async () => {
    const { context, page } = await signedIn("cmA");
    await eventually(() => page.title()).toBe("Census · Homeward");
    expect(page.url()).toBe(`${baseUrl}/census`);
    const nav = await page.getByRole("navigation", { name: "Main" }).getByRole("link").allTextContents();
    expect(nav.slice(0, 2)).toEqual(["Census", "My tasks"]);
    await eventually(() => page.locator(".live-badge").textContent()).toBe("Live");

    // My patients: nobody in the hospital; MARISOL, discharged from the ED yesterday, not reached yet.
    const hospital = page.getByRole("region", { name: /In the hospital now/ });
    const discharged = page.getByRole("region", { name: /Recently discharged, not yet reached/ });
    await eventually(() => textOf(hospital)).toContain("None of your patients is in the hospital now.");
    const marisol = discharged.getByRole("row").filter({ hasText: "MARISOL QUILLFEATHER" });
    await eventually(() => marisol.count()).toBe(1);
    // Discharged 26 h before NOW, read in Mercy General's zone (Chicago), the zone named.
    expect(await textOf(marisol)).toContain("Mon Mar 9, 8:00 AM CDT");
    expect(await textOf(marisol)).toContain("1 day ago");
    expect(await textOf(marisol)).toContain("No contact yet");
    expect(await textOf(marisol)).toContain("Priority I");
    expect(await marisol.getByRole("link", { name: "ED discharge" }).getAttribute("href")).toBe(
      "/events/match-V-A1",
    );

    // The whole practice: OTIS's admission in progress (the seed's V-A4), where and since when.
    await page.getByLabel("Show").selectOption("practice");
    await eventually(() => page.url()).toBe(`${baseUrl}/census?scope=practice`);
    const otis = hospital.getByRole("row").filter({ hasText: "OTIS ABERNATHY" });
    await eventually(() => otis.count()).toBe(1);
    expect(await textOf(otis)).toContain("Mercy General Inpatient · 4W, room 12, bed A");
    expect(await textOf(otis)).toContain("Tue Mar 10, 5:00 AM CDT");
    expect(await textOf(otis)).toContain("5 h so far");
    expect(await otis.getByRole("link", { name: "OTIS ABERNATHY" }).getAttribute("href")).toBe(
      `/patients/${t.ids.pA2}`,
    );
    expect(await otis.getByRole("link", { name: "Inpatient admission" }).getAttribute("href")).toBe(
      "/events/match-V-A4",
    );

    // The tab goes to the background; MARISOL is admitted at St. Luke's (the notifier records the
    // announcement and NOTIFYs): the census shows her without a reload, and the title counts it.
    await markPage(page);
    await setTabHidden(page, true);
    await announce(t.pool, {
      visit: "V-A20",
      org: { id: t.ids.practiceA, code: "SFM", name: "Springvale Family Medicine" },
      patientId: t.ids.pA1,
      kind: "inpatient-admit",
      at: -2,
      setting: "inpatient",
      status: "active",
      recipients: [t.ids.cmA],
      facility: { code: "STLUKE", name: "St. Luke's Medical Center", timeZone: "America/Denver" },
      location: { pointOfCare: "ICU", room: "7", bed: "B" },
    });
    await notifyWorkspaceChanged(t.pool, { organizationId: t.ids.practiceA, kind: "event" });
    const admitted = hospital.getByRole("row").filter({ hasText: "MARISOL QUILLFEATHER" });
    await eventually(() => admitted.count()).toBe(1);
    expect(await textOf(admitted)).toContain("St. Luke's Medical Center Inpatient · ICU, room 7, bed B");
    // Event times at St. Luke's are Mountain time.
    expect(await textOf(admitted)).toContain("Tue Mar 10, 7:00 AM MDT");
    expect(await admitted.getAttribute("class")).toContain("is-new");
    await eventually(() => page.title()).toBe("(1) Census · Homeward");
    expect(await stillMarked(page)).toBe(true);
    await page.screenshot({ path: CENSUS_SCREENSHOT, fullPage: true });
    // Back to the tab: the count goes.
    await setTabHidden(page, false);
    await eventually(() => page.title()).toBe("Census · Homeward");

    // The inbox follows the same way: a new task for Casey arrives while the tab is in the background.
    await page.getByRole("link", { name: "My tasks" }).click();
    await eventually(() => page.title()).toBe("My tasks · Homeward");
    const upcoming = page.getByRole("tab", { name: /Upcoming/ });
    await eventually(() => upcoming.textContent()).toBe("Upcoming1");
    await setTabHidden(page, true);
    await followUpTask(t.pool, {
      id: "task-a20",
      orgId: t.ids.practiceA,
      patientId: t.ids.pA1,
      visit: "V-A20",
      dueIn: 30,
      assignee: t.ids.cmA,
    });
    await notifyWorkspaceChanged(t.pool, { organizationId: t.ids.practiceA, kind: "task" });
    await eventually(() => upcoming.textContent()).toBe("Upcoming2");
    await eventually(() => page.title()).toBe("(1) My tasks · Homeward");
    await setTabHidden(page, false);
    await eventually(() => page.title()).toBe("My tasks · Homeward");
    expect(await stillMarked(page)).toBe(true);

    // The census read is in the access log, under the care manager.
    const logged = await t.pool.query(
      "SELECT count(*)::int AS n FROM audit_log WHERE action = 'census.list' AND subject_id = $1",
      [t.ids.pA1],
    );
    expect(logged.rows[0].n).toBeGreaterThan(0);
    expect(problems.get(page)).toEqual([]);
    await context.close();
  });

  it("a supervisor reads each care manager's caseload against the targets", async () => {
    const { context, page } = await signedIn("adminA");
    await page.getByRole("link", { name: "Caseload" }).click();
    await eventually(() => page.title()).toBe("Caseload · Homeward");
    const table = page.getByRole("table", { name: "Caseloads of Springvale Family Medicine" });
    const casey = table.getByRole("row").filter({ hasText: "Casey Morgan" });
    const robin = table.getByRole("row").filter({ hasText: "Robin Lee" });
    await eventually(() => casey.count()).toBe(1);
    // Casey: 81 Priority I (over 75), 189 in all (within 180–220); Robin: 58, 137 in all (under).
    expect(await textOf(casey)).toMatch(/81 \/ 75 Over target/);
    expect(await textOf(casey)).toMatch(/189 \/ 180–220 /);
    expect(await textOf(casey)).not.toContain("Under target");
    expect(await textOf(robin)).toMatch(/58 \/ 75/);
    expect(await textOf(robin)).toMatch(/137 \/ 180–220 Under target/);
    expect(await textOf(robin)).toContain("70 active · 9 monitor");
    expect(await casey.getAttribute("class")).toContain("is-over");
    // task-a1 (overdue), task-a3 and the test's task-a20 are Casey's; task-a2 has nobody.
    expect(await textOf(casey)).toMatch(/3 1$/);
    expect(await textOf(table.getByRole("row").filter({ hasText: "No care manager" }))).toMatch(/1 0$/);
    await page.screenshot({ path: CASELOAD_SCREENSHOT, fullPage: true });

    // The supervisor lowers the total range: Casey is now over in all too.
    await page.getByRole("button", { name: "Change targets" }).click();
    await page.getByLabel("Patients in all, from").fill("150");
    await page.getByLabel("to", { exact: true }).fill("180");
    await page.getByRole("button", { name: "Save targets" }).click();
    await eventually(() => textOf(casey)).toMatch(/189 \/ 150–180 Over target/);
    await eventually(() => textOf(robin)).toMatch(/137 \/ 150–180 Under target/);
    expect(problems.get(page)).toEqual([]);
    await context.close();
  });
});
