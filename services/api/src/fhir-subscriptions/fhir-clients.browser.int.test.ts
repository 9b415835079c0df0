import { randomUUID } from "node:crypto";
import { exportJWK, generateKeyPair, SignJWT } from "jose";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiTest, NOW, PASSWORD, startTestApi, USERS } from "../api.test-support.ts";
import {
  collectProblems,
  eventually,
  launchChromium,
  newContext,
  screenshot,
  signIn,
  textOf,
} from "../browser.test-support.ts";

// The FHIR clients admin screen in headless Chromium against the real api and PostgreSQL: a practice
// admin registers a system by its public key set (a private key pasted is refused at the field),
// reads the client id and token URL to hand over, and the client id works: an assertion signed with
// the system's key gets a token. Then the admin disables it. Screenshots:
// /tmp/homeward-admin-fhir-clients-{form,registered,list}.png.

let t: ApiTest;
let browser: Browser;
let baseUrl: string;

beforeAll(async () => {
  t = await startTestApi("fhir-clients-browser");
  baseUrl = await t.listen();
  browser = await launchChromium();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

describe("the FHIR clients admin screen in headless Chromium", () => {
  it("registers a client by its public keys, shows its id and token URL once, and disables it", async () => {
    const context = await newContext(browser, baseUrl, { at: NOW, timezoneId: "America/New_York" });
    const page = await context.newPage();
    const problems = collectProblems(page);
    await page.goto("/admin");
    await signIn(page, USERS.adminA.email, PASSWORD);
    await eventually(() => page.title()).toBe("Admin · Homeward");
    await page.getByRole("link", { name: "FHIR clients" }).first().click();
    await eventually(() => page.title()).toBe("FHIR clients · Homeward");
    expect(page.url()).toBe(`${baseUrl}/admin/fhir-clients`);
    await eventually(() => textOf(page.locator(".admin-body"))).toContain("No FHIR clients yet");

    const keys = await generateKeyPair("ES384", { extractable: true });
    await page.getByRole("button", { name: "Register a client" }).click();
    const form = page.getByRole("form", { name: "Register a FHIR client" });
    await form.getByLabel("Name").fill("Springvale care platform");
    // Reading what id-only notifications name is offered, on by default.
    expect(await form.getByLabel("Also read the encounters and patients it is notified of").isChecked()).toBe(
      true,
    );
    // The private key by mistake: refused, said beside the field.
    await form
      .getByLabel("Public keys (JWKS)")
      .fill(JSON.stringify({ keys: [await exportJWK(keys.privateKey)] }));
    await form.getByRole("button", { name: "Register" }).click();
    await eventually(() => textOf(form.locator("#fhir-client-jwks-error"))).toContain("private key");
    await screenshot(page, "/tmp/homeward-admin-fhir-clients-form.png");
    await form
      .getByLabel("Public keys (JWKS)")
      .fill(
        JSON.stringify({ keys: [{ ...(await exportJWK(keys.publicKey)), kid: "sv-2026", alg: "ES384" }] }),
      );
    await form.getByRole("button", { name: "Register" }).click();
    await eventually(() => page.getByLabel("Client id").count()).toBe(1);
    const clientId = await page.getByLabel("Client id").inputValue();
    const tokenUrl = await page.getByLabel("Token URL").inputValue();
    expect(tokenUrl).toBe(`${baseUrl}/api/fhir/token`);
    const table = page.getByRole("table", { name: "FHIR clients" });
    await eventually(() => textOf(table)).toContain("Springvale care platform");
    expect(await textOf(table)).toContain(
      `${clientId} sv-2026 system/Subscription.cruds system/Encounter.r system/Patient.r`,
    );
    await screenshot(page, "/tmp/homeward-admin-fhir-clients-registered.png");

    // The id on the screen is the one the system signs with: it gets a token.
    const assertion = await new SignJWT({})
      .setProtectedHeader({ alg: "ES384", kid: "sv-2026" })
      .setIssuer(clientId)
      .setSubject(clientId)
      .setAudience(tokenUrl)
      .setExpirationTime(Math.floor(NOW.getTime() / 1000) + 120)
      .setJti(randomUUID())
      .sign(keys.privateKey);
    const token = await fetch(tokenUrl, {
      method: "POST",
      body: new URLSearchParams({
        grant_type: "client_credentials",
        client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        client_assertion: assertion,
        scope: "system/Subscription.rs system/Encounter.r",
      }),
    });
    expect(token.status).toBe(200);
    expect(((await token.json()) as { scope: string }).scope).toBe(
      "system/Subscription.rs system/Encounter.r",
    );

    await page.getByRole("button", { name: "Done" }).click();
    await table.getByRole("button", { name: "Disable Springvale care platform" }).click();
    await eventually(() => textOf(page.locator(".form-status"))).toContain(
      "Springvale care platform is disabled",
    );
    await eventually(() => textOf(table)).toContain("Disabled");
    await screenshot(page, "/tmp/homeward-admin-fhir-clients-list.png");
    // Only the refused private key's answer, which the browser reports as a failed load.
    expect(problems).toEqual([
      "Failed to load resource: the server responded with a status of 400 (Bad Request)",
    ]);
    await context.close();

    // Another practice's admin sees none of A's clients.
    const other = await newContext(browser, baseUrl, { at: NOW, timezoneId: "America/New_York" });
    const pageB = await other.newPage();
    await pageB.goto("/admin/fhir-clients");
    await signIn(pageB, USERS.adminB.email, PASSWORD);
    await eventually(() => textOf(pageB.locator(".admin-body"))).toContain("No FHIR clients yet");
    await other.close();
  });
});
