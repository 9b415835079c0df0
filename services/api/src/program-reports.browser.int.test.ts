import { readFile } from "node:fs/promises";
import type { Browser, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiTest, NOW, PASSWORD, startTestApi, USERS } from "./api.test-support.ts";
import { eventually, launchChromium } from "./browser.test-support.ts";

// The program reports screen in headless Chromium against the api and PostgreSQL: quality staff of
// practice A open "Program reports", choose December 2025 to February 2026 and read the numbers
// worked out below; the by-month CSV says the same; opening the frequent-ED list is in the access log.

let t: ApiTest;
let browser: Browser;
let baseUrl: string;
let juno = "";

/**
 * Practice A (the shared seed enrolls QUILLFEATHER and ABERNATHY since June 2025) gets 18 more
 * patients from 1 November: 20 enrolled all of December, January and February = 20 member-months
 * each. Its events in those months (all the shared seed's are in March, outside the period):
 * - ED visits: December 2 (JUNO, one other), January 3 (JUNO twice, one other), February 1 (JUNO)
 *   → 100.0, 150.0 and 50.0 per 1,000; the period 6 × 1000 / 60 = 100.0. JUNO has 4 in 12 months.
 * - Admissions in January: P1 (1–5 Jan), P2 (6–10 Jan), P1 again on 20 Jan, still in hospital → 3,
 *   150.0 per 1,000; index discharges 5 and 10 January, P1 readmitted within 30 days → 1 of 2, 50.0%.
 * - Alerts: three Mercy General events first alerted after 2, 4 and 30 minutes → median 4.0, p90
 *   4 + 0.8 × 26 = 24.8, 2 of 3 within 15 minutes (66.7%).
 * - Casey Morgan (the care manager user): week of 2 February 3 attempts, 2 contacts, 2 completed;
 *   week of 9 February 1, 1, 1 → 4, 3, 3.
 */
async function seedProgram(): Promise<void> {
  const { practiceA, cmA } = t.ids;
  const q = (sql: string, params: unknown[]) => t.pool.query(sql, params);
  const patient = async (family: string, given: string) =>
    String(
      (
        await q("INSERT INTO patients (family_name, given_name, sex) VALUES ($1, $2, 'U') RETURNING id", [
          family,
          given,
        ])
      ).rows[0]?.id,
    );
  const patients: string[] = [];
  for (let i = 1; i <= 18; i += 1) {
    const id = await patient(i === 1 ? "BRIGHTWATER" : `PROGRAM-${i}`, i === 1 ? "JUNO" : "TEST");
    patients.push(id);
    await q(
      `INSERT INTO care_management_enrollments (patient_id, program, listed_by_org_id, practice_org_id, status, source,
              effective_from, risk_tier)
       VALUES ($1, 'complex-care', $2, $2, 'active', 'sfm-program', '2025-11-01', 'II')`,
      [id, practiceA],
    );
  }
  juno = patients[0] ?? "";
  const [, p1 = "", p2 = "", other = ""] = patients;
  let seq = 0;
  const announce = async (patientId: string, kind: string, visit: string, at: string) => {
    seq += 1;
    const matchId = `match-prog-${seq}`;
    const setting = kind.startsWith("ed-") ? "ed" : "inpatient";
    await q(
      `INSERT INTO matched_events (match_id, organization_id, patient_id, event_id, event_kind, facility, visit_number,
              occurred_at, copy, record)
       VALUES ($1, $2, $3, $4, $5, 'MERCYGEN', $6, $7, 'lead', $8)`,
      [
        matchId,
        practiceA,
        patientId,
        `evt-prog-${seq}`,
        kind,
        visit,
        at,
        JSON.stringify({
          event: { facility: { displayName: "Mercy General", timeZone: "America/New_York" } },
          encounter: { setting },
          enrollment: { program: "complex-care" },
          flags: {},
        }),
      ],
    );
    return matchId;
  };
  const alerted = (matchId: string, at: string, minutes: number) =>
    q(
      `INSERT INTO deliveries (id, purpose, channel, recipient_id, organization_id, match_id, content, status, sent_at)
       VALUES ($1, 'alert', 'email', $2, $3, $1, '{}', 'sent', $4::timestamptz + make_interval(mins => $5))`,
      [matchId, cmA, practiceA, at, minutes],
    );
  await alerted(
    await announce(juno, "ed-arrival", "PJ-1", "2025-12-03T15:00:00Z"),
    "2025-12-03T15:00:00Z",
    2,
  );
  await announce(other, "ed-discharge", "PO-1", "2025-12-20T15:00:00Z");
  await alerted(
    await announce(juno, "ed-arrival", "PJ-2", "2026-01-08T15:00:00Z"),
    "2026-01-08T15:00:00Z",
    4,
  );
  await alerted(
    await announce(juno, "ed-discharge", "PJ-3", "2026-01-22T15:00:00Z"),
    "2026-01-22T15:00:00Z",
    30,
  );
  await announce(other, "ed-discharge", "PO-2", "2026-01-28T15:00:00Z");
  await announce(juno, "ed-discharge", "PJ-4", "2026-02-18T15:00:00Z");
  await announce(p1, "inpatient-admit", "P1-1", "2026-01-01T15:00:00Z");
  await announce(p1, "discharge", "P1-1", "2026-01-05T15:00:00Z");
  await announce(p2, "inpatient-admit", "P2-1", "2026-01-06T15:00:00Z");
  await announce(p2, "discharge", "P2-1", "2026-01-10T15:00:00Z");
  await announce(p1, "inpatient-admit", "P1-2", "2026-01-20T15:00:00Z");

  // Casey Morgan's work on A's tasks.
  const user = await q("SELECT id FROM users WHERE email = $1", [USERS.cmA.email]);
  const casey = `user:${user.rows[0]?.id}`;
  const task = async (n: number) => {
    const id = `task-prog-${n}`;
    await q(
      `INSERT INTO tasks (id, organization_id, patient_id, facility, visit_number, protocol_id, step_id, task_type, title,
              program, assignee_recipient_id, trigger_event_id, trigger_match_id, triggered_at, due_at, alert_content)
       VALUES ($1, $2, $3, 'MERCYGEN', $1, 'ed-follow-up', 'call', 'follow-up-call', 'Follow-up call', 'complex-care',
               $4, $1, $1, '2026-01-30T15:00:00Z', '2026-02-03T15:00:00Z', '{}')`,
      [id, practiceA, patients[n] ?? "", cmA],
    );
    return id;
  };
  const history = (taskId: string, at: string, action: string, outcome: string) =>
    q("INSERT INTO task_history (task_id, at, actor, action, detail) VALUES ($1, $2, $3, $4, $5)", [
      taskId,
      at,
      casey,
      action,
      JSON.stringify({ outcome }),
    ]);
  const complete = (taskId: string, at: string, outcome: string, contactedAt: string | null) =>
    q(
      `UPDATE tasks SET status = 'completed', completed_at = $2, outcome = $3, completed_by = $4, contacted_at = $5
        WHERE id = $1`,
      [taskId, at, outcome, casey, contactedAt],
    );
  const t1 = await task(3);
  await history(t1, "2026-02-02T15:00:00Z", "attempt", "left_message");
  await history(t1, "2026-02-03T15:00:00Z", "attempt", "reached_patient");
  await complete(t1, "2026-02-04T15:00:00Z", "reached_patient", "2026-02-03T15:00:00Z");
  const t2 = await task(4);
  await history(t2, "2026-02-05T15:00:00Z", "attempt", "reached_patient");
  await complete(t2, "2026-02-05T16:00:00Z", "reached_patient", "2026-02-05T15:00:00Z");
  const t3 = await task(5);
  await history(t3, "2026-02-10T15:00:00Z", "attempt", "reached_patient");
  await complete(t3, "2026-02-11T15:00:00Z", "reached_patient", "2026-02-10T15:00:00Z");
}

const textOf = (locator: Locator) => locator.textContent().then((s) => s?.replace(/\s+/g, " ").trim() ?? "");
/** What the tests read of an element in the page (the api's typecheck has no DOM library). */
interface Shown {
  children: ArrayLike<{ textContent: string | null }>;
}
/** Each KPI as "title value note". */
const kpiTexts = (page: Page) =>
  page
    .locator(".kpi")
    .evaluateAll((els: Shown[]) =>
      els.map((e) => Array.from(e.children, (c) => (c.textContent ?? "").trim()).join(" ")),
    );
/** The cells of a table's body rows, as text. */
const cellsOf = (tableLocator: Locator) =>
  tableLocator
    .locator("tbody tr")
    .evaluateAll((rows: Shown[]) =>
      rows.map((r) => Array.from(r.children, (c) => (c.textContent ?? "").replace(/\s+/g, " ").trim())),
    );

beforeAll(async () => {
  t = await startTestApi("progbrowser");
  await seedProgram();
  baseUrl = await t.listen();
  browser = await launchChromium();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

async function signIn(page: Page, email: string) {
  await page.goto("/");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
}

describe("program reports in headless Chromium", () => {
  it("quality staff choose a period and read the rates, the frequent ED patients, activity and alert timeliness", async () => {
    const context = await browser.newContext({
      viewport: { width: 1366, height: 900 },
      baseURL: baseUrl,
      acceptDownloads: true,
    });
    await context.clock.setFixedTime(NOW);
    const page = await context.newPage();
    const problems: string[] = [];
    page.on("pageerror", (error) => problems.push(error.message));
    page.on("console", (message) => {
      if (message.type() === "error") problems.push(message.text());
    });
    // Straight to the screen's address: signing in lands there (the Quality page is not loaded).
    await page.goto("/quality/programs");
    await page.getByLabel("Email").fill(USERS.qualityA.email);
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await eventually(() => page.title()).toBe("Program reports · Homeward");
    expect(await page.getByRole("link", { name: "Program reports" }).getAttribute("aria-current")).toBe(
      "page",
    );
    expect(
      await page.getByRole("link", { name: "Quality", exact: true }).getAttribute("aria-current"),
    ).toBeNull();

    await page.getByLabel("From month").fill("2025-12");
    await page.getByLabel("To month").fill("2026-02");
    await page.getByRole("button", { name: "Update report" }).click();
    await eventually(() => page.url()).toContain("from=2025-12&to=2026-02");

    const months = page.getByRole("table", { name: "Utilization by month" });
    await eventually(() => cellsOf(months)).toEqual([
      ["Dec 2025", "20.0", "20.00", "2", "100.0", "0", "0.0", "0", "0", "—", "0"],
      ["Jan 2026", "20.0", "20.00", "3", "150.0", "3", "150.0", "2", "1", "50.0%", "0"],
      ["Feb 2026", "20.0", "20.00", "1", "50.0", "0", "0.0", "0", "0", "—", "0"],
      ["Period", "20.0", "60.00", "6", "100.0", "3", "50.0", "2", "1", "50.0%", "0"],
    ]);
    expect(await textOf(page.locator(".period-note"))).toBe(
      "Dec 1, 2025 to Feb 28, 2026 · all programs · Springvale Family Medicine",
    );
    expect(await kpiTexts(page)).toEqual([
      "Enrolled patients 20 20.0 on average; 60 member-months",
      "ED visits per 1,000 100.0 6 ED visits",
      "Admissions per 1,000 50.0 3 admissions",
      "30-day readmissions 50.0% 1 of 2 discharges",
      "Frequent ED patients 1 4+ ED visits in 12 months",
    ]);
    expect(await page.locator("#use-by-month").getAttribute("aria-label")).toContain(
      "ED visits per 1,000 Dec 2025 100.0, Jan 2026 150.0, Feb 2026 50.0",
    );

    const frequent = page.getByRole("table", { name: "Frequent ED patients" });
    const [juneRow] = await cellsOf(frequent);
    expect(juneRow?.slice(0, 3)).toEqual(["BRIGHTWATER, JUNO", "4", "1"]);
    expect(juneRow?.[3]).toBe("Wed Feb 18, 10:00 AM EST, Mercy General");
    expect(juneRow?.[4]).toBe("complex-care · Priority II");
    expect(await textOf(page.locator("#frequent-heading").locator("xpath=../.."))).toContain(
      "from Mar 1, 2025 to Feb 28, 2026",
    );

    expect(await cellsOf(page.getByRole("table", { name: "Activity per care manager" }))).toEqual([
      ["Casey Morgan", "4", "3", "3", "2"],
    ]);
    expect(await cellsOf(page.getByRole("table", { name: "Alert timeliness by facility" }))).toEqual([
      ["Mercy General", "3", "3", "4.0 min", "24.8 min", "66.7% (2)"],
    ]);

    // Opening the list named JUNO: the access log has it, under practice A.
    const audit = await t.pool.query<{ subject_id: string; organization_id: string }>(
      "SELECT DISTINCT subject_id, organization_id::text FROM audit_log WHERE action = 'report.frequent-ed'",
    );
    expect(audit.rows).toEqual([{ subject_id: juno, organization_id: t.ids.practiceA }]);

    await page.evaluate("window.scrollTo({ top: 0, behavior: 'instant' })");
    await page.screenshot({ path: "/tmp/homeward-program-reports.png", fullPage: true });

    // The by-month CSV: the same numbers as the table.
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: "Download by-month CSV" }).click(),
    ]);
    expect(download.suggestedFilename()).toBe("program_2025-12-01_2026-02-28.csv");
    const csv = (await readFile((await download.path()) ?? "", "utf8")).split("\r\n");
    expect(csv[0]).toBe(
      "level,organization_id,organization_name,month,first_day,last_day,days_covered,enrolled_average,enrolled_at_end,member_months,ed_visits,ed_visits_per1000,admissions,admissions_per1000,index_discharges,readmissions,readmission_rate,pending_discharges",
    );
    expect(csv[2]).toBe(
      `month,${t.ids.practiceA},Springvale Family Medicine,2026-01,2026-01-01,2026-01-31,31,20,20,20,3,150,3,150,2,1,0.5,0`,
    );

    // A reload keeps the period (the server serves the page at this address).
    await page.reload();
    await eventually(() => cellsOf(page.getByRole("table", { name: "Utilization by month" }))).toHaveLength(
      4,
    );
    expect(problems).toEqual([]);
    await context.close();
  }, 120_000);

  it("a care manager has no Program reports entry and is sent to their first screen", async () => {
    const context = await browser.newContext({ baseURL: baseUrl });
    await context.clock.setFixedTime(NOW);
    const page = await context.newPage();
    await signIn(page, USERS.cmA.email);
    await eventually(() => page.getByRole("link", { name: "Census" }).isVisible()).toBe(true);
    expect(await page.getByRole("link", { name: "Program reports" }).count()).toBe(0);
    await page.goto("/quality/programs");
    await eventually(() => new URL(page.url()).pathname).toBe("/census");
    await context.close();
  }, 60_000);
});
