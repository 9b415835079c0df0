import { readFile } from "node:fs/promises";
import type { Browser, BrowserContext, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiTest, NOW, PASSWORD, startTestApi, USERS } from "./api.test-support.ts";
import { eventually, launchChromium } from "./browser.test-support.ts";

// The combined high-risk list in a real browser (Debian's chromium via playwright-core) against the
// api and PostgreSQL: a practice care manager opens the list, edits a patient's goal and marks it
// met, sees the new value and the goal's history; the access log has the edit; the agenda of the
// plan–practice call opens, prints without the top bar, and downloads as CSV.

const DAY = 86_400_000;
const daysAgo = (n: number) => new Date(NOW.getTime() - n * DAY).toISOString();

let t: ApiTest;
let browser: Browser;
let baseUrl: string;

/** More of a real list than the shared seed: both-lists patients, monitor status, the tracking list, hospital use. */
async function seedVariety(): Promise<void> {
  const { practiceA, plan, cmA, cmA2, cmPlan, pA1, enrollA1, enrollPlanA1 } = t.ids;
  const q = (sql: string, params: unknown[]) => t.pool.query(sql, params);
  await q("UPDATE care_management_enrollments SET care_manager_recipient_id = $2 WHERE id = $1", [
    enrollA1,
    cmA,
  ]);
  await q("UPDATE care_management_enrollments SET care_manager_recipient_id = $2, goal = $3 WHERE id = $1", [
    enrollPlanA1,
    cmPlan,
    "Walk daily",
  ]);
  const patient = async (family: string, given: string, birthDate: string) =>
    String(
      (
        await q(
          "INSERT INTO patients (family_name, given_name, birth_date, sex) VALUES ($1, $2, $3, 'U') RETURNING id",
          [family, given, birthDate],
        )
      ).rows[0]?.id,
    );
  const enroll = (
    patientId: string,
    side: "plan" | "practice",
    f: {
      tier: string;
      lead: string;
      status?: string;
      score?: number;
      cm?: string;
      goal?: string;
      met?: boolean;
    },
  ) =>
    q(
      `INSERT INTO care_management_enrollments (patient_id, program, listed_by_org_id, practice_org_id, status, source,
              effective_from, risk_tier, lead_organization, plan_risk_score, practice_flag, care_manager_recipient_id,
              goal, goal_met)
       VALUES ($1, 'complex-care', $2, $3, $4, $5, '2025-10-01', $6, $7, $8, $9, $10, $11, $12)`,
      [
        patientId,
        side === "plan" ? plan : practiceA,
        practiceA,
        f.status ?? "active",
        side === "plan" ? "bcp-cm" : "sfm-cm",
        f.tier,
        f.lead,
        f.score ?? null,
        side === "practice" ? true : null,
        f.cm ?? null,
        f.goal ?? null,
        f.met ?? null,
      ],
    );
  const visit = async (visitNumber: string, patientId: string, setting: "ed" | "inpatient", at: string) => {
    await q(
      `INSERT INTO encounters (facility, visit_number, patient_id, setting, status, started_at, discharged_at, entries)
       VALUES ('MERCYGEN', $1, $2, $3, 'discharged', $4, $4, '[]')`,
      [visitNumber, patientId, setting, at],
    );
    await q(
      `INSERT INTO matched_events (match_id, organization_id, patient_id, event_id, event_kind, facility, visit_number,
              occurred_at, copy, record)
       VALUES ($1, $2, $3, $4, $5, 'MERCYGEN', $6, $7, 'lead', $8)`,
      [
        `match-${visitNumber}`,
        practiceA,
        patientId,
        `evt-${visitNumber}`,
        setting === "ed" ? "ed-discharge" : "inpatient-admit",
        visitNumber,
        at,
        JSON.stringify({
          event: { facility: { displayName: "Mercy General", timeZone: "America/Chicago" } },
        }),
      ],
    );
  };
  const dela = await patient("DELACROIX", "BEATRIZ", "1952-09-14");
  await enroll(dela, "plan", {
    tier: "I",
    lead: "joint",
    score: 0.78,
    cm: cmPlan,
    goal: "Keep every dialysis appointment",
    met: false,
  });
  await enroll(dela, "practice", {
    tier: "I",
    lead: "joint",
    cm: cmA2,
    goal: "Keep every dialysis appointment",
    met: false,
  });
  await visit("V-DELA-1", dela, "ed", daysAgo(4));
  await visit("V-DELA-2", dela, "ed", daysAgo(45));
  await visit("V-DELA-3", dela, "inpatient", daysAgo(90));
  const kenji = await patient("NAKAMURA", "KENJI", "1947-02-03");
  await enroll(kenji, "plan", { tier: "II", lead: "practice", status: "monitor", score: 0.62, cm: cmPlan });
  await enroll(kenji, "practice", {
    tier: "II",
    lead: "practice",
    cm: cmA,
    goal: "Take insulin as prescribed",
  });
  const sam = await patient("OKONKWO", "SAMUEL", "1970-05-22");
  await enroll(sam, "plan", {
    tier: "II",
    lead: "plan",
    score: 0.66,
    cm: cmPlan,
    goal: "See a psychiatrist this month",
  });
  await visit("V-SAM-1", sam, "inpatient", daysAgo(12));
  const peggy = await patient("HALLORAN", "PEGGY", "1939-12-01");
  await enroll(peggy, "practice", {
    tier: "I",
    lead: "practice",
    cm: cmA2,
    goal: "Stay safe at home after rehab",
    met: true,
  });
  const tomas = await patient("BRANNIGAN", "TOMAS", "1981-08-08");
  await enroll(tomas, "plan", { tier: "I", lead: "plan", status: "tracking_list", score: 0.88 });
  await visit("V-TOMAS-1", tomas, "ed", daysAgo(20));
  void pA1;
}

/** Script errors and console errors of each page: the test fails on any. */
const problems = new WeakMap<Page, string[]>();
const textOf = (locator: Locator) => locator.textContent().then((s) => s?.trim() ?? "");

async function newPage(): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({
    viewport: { width: 1366, height: 768 },
    baseURL: baseUrl,
    acceptDownloads: true,
  });
  // The api's clock is the test seed's (NOW); the browser's agrees, or its token would look expired.
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

beforeAll(async () => {
  t = await startTestApi("hrbrowser");
  await seedVariety();
  baseUrl = await t.listen();
  browser = await launchChromium();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

describe("high-risk list in headless Chromium", () => {
  it("a care manager edits a goal, sees it saved and in the access log, and opens the call agenda", async () => {
    const { context, page } = await newPage();
    await page.goto("/");
    await page.getByLabel("Email").fill(USERS.cmA.email);
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("link", { name: "High-risk list" }).click();
    await eventually(() => page.title()).toBe("High-risk list · Homeward");

    const list = page.getByRole("table", { name: "Combined high-risk list" });
    await eventually(() => list.getByRole("rowgroup").nth(1).getByRole("row").count()).toBeGreaterThan(1);
    // Both lists first: QUILLFEATHER (plan score 0.91), then DELACROIX (0.78), NAKAMURA (0.62).
    const sections = await list.locator(".section-row").allTextContents();
    expect(sections.map((s) => s.trim())).toEqual([
      "On both lists (3)",
      "Plan's list only (1)",
      "Practice's list only (2)",
    ]);
    const patients = await list.locator("tbody th.patient-col a").allTextContents();
    expect(patients.slice(0, 3)).toEqual(["MARISOL QUILLFEATHER", "BEATRIZ DELACROIX", "KENJI NAKAMURA"]);
    expect(await page.getByRole("link", { name: "MARISOL QUILLFEATHER" }).getAttribute("href")).toBe(
      `/patients/${t.ids.pA1}`,
    );
    // The tracking list apart.
    const tracking = page.getByRole("table", { name: "Tracking list" });
    expect(await textOf(tracking)).toContain("TOMAS BRANNIGAN");
    expect(await textOf(list)).not.toContain("TOMAS BRANNIGAN");
    const marisol = list.getByRole("row").filter({ hasText: "MARISOL QUILLFEATHER" });
    expect(await textOf(marisol)).toContain("Not agreed");

    // Edit the practice's goal for QUILLFEATHER and mark it met.
    await page.getByRole("button", { name: "Edit MARISOL QUILLFEATHER" }).click();
    const dialog = page.getByRole("dialog", { name: "Edit: MARISOL QUILLFEATHER" });
    await eventually(() => dialog.isVisible()).toBe(true);
    expect(await dialog.getByLabel("Entry").inputValue()).toBe(t.ids.enrollA1);
    await dialog.getByLabel("Patient-centered goal").fill("Walk 20 minutes every day");
    await dialog.getByLabel("Goal met").selectOption("true");
    await page.screenshot({ path: "/tmp/homeward-high-risk-edit.png" });
    await dialog.getByRole("button", { name: "Review changes" }).click();
    await eventually(() => textOf(dialog)).toContain("“Walk daily” → “Walk 20 minutes every day”");
    expect(await textOf(dialog)).toContain("Not assessed → Met");
    await page.screenshot({ path: "/tmp/homeward-high-risk-confirm.png" });
    await dialog.getByRole("button", { name: "Save changes" }).click();
    await eventually(() => dialog.isVisible()).toBe(false);
    await eventually(() => textOf(page.locator(".hr-status"))).toBe(
      "Saved for MARISOL QUILLFEATHER (Springvale Family Medicine's list): Goal: “Walk 20 minutes every day” · Goal met: Met.",
    );
    // The row shows the new goal, met, and its history (the plan's goal stays as it was).
    await eventually(() => textOf(marisol)).toContain("Practice: Walk 20 minutes every day Met");
    expect(await textOf(marisol)).toContain("Plan: Walk daily");
    await marisol.getByText("Goal history (2)").click();
    expect(await textOf(marisol.locator(".goal-history"))).toMatch(/Walk daily — Not assessed/);

    // The edit is in the access log: who, which patient, which fields.
    const audit = await t.pool.query<{ actor: string; subject_id: string; detail: { fields: string[] } }>(
      "SELECT actor, subject_id, detail FROM audit_log WHERE action = 'care-management.update'",
    );
    expect(audit.rows).toHaveLength(1);
    expect(audit.rows[0]).toMatchObject({ subject_id: t.ids.pA1, detail: { fields: ["goal", "goalMet"] } });
    const stored = await t.pool.query(
      "SELECT goal, goal_met FROM care_management_enrollments WHERE listed_by_org_id = $1 AND patient_id = $2 AND effective_to IS NULL",
      [t.ids.practiceA, t.ids.pA1],
    );
    expect(stored.rows).toEqual([{ goal: "Walk 20 minutes every day", goal_met: true }]);
    await page.evaluate("window.scrollTo({ top: 0, behavior: 'instant' })");
    await page.screenshot({ path: "/tmp/homeward-high-risk.png", fullPage: true });

    // The agenda of the plan–practice call: recent events and open tasks per patient.
    await page.getByRole("link", { name: "Agenda for the plan–practice call" }).click();
    await eventually(() => page.title()).toBe("Call agenda · Homeward");
    const items = page.locator(".agenda-item");
    await eventually(() => items.count()).toBeGreaterThan(2);
    const headings = (await items.locator("h2").allTextContents()).map((s) => s.trim());
    // Both lists with an event in 30 days (latest first), then open tasks, then other recent events.
    expect(headings.slice(0, 4)).toEqual([
      "1. MARISOL QUILLFEATHER",
      "2. BEATRIZ DELACROIX",
      "3. OTIS ABERNATHY",
      "4. SAMUEL OKONKWO",
    ]);
    const marisolItem = items.filter({ hasText: "MARISOL QUILLFEATHER" });
    expect(await textOf(marisolItem)).toContain("Follow-up call after ED visit");
    expect(await textOf(marisolItem)).toMatch(/ED discharge, Mercy General/);
    expect(await textOf(marisolItem)).toMatch(/CDT/);
    await page.screenshot({ path: "/tmp/homeward-agenda.png", fullPage: true });

    // Printable: the top bar and the buttons are not on paper.
    await page.emulateMedia({ media: "print" });
    expect(await page.locator(".topbar").isVisible()).toBe(false);
    expect(await page.getByRole("button", { name: "Download CSV" }).isVisible()).toBe(false);
    await page.screenshot({ path: "/tmp/homeward-agenda-print.png", fullPage: true });
    await page.emulateMedia({ media: "screen" });

    // And as CSV, named with the day.
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: "Download CSV" }).click(),
    ]);
    expect(download.suggestedFilename()).toBe("agenda_SFM_BCP_2026-03-10.csv");
    const csv = await readFile((await download.path()) ?? "", "utf8");
    expect(csv.split("\r\n")[0]).toMatch(/^order,reason,patient,/);
    expect(csv).toContain("Walk 20 minutes every day");

    // A reload of the agenda's address opens it again (the server serves the dashboard there).
    await page.reload();
    await eventually(() => page.title()).toBe("Call agenda · Homeward");
    expect(page.url()).not.toMatch(/QUILLFEATHER|MARISOL/);
    expect(problems.get(page)).toEqual([]);
    await context.close();
  }, 120_000);

  it("a plan's care manager picks a practice and sees the patients the plan's list names", async () => {
    const { context, page } = await newPage();
    await page.goto("/");
    await page.getByLabel("Email").fill(USERS.planCm.email);
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("link", { name: "High-risk list" }).click();
    const list = page.getByRole("table", { name: "Combined high-risk list" });
    await eventually(() => list.locator("tbody th.patient-col a").count()).toBeGreaterThan(0);
    expect(await page.getByLabel("Practice").locator("option").allTextContents()).toEqual([
      "Springvale Family Medicine",
      "Riverside Primary Care",
    ]);
    expect(await textOf(page.locator(".view-subtitle"))).toContain(
      "You see the patients your plan's list names.",
    );
    const names = await list.locator("tbody th.patient-col a").allTextContents();
    expect(names).toContain("SAMUEL OKONKWO");
    expect(names).not.toContain("OTIS ABERNATHY");
    expect(names).not.toContain("PEGGY HALLORAN");
    // The other practice: its plan patient only.
    await page.getByLabel("Practice").selectOption({ label: "Riverside Primary Care" });
    await eventually(() => list.locator("tbody th.patient-col a").allTextContents()).toEqual([
      "HENRIETTA VANTERPOOL",
    ]);
    expect(problems.get(page)).toEqual([]);
    await context.close();
  }, 60_000);
});
