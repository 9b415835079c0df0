import { execFileSync } from "node:child_process";
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { insertOutboundDeliveries, recordOutboundAttempt } from "@homeward/outbound";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiTest, NOW, PASSWORD, startTestApi, USERS } from "./api.test-support.ts";
import {
  collectProblems,
  eventually,
  launchChromium,
  newContext,
  screenshot,
  signIn,
  textOf,
} from "./browser.test-support.ts";

// The Systems admin screen (outbound endpoints, issue 17) in headless Chromium against the real api
// and PostgreSQL: a practice admin adds a Da Vinci FHIR server with a bearer token, a webhook whose
// signing secret the screen generates and shows once, and an HL7 v2 interface; the API's validation
// is shown beside the fields; the list never carries a secret; an endpoint is disabled. Screenshots:
// /tmp/homeward-admin-systems*.png and the event page's card, /tmp/homeward-event-systems-h9.png.

const TOKEN = "ehr-bearer-token-0123456789";

let t: ApiTest;
let browser: Browser;
let baseUrl: string;

beforeAll(async () => {
  t = await startTestApi("admin-systems-browser", { OUTBOUND_SECRET_KEY: randomBytes(32).toString("hex") });
  baseUrl = await t.listen();
  browser = await launchChromium();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

async function signedIn(
  email: string,
  path: string,
): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
  const context = await newContext(browser, baseUrl, { at: NOW, timezoneId: "America/New_York" });
  const page = await context.newPage();
  const problems = collectProblems(page);
  await page.goto(path);
  await signIn(page, email, PASSWORD);
  return { context, page, problems };
}

/** A full-page screenshot from the top (the sticky top bar would otherwise sit where the page was scrolled to). */
describe("the Systems admin screen in headless Chromium", () => {
  it("adds a FHIR server, a webhook and an HL7 interface, shows no secret, and disables one", async () => {
    const { context, page, problems } = await signedIn(USERS.adminA.email, "/admin");
    await eventually(() => page.title()).toBe("Admin · Homeward");
    await page.getByRole("link", { name: "Systems" }).first().click();
    await eventually(() => page.title()).toBe("Systems · Homeward");
    expect(page.url()).toBe(`${baseUrl}/admin/systems`);
    await eventually(() => textOf(page.locator(".admin-body"))).toContain("No systems yet");

    // A FHIR server without a name or a proper URL: the API's problems beside the fields.
    await page.getByRole("button", { name: "Add a system" }).click();
    const form = page.getByRole("form", { name: "Add a system" });
    await form.getByLabel("FHIR base URL").fill("ehr.springvale.example/fhir");
    await form.getByLabel("Bearer token", { exact: true }).fill("short");
    await form.getByRole("button", { name: "Add system" }).click();
    const nameField = form.locator('.field[data-key="name"]');
    const urlField = form.locator('.field[data-key="url"]');
    const tokenField = form.locator('.field[data-key="secret-token"]');
    await eventually(() => textOf(nameField.locator(".field-error"))).toBe(
      "Give it a name (up to 200 characters).",
    );
    expect(await textOf(urlField.locator(".field-error"))).toBe(
      "A full address starting with https:// (or http://), without spaces.",
    );
    expect(await textOf(tokenField.locator(".field-error"))).toBe("At least 16 characters.");
    expect(await textOf(form.getByRole("alert"))).toMatch(/^Not saved: 3 things need fixing\./);
    await screenshot(page, "/tmp/homeward-admin-systems-errors.png");

    await form.getByLabel("Name", { exact: true }).fill("Springvale EHR");
    await form.getByLabel("FHIR base URL").fill("https://ehr.springvale.example/fhir");
    await form.getByLabel("Bearer token", { exact: true }).fill(TOKEN);
    await form.getByRole("checkbox", { name: "ED arrival" }).check();
    await form.getByRole("checkbox", { name: "Inpatient discharge" }).check();
    await form.getByRole("button", { name: "Add system" }).click();
    const table = page.getByRole("table", { name: "Systems" });
    const fhirRow = table.getByRole("row").filter({ hasText: "Springvale EHR" });
    await eventually(() => textOf(fhirRow)).toContain("Da Vinci FHIR");
    expect(await textOf(fhirRow)).toContain("https://ehr.springvale.example/fhir");
    expect(await textOf(fhirRow)).toContain("ED arrival, Inpatient discharge");
    expect(await textOf(fhirRow)).toContain("Bearer token set");
    expect(await textOf(fhirRow)).toContain("Enabled");
    expect(await page.content()).not.toContain(TOKEN);

    // A webhook: the screen generates its signing secret and shows it this once.
    await page.getByRole("button", { name: "Add a system" }).click();
    const hook = page.getByRole("form", { name: "Add a system" });
    await hook.getByLabel("Kind", { exact: true }).selectOption("webhook");
    await hook.getByLabel("Name", { exact: true }).fill("Care platform");
    await hook.getByLabel("Webhook URL").fill("https://hooks.springvale.example/homeward");
    await hook.getByLabel("Programs (comma-separated)").fill("complex-care");
    await hook.getByRole("button", { name: "Add system" }).click();
    const shown = page.getByRole("textbox", { name: "Signing secret" });
    await eventually(() => shown.isVisible()).toBe(true);
    const secret = await shown.inputValue();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const hookRow = table.getByRole("row").filter({ hasText: "Care platform" });
    await eventually(() => textOf(hookRow)).toContain("Signing secret set");
    expect(await textOf(hookRow)).toContain("complex-care");
    await screenshot(page, "/tmp/homeward-admin-systems-secret.png");
    await page.getByRole("button", { name: "Done" }).click();
    await eventually(() => page.content()).not.toContain(secret.slice(6));

    // An HL7 interface without its port: told at the port; then added.
    await page.getByRole("button", { name: "Add a system" }).click();
    const hl7 = page.getByRole("form", { name: "Add a system" });
    await hl7.getByLabel("Kind", { exact: true }).selectOption("hl7v2_mllp");
    await hl7.getByLabel("Name", { exact: true }).fill("EHR interface");
    await hl7.getByLabel("Host", { exact: true }).fill("ehr-if.springvale.example");
    await hl7.getByRole("button", { name: "Add system" }).click();
    await eventually(() => textOf(hl7.locator('.field[data-key="port"] .field-error'))).toBe(
      "HL7 forwarding needs host and port.",
    );
    await hl7.getByLabel("Port", { exact: true }).fill("6661");
    await hl7.getByRole("button", { name: "Add system" }).click();
    const hl7Row = table.getByRole("row").filter({ hasText: "EHR interface" });
    await eventually(() => textOf(hl7Row)).toContain("ehr-if.springvale.example:6661");
    expect(await textOf(hl7Row)).toContain("HL7 v2 (MLLP)");

    // Disable the FHIR server: the row says so, the endpoint is off, the change audited.
    await table.getByRole("button", { name: "Disable Springvale EHR" }).click();
    await eventually(() => textOf(fhirRow)).toContain("Disabled");
    expect(await textOf(page.getByRole("status").first())).toContain("Springvale EHR is disabled");
    await screenshot(page, "/tmp/homeward-admin-systems.png");

    const stored = await t.pool.query<{ name: string; enabled: boolean; secret_sealed: string | null }>(
      "SELECT name, enabled, secret_sealed FROM outbound_endpoints ORDER BY name",
    );
    expect(stored.rows.map((r) => [r.name, r.enabled])).toEqual([
      ["Care platform", true],
      ["EHR interface", true],
      ["Springvale EHR", false],
    ]);
    for (const r of stored.rows) {
      expect(r.secret_sealed ?? "").not.toContain(TOKEN);
      expect(r.secret_sealed ?? "").not.toContain(secret.slice(6));
    }
    const audit = await t.pool.query<{ action: string; detail: unknown }>(
      "SELECT action, detail FROM audit_log WHERE subject_type = 'outbound_endpoint' ORDER BY id",
    );
    expect(audit.rows.map((r) => r.action)).toEqual([
      "outbound-endpoint.create",
      "outbound-endpoint.create",
      "outbound-endpoint.create",
      "outbound-endpoint.update",
    ]);
    expect(audit.rows[3]?.detail).toMatchObject({ fields: ["enabled"], secretChanged: false });
    expect(JSON.stringify(audit.rows)).not.toContain(TOKEN);
    expect(JSON.stringify(audit.rows)).not.toContain(secret.slice(6));

    // Edit keeps the token unless a new one is given.
    await table.getByRole("button", { name: "Edit Springvale EHR" }).click();
    const edit = page.getByRole("form", { name: "Edit Springvale EHR" });
    expect(await edit.getByLabel("Bearer token", { exact: true }).inputValue()).toBe("");
    await edit.getByLabel("FHIR base URL").fill("https://ehr2.springvale.example/fhir");
    await edit.getByRole("button", { name: "Save changes" }).click();
    await eventually(() => textOf(fhirRow)).toContain("https://ehr2.springvale.example/fhir");
    expect(await textOf(fhirRow)).toContain("Bearer token set");

    // A webhook's secret rotated from Edit: a new one, shown once; the audit says only that it changed.
    await table.getByRole("button", { name: "Edit Care platform" }).click();
    const rotate = page.getByRole("form", { name: "Edit Care platform" });
    expect(await rotate.getByRole("radio", { name: "Keep the current secret" }).isChecked()).toBe(true);
    await rotate.getByRole("radio", { name: "Generate a new one" }).check();
    await screenshot(page, "/tmp/homeward-admin-systems-edit.png");
    await rotate.getByRole("button", { name: "Save changes" }).click();
    await eventually(() => shown.isVisible()).toBe(true);
    const rotated = await shown.inputValue();
    expect(rotated).toMatch(/^whsec_/);
    expect(rotated).not.toBe(secret);
    const rotation = await t.pool.query<{ detail: unknown }>(
      "SELECT detail FROM audit_log WHERE action = 'outbound-endpoint.update' ORDER BY id DESC LIMIT 1",
    );
    expect(rotation.rows[0]?.detail).toMatchObject({ fields: [], secretChanged: true });
    expect(JSON.stringify(rotation.rows)).not.toContain(rotated.slice(6));
    await page.getByRole("button", { name: "Done" }).click();
    // The browser logs the two refused saves (the API's 400s); nothing else went wrong.
    expect(problems).toEqual(
      Array(2).fill("Failed to load resource: the server responded with a status of 400 (Bad Request)"),
    );
    await context.close();
  });

  it("adds a FHIR server with SMART Backend Services and an HL7 interface over TLS with a client certificate; no key in the page", async () => {
    const smartKey = generateKeyPairSync("ec", { namedCurve: "P-384" })
      .privateKey.export({ type: "pkcs8", format: "pem" })
      .toString();
    const dir = mkdtempSync(join(tmpdir(), "hw-systems-tls-"));
    execFileSync(
      "openssl",
      [
        ...["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "1"],
        ...["-subj", "/CN=homeward-client", "-keyout", join(dir, "c.key"), "-out", join(dir, "c.pem")],
      ],
      { stdio: "ignore" },
    );
    const cert = readFileSync(join(dir, "c.pem"), "utf8");
    const certKey = readFileSync(join(dir, "c.key"), "utf8");
    rmSync(dir, { recursive: true, force: true });
    const { context, page, problems } = await signedIn(USERS.adminA.email, "/admin/systems");
    await eventually(() => page.title()).toBe("Systems · Homeward");

    await page.getByRole("button", { name: "Add a system" }).click();
    const form = page.getByRole("form", { name: "Add a system" });
    await form.getByLabel("Name", { exact: true }).fill("Springvale EHR (SMART)");
    await form.getByLabel("FHIR base URL").fill("https://ehr.springvale.example/fhir");
    await form.getByLabel("Authentication").selectOption("smart_backend");
    expect(await form.getByLabel("Bearer token", { exact: true }).isVisible()).toBe(false);
    await form.getByLabel("Token URL").fill("https://ehr.springvale.example/oauth2/token");
    await form.getByLabel("Client id").fill("homeward-springvale");
    await form.getByLabel("Key id (kid)").fill("hw-2026-1");
    // A P-256 key is not one SMART takes: told at the key.
    const p256 = generateKeyPairSync("ec", { namedCurve: "P-256" })
      .privateKey.export({ type: "pkcs8", format: "pem" })
      .toString();
    await form.getByLabel("Private key").fill(p256);
    await form.getByRole("button", { name: "Add system" }).click();
    await eventually(() => textOf(form.locator('.field[data-key="smart-key"] .field-error'))).toContain(
      "P-384",
    );
    await form.getByLabel("Private key").fill(smartKey);
    await screenshot(page, "/tmp/homeward-admin-systems-smart.png");
    await form.getByRole("button", { name: "Add system" }).click();
    const table = page.getByRole("table");
    const smartRow = table.getByRole("row").filter({ hasText: "Springvale EHR (SMART)" });
    await eventually(() => textOf(smartRow)).toContain("SMART key set");

    await page.getByRole("button", { name: "Add a system" }).click();
    const hl7 = page.getByRole("form", { name: "Add a system" });
    await hl7.getByLabel("Kind", { exact: true }).selectOption("hl7v2_mllp");
    await hl7.getByLabel("Name", { exact: true }).fill("EHR interface (TLS)");
    await hl7.getByLabel("Host", { exact: true }).fill("ehr-if.springvale.example");
    await hl7.getByLabel("Port", { exact: true }).fill("6662");
    expect(await hl7.getByLabel("Client certificate (PEM)").isVisible()).toBe(false);
    await hl7.getByLabel("MLLP over TLS").check();
    await hl7.getByLabel("Server's CA (PEM)").fill(cert);
    await hl7.getByLabel("Client certificate (PEM)").fill(cert);
    await hl7.getByLabel("Client certificate's key (PEM)").fill(certKey);
    await screenshot(page, "/tmp/homeward-admin-systems-tls.png");
    await hl7.getByRole("button", { name: "Add system" }).click();
    const tlsRow = table.getByRole("row").filter({ hasText: "EHR interface (TLS)" });
    await eventually(() => textOf(tlsRow)).toContain("TLS · own CA · client certificate");
    await screenshot(page, "/tmp/homeward-admin-systems-auth.png");

    // Edit shows the settings but never the keys; an empty key keeps the stored one.
    await table.getByRole("button", { name: "Edit Springvale EHR (SMART)" }).click();
    const edit = page.getByRole("form", { name: "Edit Springvale EHR (SMART)" });
    expect(await edit.getByLabel("Client id").inputValue()).toBe("homeward-springvale");
    expect(await edit.getByLabel("Private key").inputValue()).toBe("");
    await edit.getByLabel("Scope").fill("system/Bundle.write");
    await edit.getByRole("button", { name: "Save changes" }).click();
    await eventually(() => textOf(page.getByRole("status").first())).toContain("saved");
    const content = await page.content();
    expect(content).not.toContain("PRIVATE KEY-----\nMI");
    expect(content).not.toContain(certKey.split("\n")[1] ?? "?");
    expect(content).not.toContain(smartKey.split("\n")[1] ?? "?");
    const stored = await t.pool.query<{ scope: string | null; has_key: boolean }>(
      "SELECT scope, secret_sealed IS NOT NULL AS has_key FROM outbound_endpoints WHERE name = 'Springvale EHR (SMART)'",
    );
    expect(stored.rows).toEqual([{ scope: "system/Bundle.write", has_key: true }]);
    expect(problems).toEqual([
      "Failed to load resource: the server responded with a status of 400 (Bad Request)",
    ]);
    await context.close();
  });

  it("what went to the system added here is on the event page, for the practice's care manager", async () => {
    const { rows } = await t.pool.query<{ id: string; name: string }>(
      "SELECT id::text, name FROM outbound_endpoints WHERE name IN ('Care platform', 'EHR interface') ORDER BY name",
    );
    const [hook, hl7] = rows;
    if (hook === undefined || hl7 === undefined) throw new Error("the first test adds the endpoints");
    const base = {
      organizationId: t.ids.practiceA,
      purpose: "notification" as const,
      matchId: "match-V-A4",
      eventId: "evt-V-A4",
      payload: {},
      status: "queued" as const,
    };
    await insertOutboundDeliveries(t.pool, [
      { ...base, id: "obd_h9-hook", endpointId: hook.id },
      { ...base, id: "obd_h9-hl7", endpointId: hl7.id },
    ]);
    await recordOutboundAttempt(t.pool, "obd_h9-hook", 1, { outcome: "failed", responseStatus: "503" });
    await recordOutboundAttempt(t.pool, "obd_h9-hook", 2, { outcome: "sent", responseStatus: "204" });
    await recordOutboundAttempt(t.pool, "obd_h9-hl7", 1, {
      outcome: "dead",
      responseStatus: "AE",
      code: "AE",
    });
    const { context, page, problems } = await signedIn(USERS.cmA.email, "/events/match-V-A4");
    const systems = page.getByRole("region", { name: "Sent to your systems" });
    await eventually(() => textOf(systems)).toContain("Notification by webhook to Care platform");
    const text = await textOf(systems);
    expect(text).toContain("Care platform Sent answered 204 · 2 attempts");
    expect(text).toContain("Notification by HL7 v2 to EHR interface Failed answered AE · 1 attempt");
    // Where they are and their secrets are the admins' business, not the event page's.
    expect(text).not.toContain("hooks.springvale.example");
    await screenshot(page, "/tmp/homeward-event-systems-h9.png");
    expect(problems).toEqual([]);
    await context.close();
  });

  it("another practice's admin sees none of them; a care manager has no admin screens", async () => {
    const { context, page, problems } = await signedIn(USERS.adminB.email, "/admin/systems");
    await eventually(() => page.title()).toBe("Systems · Homeward");
    await eventually(() => textOf(page.locator(".admin-body"))).toContain("No systems yet");
    await context.close();
    const cm = await signedIn(USERS.cmA.email, "/admin/systems");
    await eventually(() => cm.page.getByRole("link", { name: "Systems" }).count()).toBe(0);
    expect(await cm.page.title()).not.toBe("Systems · Homeward");
    await cm.context.close();
    expect(problems).toEqual([]);
  });
});
