import { randomBytes } from "node:crypto";
import { createPool, migrate, type Pool } from "@homeward/db";
import { createUser } from "@homeward/directory";
import { ADT_A01_ADMIT, ADT_A04_ED } from "@homeward/hl7/fixtures";
import { createLogger } from "@homeward/logger";
import { type Isolation, isolation, serviceEnv } from "@homeward/testing";
import { type Browser, chromium, type Locator } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sendWithHl7Client } from "../../services/adt-listener/src/harness.test-support.ts";
import { type RunningApi, startApi } from "../../services/api/src/app.ts";
import { loadApiEnv } from "../../services/api/src/env.ts";
import { hl7Time, type Pipeline, startPipeline } from "./pipeline.test-support.ts";

/**
 * The review queue over the whole pipeline, in Debian's Chromium: Mercy General sends an ED arrival
 * for MARISOL QUILLFEATHER under an MRN Homeward has never seen, and the practice's roster has her
 * birth date one day off. The matcher holds it for review (score 28.6: family 8.81 + given 7.73 +
 * birth date one day off 5.64 + sex 0.97 + ZIP 5.41, under the automatic line of 30). A system admin
 * opens the queue, compares the message with the candidate field by field, and confirms with the
 * keyboard (c, c). The confirmation teaches MERCYGEN MR 40012345 to her record: the hospital's next
 * message, an admission, matches by identifier at once.
 */

const ROOT = { email: "root@homeward.example", password: randomBytes(12).toString("hex") };
const SCREENSHOT = "/tmp/homeward-admin-reviews.png";

let iso: Isolation;
let pool: Pool;
let pipeline: Pipeline | undefined;
let api: RunningApi;
let browser: Browser;
let patientId = "";
let referenceLoads = 0;

async function chromiumPath(): Promise<string> {
  const helper = new URL("../../infra/ensure-chromium.mjs", import.meta.url).href;
  const { ensureChromium } = (await import(helper)) as { ensureChromium: () => string };
  return ensureChromium();
}

// biome-ignore lint/performance/useDomNodeTextContent: the rendered text, laid out as a person reads it.
const textOf = (locator: Locator) => locator.innerText().then((s) => s.replace(/\s+/g, " ").trim());
const eventually = <T>(read: () => Promise<T> | T, timeout = 30_000) =>
  expect.poll(read, { timeout, interval: 250 });

/** A fixture message dated `at`, under its own control id. */
const dated = (message: string, at: Date, controlId: string, fixtureId: string) =>
  message.replace(/2024030\d{7}-0500/g, hl7Time(at)).replace(fixtureId, controlId);

beforeAll(async () => {
  iso = isolation("e2e-review-confirm");
  await migrate(iso.settings.postgres);
  pool = createPool(iso.settings.postgres);
  const one = async (sql: string, params: unknown[] = []) =>
    String((await pool.query(sql, params)).rows[0]?.id);
  const practice = await one(
    "INSERT INTO organizations (kind, code, name, time_zone) VALUES ('practice', 'SFM', 'Springvale Family Medicine', 'America/New_York') RETURNING id",
  );
  await pool.query(
    "INSERT INTO notification_rules (organization_id, recipient_role, channel, active_from) VALUES ($1, 'care_manager', 'email', '2020-01-01')",
    [practice],
  );
  // The roster's record: born 1958-04-13 (the hospital says the 12th), the practice's own MRN only.
  patientId = await one(
    "INSERT INTO patients (family_name, given_name, birth_date, sex, postal_code) VALUES ('QUILLFEATHER', 'MARISOL', '1958-04-13', 'F', '45501') RETURNING id",
  );
  await pool.query(
    "INSERT INTO patient_identifiers (patient_id, assigning_authority, type_code, value) VALUES ($1, 'SFM', 'MR', 'SFM-4411')",
    [patientId],
  );
  await pool.query(
    "INSERT INTO attributions (patient_id, practice_org_id, source, kind, effective_from) VALUES ($1, $2, 'sfm-panel', 'panel', '2020-01-01')",
    [patientId, practice],
  );
  await createUser(pool, {
    email: ROOT.email,
    password: ROOT.password,
    role: "system_admin",
    organizationCodes: [],
  });

  // Counts the matcher's reference-data loads: a confirmation's NOTIFY makes one.
  const logger = createLogger({
    service: "e2e-review-confirm",
    level: "info",
    destination: {
      write(line: string) {
        if (line.includes('"msg":"reference data loaded"')) referenceLoads++;
        else if (process.env.LOG_LEVEL !== undefined && /"level":(40|50|60)/.test(line))
          process.stderr.write(line);
      },
    },
  });
  pipeline = await startPipeline(iso, logger);
  api = await startApi(
    loadApiEnv({
      ...serviceEnv(iso),
      API_PORT: "0",
      API_TOKEN_SECRET: "e2e-review-confirm-secret-e2e-review-confirm",
    }),
    logger,
  );
  const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
  browser = await chromium.launch({
    executablePath: await chromiumPath(),
    headless: true,
    args: isRoot ? ["--no-sandbox"] : [],
  });
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await api?.stop();
  await pipeline?.stop();
  await pool?.end();
});

describe("a review confirmed in the dashboard teaches the hospital's MRN", () => {
  it("held, compared field by field, confirmed with the keyboard; the next message matches by identifier", async () => {
    const arrival = new Date(Date.now() - 30 * 60_000);
    const acks = await sendWithHl7Client(pipeline?.listener.mllpPort ?? 0, [
      dated(ADT_A04_ED, arrival, `RV${Date.now()}`, "MG20240305143015001"),
    ]);
    expect(acks[0]).toMatch(/MSA\|CA\|/);
    const held = async () =>
      (await pool.query<{ reason: string }>("SELECT reason FROM match_reviews WHERE status = 'pending'"))
        .rows;
    await eventually(held, 45_000).toEqual([{ reason: "between-thresholds" }]);

    const context = await browser.newContext({
      viewport: { width: 1366, height: 900 },
      baseURL: `http://127.0.0.1:${api.port}`,
      timezoneId: "America/New_York",
    });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on("pageerror", (error) => problems.push(error.message));
    page.on("console", (message) => {
      if (message.type() === "error") problems.push(message.text());
    });
    await page.goto("/");
    await page.getByLabel("Email").fill(ROOT.email);
    await page.getByLabel("Password").fill(ROOT.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Admin" }).click();
    await page.getByRole("navigation", { name: "Admin" }).getByRole("link", { name: "Review queue" }).click();
    await eventually(() => page.title()).toBe("Review queue · Homeward");

    const review = page.getByRole("region", { name: "Selected review" });
    await eventually(() => textOf(review)).toContain("ED arrival at MERCYGEN");
    expect(await textOf(review)).toContain("too low to match automatically and too high to ignore");
    const table = review.getByRole("table", { name: "The message beside each candidate" });
    const row = (name: string) =>
      table.getByRole("row").filter({ has: page.getByRole("rowheader", { name }) });
    // Family name the same (+8.8), birth date one day off (+5.6), ZIP the same (+5.4).
    expect(await textOf(row("Family name"))).toBe("Family name QUILLFEATHER QUILLFEATHER same +8.8");
    expect(await textOf(row("Birth date"))).toBe(
      "Birth date Apr 12, 1958 (1958-04-12) Apr 13, 1958 (1958-04-13) one digit or day off +5.6",
    );
    expect(await textOf(row("Postal code"))).toBe("Postal code 45501 45501 same +5.4");
    expect(await textOf(row("Identifiers"))).toContain("MERCYGEN MR 40012345: confirming adds it");
    expect(await textOf(row("On the lists of"))).toContain("Springvale Family Medicine");
    expect(await textOf(table.getByRole("columnheader").nth(2))).toMatch(/MARISOL QUILLFEATHER Score 28\.6/);
    // The ED arrival also carries an SSN (SSA SS): confirming teaches both, as the API always has.
    expect(await textOf(review)).toContain("Confirming teaches MERCYGEN MR 40012345, SSA SS 999120001");
    await page.screenshot({ path: SCREENSHOT, fullPage: true });

    // c arms the confirmation and says what it will do; c again makes it.
    const loadsBefore = referenceLoads;
    await page.keyboard.press("c");
    await eventually(() => textOf(review)).toContain("Press c again (or Enter) to confirm");
    await page.screenshot({ path: "/tmp/homeward-admin-reviews-armed.png", fullPage: true });
    await page.keyboard.press("c");
    await eventually(() => textOf(page.locator(".review-outcome"))).toContain(
      "Confirmed: ED arrival at MERCYGEN is MARISOL QUILLFEATHER's. 2 identifiers added.",
    );
    expect(await textOf(review)).toContain("The queue is empty");
    const taught = await pool.query(
      "SELECT patient_id::text, source FROM patient_identifiers WHERE assigning_authority = 'MERCYGEN' AND value = '40012345'",
    );
    expect(taught.rows).toEqual([{ patient_id: patientId, source: expect.stringMatching(/^review:/) }]);
    const audit = await pool.query("SELECT subject_id FROM audit_log WHERE action = 'review.confirm'");
    expect(audit.rows).toEqual([{ subject_id: patientId }]);

    // The matcher reloads on the confirmation's NOTIFY; then the admission matches by the MRN.
    await eventually(() => referenceLoads > loadsBefore).toBe(true);
    const admitted = new Date(Date.now() - 10 * 60_000);
    const next = await sendWithHl7Client(pipeline?.listener.mllpPort ?? 0, [
      dated(ADT_A01_ADMIT, admitted, `RA${Date.now()}`, "MG20240305190512007"),
    ]);
    // The A01 asks for original-mode acknowledgement: AA.
    expect(next[0]).toMatch(/MSA\|AA\|/);
    const matched = async () =>
      (
        await pool.query<{ kind: string; method: string }>(
          "SELECT event_kind AS kind, record->'match'->>'method' AS method FROM matched_events WHERE patient_id = $1",
          [patientId],
        )
      ).rows;
    await eventually(matched, 45_000).toEqual([{ kind: "inpatient-admit", method: "identifier" }]);
    expect(await held()).toEqual([]);
    expect(problems).toEqual([]);
    await context.close();
  }, 240_000);
});
