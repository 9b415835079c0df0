import { readFile } from "node:fs/promises";
import { type Browser, type BrowserContext, chromium, type Locator, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiTest, NOW, PASSWORD, startTestApi, USERS, type UserKey } from "./api.test-support.ts";
import { screenshot } from "./browser.test-support.ts";

// The admin screens in a real browser (Debian's chromium, driven by playwright-core) against the real
// api and PostgreSQL with the api tests' seed (practices SFM and RVP, the plan BCP, a review whose
// candidates are MARISOL of SFM and HENRIETTA of RVP). Screenshots: /tmp/homeward-admin-*.png.

async function chromiumPath(): Promise<string> {
  const helper = new URL("../../../infra/ensure-chromium.mjs", import.meta.url).href;
  const { ensureChromium } = (await import(helper)) as { ensureChromium: () => string };
  return ensureChromium();
}

let t: ApiTest;
let browser: Browser;
let baseUrl: string;
const problems = new WeakMap<Page, string[]>();

const eventually = <T>(read: () => Promise<T> | T) => expect.poll(read, { timeout: 10_000 });
// biome-ignore lint/performance/useDomNodeTextContent: the rendered text, laid out as a person reads it.
const textOf = (locator: Locator) => locator.innerText().then((s) => s.replace(/\s+/g, " ").trim());

beforeAll(async () => {
  t = await startTestApi("admin-screens-browser");
  baseUrl = await t.listen();
  const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
  browser = await chromium.launch({
    executablePath: await chromiumPath(),
    headless: true,
    args: isRoot ? ["--no-sandbox"] : [],
  });
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

async function openPage(): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({
    viewport: { width: 1366, height: 900 },
    baseURL: baseUrl,
    timezoneId: "America/New_York",
    acceptDownloads: true,
  });
  // The browser lives at the api's test clock (NOW): its tokens are fresh there.
  await context.clock.setFixedTime(NOW);
  const page = await context.newPage();
  const seen: string[] = [];
  page.on("pageerror", (error) => seen.push(error.message));
  page.on("console", (message) => {
    if (message.type() === "error") seen.push(message.text());
  });
  problems.set(page, seen);
  return { context, page };
}

async function signIn(page: Page, email: string, password: string): Promise<void> {
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

async function signedIn(who: UserKey, path = "/"): Promise<{ context: BrowserContext; page: Page }> {
  const opened = await openPage();
  await opened.page.goto(path);
  await signIn(opened.page, USERS[who].email, PASSWORD);
  await eventually(() => opened.page.getByRole("button", { name: "Sign out" }).isVisible()).toBe(true);
  return opened;
}

describe("admin screens in headless Chromium", () => {
  it("review queue: two candidates side by side, chosen and rejected from the keyboard", async () => {
    const { context, page } = await signedIn("root", "/admin/reviews");
    await eventually(() => page.title()).toBe("Review queue · Homeward");
    const review = page.getByRole("region", { name: "Selected review" });
    await eventually(() => textOf(review)).toContain("ED arrival at MERCYGEN");
    const headers = review.getByRole("columnheader");
    expect(await textOf(headers.nth(2))).toMatch(
      /^Candidate 1 MARISOL QUILLFEATHER Score 0\.8 Chosen \(1\)/i,
    );
    expect(await textOf(headers.nth(3))).toMatch(
      /^Candidate 2 HENRIETTA VANTERPOOL Score 0\.6 Choose \(2\)/i,
    );
    const family = review
      .getByRole("row")
      .filter({ has: page.getByRole("rowheader", { name: "Family name" }) });
    expect(await textOf(family)).toBe(
      "Family name QUILFEATHER QUILLFEATHER close: typo? +4.9 VANTERPOOL differs −4.6",
    );
    // 2 chooses HENRIETTA; the confirm button follows the choice.
    await page.keyboard.press("2");
    await eventually(() => textOf(headers.nth(3))).toContain("Chosen (2)");
    expect(
      await review.getByRole("button", { name: /^Confirm: it is HENRIETTA VANTERPOOL/ }).isVisible(),
    ).toBe(true);
    await screenshot(page, "/tmp/homeward-admin-reviews-candidates.png");
    // r arms, Esc cancels: nothing decided.
    await page.keyboard.press("r");
    await eventually(() => textOf(review)).toContain("Press r again (or Enter) to reject");
    await page.keyboard.press("Escape");
    await eventually(() => textOf(review)).not.toContain("Press r again");
    const pending = await t.pool.query("SELECT status FROM match_reviews WHERE event_id = 'evt-review-1'");
    expect(pending.rows).toEqual([{ status: "pending" }]);
    // r, Enter rejects.
    await page.keyboard.press("r");
    await page.keyboard.press("Enter");
    await eventually(() => textOf(page.locator(".review-outcome"))).toBe(
      "Rejected: ED arrival at MERCYGEN stays unmatched.",
    );
    const decided = await t.pool.query("SELECT status FROM match_reviews WHERE event_id = 'evt-review-1'");
    expect(decided.rows).toEqual([{ status: "rejected" }]);
    // The decided list says who decided.
    await page.getByLabel("Show").selectOption("rejected");
    await eventually(() => textOf(review)).toContain(
      "Rejected: none of the candidates by root@homeward.example",
    );
    expect(problems.get(page)).toEqual([]);
    await context.close();
  });

  it("access log: filtered by user from a row, then exported as CSV with the same filter", async () => {
    await t.call("cmA", { url: "/api/tasks/task-a1" });
    await t.call("cmA", { url: "/api/tasks/task-a3" });
    await t.call("cmB", { url: "/api/tasks/task-b1" });
    const { context, page } = await signedIn("adminA");
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Admin" }).click();
    await eventually(() => page.title()).toBe("Admin · Homeward");
    // A practice admin has no review queue.
    const adminNav = page.getByRole("navigation", { name: "Admin" });
    expect(await adminNav.getByRole("link").allTextContents()).not.toContain("Review queue");
    await adminNav.getByRole("link", { name: "Access log" }).click();
    await eventually(() => page.title()).toBe("Access log · Homeward");
    const log = page.getByRole("table", { name: "Access log" });
    await eventually(() => log.getByRole("row").count()).toBeGreaterThan(2);
    expect(await textOf(log)).not.toContain("cm@rvp.example");
    await log.getByRole("button", { name: "cm@sfm.example" }).first().click();
    await eventually(() => page.url()).toBe(`${baseUrl}/admin/access-log?userEmail=cm%40sfm.example`);
    await eventually(() => textOf(page.locator(".access-summary"))).toBe("1–2 of 2 rows");
    const first = log.getByRole("row").nth(1);
    expect(await textOf(first)).toContain("cm@sfm.example Care manager task.read");
    expect(await textOf(first)).toContain("Springvale Family Medicine GET /api/tasks/:id");
    // Times in the viewer's zone, named: NOW is 10:00 in New York, but the rows carry the database's clock.
    expect(await textOf(first)).toMatch(/E[SD]T/);
    await screenshot(page, "/tmp/homeward-admin-access-log.png");

    const downloading = page.waitForEvent("download");
    await page.getByRole("button", { name: "Export CSV" }).click();
    const file = await downloading;
    expect(file.suggestedFilename()).toBe("access-log_2026-03-10.csv");
    const csv = await readFile((await file.path()) ?? "", "utf8");
    const lines = csv.trimEnd().split("\r\n");
    expect(lines).toHaveLength(3);
    expect(lines.slice(1).every((l) => l.includes(",cm@sfm.example,care_manager,task.read,patient,"))).toBe(
      true,
    );
    await eventually(() => textOf(page.locator(".admin-access-log .form-status"))).toContain(
      "The export is downloading",
    );
    expect(problems.get(page)).toEqual([]);
    await context.close();
  });

  it("organizations: a practice admin sets the zone, detail level and holiday state, and closes a day", async () => {
    const { context, page } = await signedIn("adminA", "/admin/organizations");
    await eventually(() => page.title()).toBe("Organizations · Homeward");
    const settings = page.getByRole("form", { name: "Settings" });
    await eventually(() => settings.isVisible()).toBe(true);
    // One organization: no list to choose from; its name is a system admin's to change.
    expect(await page.getByRole("navigation", { name: "Organizations" }).isVisible()).toBe(false);
    expect(await settings.getByLabel("Name", { exact: true }).isDisabled()).toBe(true);
    await settings.getByLabel("Time zone").selectOption("America/Chicago");
    await settings.getByRole("radio", { name: /Limited/ }).check();
    await settings.getByLabel("State or region").selectOption("MA");
    await settings.getByRole("button", { name: "Save settings" }).click();
    await eventually(() => textOf(page.locator(".org-detail .notice").first())).toBe(
      "Saved: time zone, alert detail level, holiday state changed. Deadlines of new tasks follow it.",
    );
    const holidays = page.getByRole("table", { name: "Public holidays in 2026" });
    await eventually(() => textOf(holidays)).toContain("Mon, Apr 20, 2026 Patriots' Day");
    expect(await holidays.getByRole("row").count()).toBe(15);

    const closing = page.getByRole("form", { name: "Add a closed day" });
    await closing.getByLabel("Day").fill("2026-03-20");
    await closing.getByLabel("Reason (optional)").fill("Staff training");
    await closing.getByRole("button", { name: "Close this day" }).click();
    const closed = page.getByRole("table", { name: "Closed days" });
    await eventually(() => textOf(closed)).toBe("Fri, Mar 20, 2026 Staff training Remove");
    await screenshot(page, "/tmp/homeward-admin-organizations.png");

    const stored = await t.pool.query(
      `SELECT o.time_zone, s.alert_detail_level, s.holiday_state,
              ARRAY(SELECT to_char(day, 'YYYY-MM-DD') FROM organization_closures c WHERE c.organization_id = o.id) AS closed
         FROM organizations o JOIN organization_settings s ON s.organization_id = o.id WHERE o.id = $1`,
      [t.ids.practiceA],
    );
    expect(stored.rows).toEqual([
      {
        time_zone: "America/Chicago",
        alert_detail_level: "limited",
        holiday_state: "MA",
        closed: ["2026-03-20"],
      },
    ]);
    const audit = await t.pool.query(
      "SELECT action FROM audit_log WHERE subject_type = 'organization' AND subject_id = $1 ORDER BY id",
      [t.ids.practiceA],
    );
    expect(audit.rows).toEqual([{ action: "organization.update" }, { action: "organization.closure.add" }]);
    await closed.getByRole("button", { name: "Remove Fri, Mar 20, 2026" }).click();
    await eventually(() => textOf(page.getByRole("region", { name: "Closed days" }))).toContain(
      "No closed days.",
    );
    expect(problems.get(page)).toEqual([]);
    await context.close();
  });

  it("users: an invited care manager opens the one-time link, sets a password and is signed in", async () => {
    const { context, page } = await signedIn("adminA", "/admin/users");
    await eventually(() => page.title()).toBe("Users · Homeward");
    const list = page.getByRole("table", { name: "Users" });
    await eventually(() => textOf(list)).toContain("cm@sfm.example");
    expect(await textOf(list.getByRole("row").filter({ hasText: "admin@sfm.example" }))).toContain("You");

    await page.getByRole("button", { name: "Invite a user" }).click();
    const form = page.getByRole("form", { name: "Invite a user" });
    await form.getByLabel("E-mail").fill("robin.lee@sfm.example");
    await form.getByLabel("Role").selectOption("care_manager");
    await form.getByLabel("Works tasks as (recipient)").selectOption({ label: "Robin Lee (care manager)" });
    await form.getByRole("radio", { name: /A one-time link/ }).check();
    await form.getByRole("button", { name: "Invite" }).click();
    const link = page.getByRole("textbox", { name: "Invitation link" });
    await eventually(() => link.isVisible()).toBe(true);
    const url = await link.inputValue();
    expect(url).toMatch(new RegExp(`^${baseUrl}/invite#[A-Za-z0-9_-]{43}$`));
    const robin = list.getByRole("row").filter({ hasText: "robin.lee@sfm.example" });
    await eventually(() => textOf(robin)).toContain("Invited");
    expect(await textOf(robin)).toContain("Robin Lee");
    await screenshot(page, "/tmp/homeward-admin-users.png");

    // Robin, in a browser of their own.
    const invited = await openPage();
    await invited.page.goto(url);
    await eventually(() => invited.page.title()).toBe("Set your password · Homeward");
    await eventually(() => textOf(invited.page.locator(".signin-form"))).toContain(
      "You are invited as robin.lee@sfm.example.",
    );
    await invited.page.getByLabel("New password", { exact: true }).fill("lantern orchard gravel 42");
    await invited.page.getByLabel("New password again").fill("lantern orchard gravel 42");
    await screenshot(invited.page, "/tmp/homeward-admin-invite.png");
    await invited.page.getByRole("button", { name: "Set password and sign in" }).click();
    await eventually(() => invited.page.title()).toBe("Census · Homeward");
    expect(invited.page.url()).toBe(`${baseUrl}/census`);
    expect(await textOf(invited.page.locator("#user"))).toContain("robin.lee@sfm.example");
    expect(problems.get(invited.page)).toEqual([]);
    // The link is spent.
    const again = await openPage();
    await again.page.goto(url);
    await eventually(() => textOf(again.page.locator(".signin-form"))).toContain("This link is not valid");
    await again.context.close();
    await invited.context.close();

    await page.reload();
    await eventually(() =>
      textOf(list.getByRole("row").filter({ hasText: "robin.lee@sfm.example" })),
    ).toContain("Active");
    const audit = await t.pool.query(
      "SELECT action FROM audit_log WHERE action IN ('user.invite', 'invitation.accept') ORDER BY id",
    );
    expect(audit.rows.map((r) => r.action)).toEqual(["user.invite", "invitation.accept"]);
    expect(problems.get(page)).toEqual([]);
    await context.close();
  });

  it("users: a temporary password signs in to 'choose a new password' and nothing else until it is done", async () => {
    const { context, page } = await signedIn("adminA", "/admin/users");
    await page.getByRole("button", { name: "Invite a user" }).click();
    const form = page.getByRole("form", { name: "Invite a user" });
    await form.getByLabel("E-mail").fill("quinn@sfm.example");
    await form.getByLabel("Role").selectOption("quality");
    await form.getByRole("radio", { name: /A temporary password/ }).check();
    await form.getByRole("button", { name: "Invite" }).click();
    const output = page.getByRole("textbox", { name: "Temporary password" });
    await eventually(() => output.isVisible()).toBe(true);
    const temporary = await output.inputValue();
    expect(temporary).toMatch(/^[a-z2-9]{4}(-[a-z2-9]{4}){3}$/);
    await context.close();

    const quinn = await openPage();
    await quinn.page.goto("/quality");
    await signIn(quinn.page, "quinn@sfm.example", temporary);
    await eventually(() => quinn.page.title()).toBe("Choose a new password · Homeward");
    expect(await quinn.page.getByRole("navigation", { name: "Main" }).getByRole("link").count()).toBe(0);
    await quinn.page.getByLabel("Temporary password").fill(temporary);
    await quinn.page.getByLabel("New password", { exact: true }).fill("quiet harbor lamps 1977");
    await quinn.page.getByLabel("New password again").fill("quiet harbor lamps 1977");
    await screenshot(quinn.page, "/tmp/homeward-admin-password-change.png");
    await quinn.page.getByRole("button", { name: "Save and continue" }).click();
    await eventually(() => quinn.page.title()).toBe("Quality · Homeward");
    expect(problems.get(quinn.page)).toEqual([]);
    await quinn.context.close();
    const stored = await t.pool.query(
      "SELECT must_change_password FROM users WHERE email = 'quinn@sfm.example'",
    );
    expect(stored.rows).toEqual([{ must_change_password: false }]);
  });

  it("recipients and rules: preferences, a rule, and who would be alerted for MARISOL's ED arrival", async () => {
    const { context, page } = await signedIn("adminA", "/admin/recipients");
    await eventually(() => page.title()).toBe("Recipients and rules · Homeward");
    const people = page.getByRole("table", { name: "Recipients" });
    await eventually(() => textOf(people)).toContain("Robin Lee");

    // Robin: e-mail in a 7:00 digest, pages held from 21:00 to 07:00.
    await page.getByRole("button", { name: "Preferences of Robin Lee" }).click();
    const prefs = page.getByRole("form", { name: "Preferences of Robin Lee" });
    await eventually(() => prefs.isVisible()).toBe(true);
    await prefs.getByRole("radio", { name: /In one daily digest/ }).check();
    await prefs.getByRole("checkbox", { name: /Hold pages from/ }).check();
    await screenshot(page, "/tmp/homeward-admin-recipients.png");
    await prefs.getByRole("button", { name: "Save preferences" }).click();
    await eventually(() => textOf(page.locator(".admin-recipients .form-status"))).toBe(
      "Robin Lee: preferences saved.",
    );
    const stored = await t.pool.query(
      "SELECT email_mode, digest_hour, to_char(quiet_start, 'HH24:MI') AS qs, to_char(quiet_end, 'HH24:MI') AS qe FROM recipient_preferences WHERE recipient_id = $1",
      [t.ids.cmA2],
    );
    expect(stored.rows).toEqual([{ email_mode: "digest", digest_hour: 7, qs: "21:00", qe: "07:00" }]);

    // A rule: every care manager hears of ED arrivals.
    await page.getByRole("tab", { name: "Notification rules" }).click();
    await page.getByRole("button", { name: "Add a rule" }).click();
    const ruleForm = page.getByRole("form", { name: "Add a rule" });
    await ruleForm.getByLabel("Who is told").selectOption("all:care_manager");
    await ruleForm.getByRole("checkbox", { name: "ED arrival" }).check();
    await ruleForm.getByRole("button", { name: "Add rule" }).click();
    const rules = page.getByRole("table", { name: "Notification rules" });
    await eventually(() => textOf(rules)).toContain("Every care manager ED arrival Any Any Any");

    // Who would be alerted: MARISOL (SFM-1001, Priority I on the practice's list) arrives in the ED.
    await page.getByRole("tab", { name: "Who would be alerted" }).click();
    const ask = page.getByRole("form", { name: "Who would be alerted" });
    await ask.getByLabel("Patient", { exact: true }).fill("SFM-1001");
    await ask.getByLabel("Event").selectOption("ed-arrival");
    await ask.getByLabel("Hospital (sending facility)").fill("MERCYGEN");
    await ask.getByRole("button", { name: "Show who would be alerted" }).click();
    const practice = page.getByRole("region", { name: "Springvale Family Medicine" });
    await eventually(() => textOf(practice)).toContain("Leads: alert and task");
    expect(await textOf(practice)).toContain("complex-care · Priority I · active");
    // Priority I: Robin's digest does not hold it.
    expect(await textOf(practice)).toContain(
      "Casey Morgan · care manager · everyone in the role, by a rule E-mail at once",
    );
    expect(await textOf(practice)).toContain(
      "Robin Lee · care manager · everyone in the role, by a rule E-mail at once",
    );
    expect(await page.getByRole("region", { name: "BlueCare Plan" }).count()).toBe(0);
    await screenshot(page, "/tmp/homeward-admin-recipients-preview.png");
    const audit = await t.pool.query("SELECT subject_id FROM audit_log WHERE action = 'routing.preview'");
    expect(audit.rows).toEqual([{ subject_id: t.ids.pA1 }]);
    expect(problems.get(page)).toEqual([]);
    await context.close();
  });

  it("uploads: a practice panel with refused rows, checked by a dry run, then imported; its report downloads", async () => {
    const { context, page } = await signedIn("adminA", "/admin/uploads");
    await eventually(() => page.title()).toBe("Uploads · Homeward");
    const form = page.getByRole("form", { name: "Upload a file" });
    await eventually(() => form.getByLabel("Column preset").locator("option").count()).toBeGreaterThan(1);
    // A practice admin has no system-wide list to upload.
    expect(await form.getByLabel("What is in the file").locator("option").allTextContents()).not.toContain(
      "Sensitive facilities (42 CFR Part 2)",
    );
    await form.getByLabel("What is in the file").selectOption("panel");
    await form.getByLabel("Column preset").selectOption("practice-panel");
    await form.getByLabel("Feed name").fill("sfm-panel");
    await form.getByLabel("CSV file").setInputFiles({
      name: "springvale-panel.csv",
      mimeType: "text/csv",
      buffer: Buffer.from(
        [
          "MRN,Last Name,First Name,DOB,Sex,Zip Code",
          "SFM-3001,NEWCOMBE,ALMA,1970-01-02,F,02139",
          "SFM-3002,BADDATE,BEN,31/31/1970,M,02139",
          "SFM-3003,CARR,CARA,1980-13-05,F,02139",
          "",
        ].join("\n"),
      ),
    });
    await form.getByRole("button", { name: "Check the file (dry run)" }).click();
    const report = page.getByRole("region", { name: /Dry run of springvale-panel\.csv/ });
    await eventually(() => textOf(report)).toContain("nothing was changed");
    expect(await textOf(page.locator(".upload-progress"))).toBe("Done: 3 rows read.");
    // (Labels are shown in capitals.)
    expect((await textOf(report.locator(".upload-counts"))).toLowerCase()).toBe(
      "rows read 3 valid 1 would add 1 would change 0 would end 0 unchanged 0 refused rows 2 new patients 1",
    );
    const refused = report.getByRole("table", { name: "Refused rows" });
    expect(await refused.getByRole("row").count()).toBe(3);
    expect(await textOf(refused.getByRole("row").nth(1))).toMatch(/^3 DOB 31\/31\/1970 /);
    expect(await textOf(refused.getByRole("row").nth(2))).toMatch(/^4 DOB 1980-13-05 /);
    await screenshot(page, "/tmp/homeward-admin-uploads.png");
    const none = await t.pool.query("SELECT 1 FROM patient_identifiers WHERE value = 'SFM-3001'");
    expect(none.rowCount).toBe(0);

    await report.getByRole("button", { name: "Import the valid rows" }).click();
    const imported = page.getByRole("region", { name: "springvale-panel.csv imported" });
    await eventually(async () => (await textOf(imported)).toLowerCase()).toContain("added 1");
    const stored = await t.pool.query("SELECT 1 FROM patient_identifiers WHERE value = 'SFM-3001'");
    expect(stored.rowCount).toBe(1);
    const runs = page.getByRole("table", { name: "Import runs" });
    await eventually(() => runs.getByRole("row").count()).toBe(3);
    expect(await textOf(runs.getByRole("row").nth(1))).toContain(
      "Practice panel sfm-panel springvale-panel.csv Springvale Family Medicine admin@sfm.example completed 3 1 0 0 2",
    );
    expect(await textOf(runs.getByRole("row").nth(2))).toContain("Dry run completed 3 1 0 0 2");

    const downloading = page.waitForEvent("download");
    await imported.getByRole("button", { name: "Download all 2 row errors (CSV)" }).click();
    const file = await downloading;
    const csv = await readFile((await file.path()) ?? "", "utf8");
    expect(
      csv
        .trimEnd()
        .split("\r\n")
        .map((l) => l.split(",").slice(0, 3).join(",")),
    ).toEqual(["line,column,value", "3,DOB,31/31/1970", "4,DOB,1980-13-05"]);
    await screenshot(page, "/tmp/homeward-admin-uploads-history.png");
    expect(problems.get(page)).toEqual([]);
    await context.close();
  });
});
