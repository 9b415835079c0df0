import { randomBytes } from "node:crypto";
import { createPool, migrate, type Pool } from "@homeward/db";
import { createUser } from "@homeward/directory";
import { ADT_A04_ED } from "@homeward/hl7/fixtures";
import { createLogger } from "@homeward/logger";
import { type Isolation, isolation, serviceEnv } from "@homeward/testing";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sendWithHl7Client } from "../../services/adt-listener/src/harness.test-support.ts";
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
import { hl7Time, type Pipeline, startPipeline } from "./pipeline.test-support.ts";

/**
 * The care team's workspace over the whole pipeline, in Debian's Chromium: a care manager has the
 * census open; an ED arrival comes in over MLLP (listener → Kafka → matcher → notifier); the census
 * shows the patient without a reload; the alert e-mail's link opens the event page; from there the
 * patient page; then the combined high-risk list, where an edit of the goal lands in the access log.
 */

const CM = { email: "cm@springvale.example", password: randomBytes(12).toString("hex") };
const PATIENT = "MARISOL QUILLFEATHER";

let iso: Isolation;
let pool: Pool;
let pipeline: Pipeline | undefined;
let api: RunningApi;
let browser: Browser;
const ids: Record<string, string> = {};

beforeAll(async () => {
  iso = isolation("e2e-workspace");
  await migrate(iso.settings.postgres);
  pool = createPool(iso.settings.postgres);
  const one = async (sql: string, params: unknown[] = []) =>
    String((await pool.query(sql, params)).rows[0]?.id);
  ids.practice = await one(
    "INSERT INTO organizations (kind, code, name, time_zone) VALUES ('practice', 'SFM', 'Springvale Family Medicine', 'America/New_York') RETURNING id",
  );
  ids.plan = await one(
    "INSERT INTO organizations (kind, code, name) VALUES ('health_plan', 'BCP', 'BlueCare Plan') RETURNING id",
  );
  ids.cm = await one(
    "INSERT INTO recipients (organization_id, role, display_name, email, time_zone) VALUES ($1, 'care_manager', 'Casey Morgan', $2, 'America/New_York') RETURNING id",
    [ids.practice, CM.email],
  );
  await pool.query(
    "INSERT INTO notification_rules (organization_id, recipient_role, channel, active_from) VALUES ($1, 'care_manager', 'email', '2020-01-01')",
    [ids.practice],
  );
  ids.patient = await one(
    "INSERT INTO patients (family_name, given_name, birth_date, sex, postal_code) VALUES ('QUILLFEATHER', 'MARISOL', '1958-04-12', 'F', '45501') RETURNING id",
  );
  await pool.query(
    "INSERT INTO patient_identifiers (patient_id, assigning_authority, type_code, value) VALUES ($1, 'MERCYGEN', 'MR', '40012345')",
    [ids.patient],
  );
  await pool.query(
    "INSERT INTO attributions (patient_id, practice_org_id, source, kind, effective_from) VALUES ($1, $2, 'sfm-panel', 'panel', '2020-01-01')",
    [ids.patient, ids.practice],
  );
  // On both lists: the practice's (its care manager, a goal) and the plan's.
  await pool.query(
    `INSERT INTO care_management_enrollments (patient_id, program, listed_by_org_id, practice_org_id, risk_tier,
       care_manager_recipient_id, lead_organization, status, source, effective_from, goal, practice_flag, plan_risk_score)
     VALUES ($1, 'complex-care', $2, $2, 'I', $3, 'practice', 'active', 'sfm-cm', '2020-01-01', 'Walk daily', true, NULL),
            ($1, 'complex-care', $4, $2, 'I', NULL, 'practice', 'monitor', 'bcp-cm', '2020-01-01', NULL, NULL, 0.91)`,
    [ids.patient, ids.practice, ids.cm, ids.plan],
  );
  await createUser(pool, {
    email: CM.email,
    password: CM.password,
    role: "care_manager",
    organizationCodes: ["SFM"],
    recipientEmail: CM.email,
  });

  const logger = createLogger({ service: "e2e-workspace", level: process.env.LOG_LEVEL ?? "warn" });
  pipeline = await startPipeline(iso, logger);
  api = await startApi(
    loadApiEnv({
      ...serviceEnv(iso),
      API_PORT: "0",
      API_TOKEN_SECRET: "e2e-workspace-secret-e2e-workspace-secret",
    }),
    logger,
  );
  browser = await launchChromium();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await api?.stop();
  await pipeline?.stop();
  await pool?.end();
});

describe("the care team's workspace, from an ADT message over MLLP to the screens", () => {
  it("census updates live, the alert's link opens the event, then the patient, and a list edit is audited", async () => {
    const baseUrl = `http://127.0.0.1:${api.port}`;
    const context = await newContext(browser, baseUrl);
    const page = await context.newPage();
    const problems = collectProblems(page);

    await page.goto("/census");
    await signIn(page, CM.email, CM.password);
    const hospital = page.getByRole("region", { name: /In the hospital now/ });
    await eventually(() => hospital.isVisible()).toBe(true);
    expect(await textOf(hospital)).not.toContain(PATIENT);

    // An ED arrival over MLLP, a few minutes ago.
    const at = new Date(Date.now() - 5 * 60_000);
    const message = ADT_A04_ED.replaceAll("20240305143015-0500", hl7Time(at))
      .replaceAll("20240305143000-0500", hl7Time(at))
      .replaceAll("20240305142500-0500", hl7Time(at))
      .replace("MG20240305143015001", `WS${Date.now()}`);
    const acks = await sendWithHl7Client(pipeline?.listener.mllpPort ?? 0, [message]);
    expect(acks[0]).toMatch(/MSA\|CA\|/);

    // The census shows the patient without a reload (server-sent events), and the title counts it
    // only when the tab is not being looked at, so here it names the screen.
    const row = hospital.getByRole("row").filter({ hasText: PATIENT });
    await eventually(() => row.count(), 45_000).toBe(1);
    expect(await textOf(row)).toMatch(/ED arrival/);
    // Mercy General is in Chicago: its times are read there, the zone named.
    expect(await textOf(row)).toMatch(/C[SD]T/);
    await page.screenshot({ path: "/tmp/homeward-e2e-census.png", fullPage: true });

    // The alert e-mail's link opens the event page.
    const mailTo = () => pipeline?.smtp.received.find((m) => m.to.includes(CM.email));
    await eventually(() => mailTo() !== undefined, 30_000).toBe(true);
    const text = mailTo()?.text ?? "";
    const link = /\/events\/[^\s)>\]]+/.exec(text)?.[0];
    expect(link).toBeDefined();
    await page.goto(link ?? "/");
    const heading = page.getByRole("heading", { level: 1 });
    await eventually(() => textOf(heading)).toMatch(/^ED arrival — /);
    const followUp = page.getByRole("region", { name: "Follow-up" });
    expect(await textOf(followUp)).toContain("Follow-up call after ED visit");
    expect(await textOf(page.getByRole("region", { name: "Why" }))).toContain("Chest pain");
    await page.screenshot({ path: "/tmp/homeward-e2e-event.png", fullPage: true });

    // On to the patient: the encounter Homeward has just seen.
    await page
      .getByRole("region", { name: "Who" })
      .getByRole("link", { name: /Open the patient/ })
      .click();
    await eventually(() => textOf(heading)).toBe(PATIENT);
    expect(page.url()).toBe(`${baseUrl}/patients/${ids.patient}`);
    const encounters = page.getByRole("region", { name: "Encounters" });
    expect(await encounters.getByRole("link", { name: "ED arrival" }).getAttribute("href")).toBe(link);

    // The combined high-risk list: edit the practice's goal; the edit is in the access log.
    await page.getByRole("link", { name: "High-risk list" }).click();
    const list = page.getByRole("table", { name: "Combined high-risk list" });
    const entry = list.getByRole("row").filter({ hasText: PATIENT });
    await eventually(() => entry.count()).toBe(1);
    expect(await textOf(entry)).toMatch(/ED ?Last .* · 1 in 6 mo/);
    await page.getByRole("button", { name: `Edit ${PATIENT}` }).click();
    const dialog = page.getByRole("dialog", { name: `Edit: ${PATIENT}` });
    await eventually(() => dialog.isVisible()).toBe(true);
    await dialog.getByLabel("Patient-centered goal").fill("Walk to the mailbox and back every day");
    await dialog.getByRole("button", { name: "Review changes" }).click();
    await dialog.getByRole("button", { name: "Save changes" }).click();
    await eventually(() => textOf(entry)).toContain("Walk to the mailbox and back every day");
    const audit = await pool.query<{ subject_id: string; detail: { fields: string[] } }>(
      "SELECT subject_id, detail FROM audit_log WHERE action = 'care-management.update'",
    );
    expect(audit.rows).toEqual([
      expect.objectContaining({
        subject_id: ids.patient,
        detail: expect.objectContaining({ fields: ["goal"] }),
      }),
    ]);
    expect(problems).toEqual([]);
    await context.close();
  }, 180_000);
});
