import { readFile } from "node:fs/promises";
import type { Browser, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiTest, NOW, PASSWORD, startTestApi, USERS } from "./api.test-support.ts";
import { eventually, launchChromium } from "./browser.test-support.ts";
import { reportFixtures } from "./reports/report-fixtures.test-support.ts";

// The quality page's denominator rules in headless Chromium against the api and PostgreSQL: it opens
// the ED measure at the ED protocol's 2 business days for high-risk patients; the pending visit and
// the excluded ones (admitted, transferred, died) are shown apart, outside the rate; per patient moves
// the rate as worked out below; the CSV says what the table says.

const SCREENSHOT = "/tmp/homeward-quality-rules.png";
const PRACTICE = "Springvale Family Medicine";

let t: ApiTest;
let browser: Browser;
let baseUrl: string;

/**
 * Practice A (New York), ED follow-up tasks of February and March 2026, NOW Tuesday 10 March:
 * - HOLLOWAY (tier I): Mon 2 Feb reached the 3rd, met; Mon 2 Mar still open, window ended Wed 4th: missed.
 * - ASHCROFT (II): Thu 5 Feb open, missed. PEMBERTON (II): Wed 11 Feb voicemail, missed.
 * - OKAFOR (no tier, practice flag): Tue 17 Feb reached the 18th, met.
 * - VANCE (II): Mon 9 Mar open, window to Wed 11 Mar: pending.
 * - LINDQVIST (I) admitted, MORENO (II) transferred, BRANDT (I) died: excluded.
 * - TIERNEY (III): Thu 12 Feb open: not high-risk, not in the default population.
 * Per visit: 2 of 5 (40.0%), 1 pending, 3 excluded. Per patient (first visit not excluded):
 * HOLLOWAY met, ASHCROFT, PEMBERTON missed, OKAFOR met: 2 of 4 (50.0%).
 */
async function seedRules(): Promise<void> {
  const f = reportFixtures(t.pool);
  const org = t.ids.practiceA;
  const patient = async (
    family: string,
    given: string,
    list: { tier?: "I" | "II" | "III"; flag?: boolean },
  ) => {
    const id = await f.patient(family, given);
    await f.enrollment({
      patientId: id,
      listedBy: org,
      practiceOrgId: org,
      source: `rules-${family}`,
      status: "active",
      from: "2025-06-01",
      ...list,
    });
    return id;
  };
  const task = (patientId: string, triggeredAt: string, extra: Partial<Parameters<typeof f.task>[0]> = {}) =>
    f.task({
      organizationId: org,
      patientId,
      triggeredAt,
      assignee: t.ids.cmA,
      program: "complex-care",
      ...extra,
    });
  const reached = (at: string) => ({ completed: { at, outcome: "reached_patient" } });
  const holloway = await patient("HOLLOWAY", "GRACE", { tier: "I" });
  await task(holloway, "2026-02-02T14:00:00Z", { tier: "I", ...reached("2026-02-03T16:00:00Z") });
  await task(holloway, "2026-03-02T14:00:00Z", { tier: "I" });
  await task(await patient("ASHCROFT", "DEAN", { tier: "II" }), "2026-02-05T14:00:00Z", { tier: "II" });
  await task(await patient("PEMBERTON", "LUCY", { tier: "II" }), "2026-02-11T14:00:00Z", {
    tier: "II",
    completed: { at: "2026-02-12T15:00:00Z", outcome: "left_message" },
  });
  await task(
    await patient("OKAFOR", "JAMES", { flag: true }),
    "2026-02-17T14:00:00Z",
    reached("2026-02-18T15:00:00Z"),
  );
  await task(await patient("VANCE", "MIRA", { tier: "II" }), "2026-03-09T14:00:00Z", { tier: "II" });
  await task(await patient("LINDQVIST", "ERIK", { tier: "I" }), "2026-02-20T14:00:00Z", {
    tier: "I",
    excluded: {
      reason: "admitted",
      detail: "admitted as an inpatient on 2026-02-21 (inpatient-admit, A01), within 1 day(s) of the visit",
    },
  });
  await task(await patient("MORENO", "ROSA", { tier: "II" }), "2026-02-24T14:00:00Z", {
    tier: "II",
    excluded: { reason: "transferred", detail: "discharged to acute or post-acute care (PV1-36 03, A03)" },
  });
  await task(await patient("BRANDT", "WALTER", { tier: "I" }), "2026-03-02T16:00:00Z", {
    tier: "I",
    excluded: { reason: "died", detail: "the patient died (PV1-36 20, A03)" },
  });
  await task(await patient("TIERNEY", "PAUL", { tier: "III" }), "2026-02-12T14:00:00Z", { tier: "III" });
  // Opened when the event came in (the fixture leaves the wall clock), as the notifier opens them.
  await t.pool.query(
    "UPDATE tasks SET opened_at = triggered_at + interval '1 minute' WHERE organization_id = $1 AND id LIKE 'task-%'",
    [org],
  );
}

interface Shown {
  children: ArrayLike<{ textContent: string | null }>;
}
/** The cells of a table's body rows, as text. */
const cellsOf = (tableLocator: Locator) =>
  tableLocator
    .locator("tbody tr")
    .evaluateAll((rows: Shown[]) =>
      rows.map((r) => Array.from(r.children, (c) => (c.textContent ?? "").replace(/\s+/g, " ").trim())),
    );
const numbersTable = (page: Page) => page.getByRole("table", { name: /ED visit: follow-up call/ });

beforeAll(async () => {
  t = await startTestApi("qualityrules");
  await seedRules();
  baseUrl = await t.listen();
  browser = await launchChromium();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

describe("the quality page's denominator rules in headless Chromium", () => {
  it("opens at the protocol's window, shows pending and excluded apart, and counts per visit or per patient", async () => {
    const context = await browser.newContext({
      viewport: { width: 1366, height: 900 },
      baseURL: baseUrl,
      acceptDownloads: true,
    });
    // The browser lives at the api's test clock (NOW): its tokens are fresh there, "pending" agrees.
    await context.clock.setFixedTime(NOW);
    const page = await context.newPage();
    const problems: string[] = [];
    page.on("pageerror", (error) => problems.push(error.message));
    page.on("console", (message) => {
      if (message.type() === "error") problems.push(message.text());
    });
    await page.goto("/quality");
    await page.getByLabel("Email").fill(USERS.qualityA.email);
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await eventually(() => page.title()).toBe("Quality · Homeward");

    // The ED protocol's due rule, not 7 calendar days; high-risk patients; per visit.
    await eventually(() => page.getByLabel("Within x").inputValue()).toBe("2");
    expect(await page.getByLabel("Unit").inputValue()).toBe("business-days");
    expect(await page.getByLabel("Patients").inputValue()).toBe("high-risk");
    expect(await page.getByLabel("Count").inputValue()).toBe("visit");

    const row = async () => (await cellsOf(numbersTable(page)))[0] ?? [];
    // Practice, denominator, numerator, rate, median, p90, misses, pending, excluded.
    await eventually(async () => {
      const r = await row();
      return [r[0], r[1], r[2], r[3], r[6], r[7], r[8]];
    }).toEqual([PRACTICE, "5", "2", "40.0%", "3", "1", "3"]);
    await eventually(() => page.locator(".report-definition").textContent()).toMatch(
      /^Per visit: each event of high-risk patients \(Priority I or Priority II, or the practice's high-risk flag, on the day of the event\)/,
    );
    // Title, value (4 lines outside the rate), note.
    expect(await page.locator(".kpi").filter({ hasText: "Outside the rate" }).textContent()).toBe(
      `Outside the rate${"4"}1 pending (window still running), 3 excluded (no longer applies)`,
    );

    const names = (tableName: string) =>
      cellsOf(page.getByRole("table", { name: tableName })).then((rows) => rows.map((r) => r[0]));
    await eventually(() => names("Misses")).toEqual(["ASHCROFT, DEAN", "PEMBERTON, LUCY", "HOLLOWAY, GRACE"]);
    expect(await names("Pending")).toEqual(["VANCE, MIRA"]);
    // Times in the practice's zone, named; the window ends at the end of its second business day.
    expect((await cellsOf(page.getByRole("table", { name: "Pending" })))[0]?.slice(3, 5)).toEqual([
      "Mon Mar 9, 10:00 AM EDT",
      "Wed Mar 11 (end of day)",
    ]);
    const excluded = await cellsOf(page.getByRole("table", { name: "Excluded" }));
    // Why, in words, then the notifier's own account of it.
    const why = await page
      .getByRole("table", { name: "Excluded" })
      .locator("tbody tr td:nth-child(5)")
      .evaluateAll((cells: Shown[]) => cells.map((c) => Array.from(c.children, (e) => e.textContent ?? "")));
    expect(excluded.map((r) => r[0])).toEqual(["LINDQVIST, ERIK", "MORENO, ROSA", "BRANDT, WALTER"]);
    expect(why).toEqual([
      [
        "Admitted as an inpatient",
        "admitted as an inpatient on 2026-02-21 (inpatient-admit, A01), within 1 day(s) of the visit",
      ],
      ["Transferred to a hospital or facility", "discharged to acute or post-acute care (PV1-36 03, A03)"],
      ["Patient died", "the patient died (PV1-36 20, A03)"],
    ]);
    expect(await page.getByRole("heading", { name: "Pending (1)" }).isVisible()).toBe(true);
    expect(await page.getByRole("heading", { name: "Excluded (3)" }).isVisible()).toBe(true);

    await page.evaluate("window.scrollTo({ top: 0, behavior: 'instant' })");
    await page.screenshot({ path: SCREENSHOT, fullPage: true });

    // Per patient: HOLLOWAY counts once, by her first visit (met).
    await page.getByLabel("Count").selectOption("patient");
    await eventually(async () => {
      const r = await row();
      return [r[0], r[1], r[2], r[3], r[7], r[8]];
    }).toEqual([PRACTICE, "4", "2", "50.0%", "1", "3"]);
    await eventually(() => names("Misses")).toEqual(["ASHCROFT, DEAN", "PEMBERTON, LUCY"]);
    expect(page.url()).toContain("count=patient");

    // The CSV is the table: same numbers, per patient.
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("link", { name: "Download CSV", exact: true }).first().click(),
    ]);
    const [header, total] = (await readFile((await download.path()) ?? "", "utf8")).trimEnd().split("\r\n");
    expect(header).toBe(
      "level,group_key,group,counting,population,denominator,numerator,rate,contacted,median_hours_to_contact,p90_hours_to_contact,pending,excluded",
    );
    expect(total?.split(",").slice(3, 8)).toEqual(["patient", "high-risk", "4", "2", "0.5"]);
    expect(total?.split(",").slice(-2)).toEqual(["1", "3"]);

    // Everyone: TIERNEY (tier III) joins the denominator and the misses.
    await page.getByLabel("Patients").selectOption("all");
    await eventually(async () => (await row()).slice(0, 4)).toEqual([PRACTICE, "5", "2", "40.0%"]);
    await eventually(() => names("Misses")).toContain("TIERNEY, PAUL");

    expect(problems).toEqual([]);
    await context.close();
  }, 120_000);
});
