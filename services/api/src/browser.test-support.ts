import { type Browser, type BrowserContext, chromium, type Locator, type Page } from "playwright-core";
import { expect } from "vitest";

/**
 * What every dashboard test in a real browser shares: Debian's Chromium driven by playwright-core
 * (never a downloaded browser), the page's text as a person reads it, polling until the page
 * catches up, and signing in through the form.
 */

/** The Chromium to drive: infra/ensure-chromium.mjs finds it (and installs Debian's package as root). */
async function chromiumPath(): Promise<string> {
  const helper = new URL("../../../infra/ensure-chromium.mjs", import.meta.url).href;
  const { ensureChromium } = (await import(helper)) as { ensureChromium: () => string };
  return ensureChromium();
}

/** Headless Chromium; without its sandbox when running as root (as on CI), which Chromium requires. */
export async function launchChromium(): Promise<Browser> {
  const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
  return chromium.launch({
    executablePath: await chromiumPath(),
    headless: true,
    args: isRoot ? ["--no-sandbox"] : [],
  });
}

/** The text of an element as laid out for a reader, whitespace collapsed. */
// biome-ignore lint/performance/useDomNodeTextContent: the rendered text, laid out as a person reads it.
export const textOf = (locator: Locator) => locator.innerText().then((s) => s.replace(/\s+/g, " ").trim());

/** Polls `read` until the expectation that follows holds (default 10 s). */
export function eventually<T>(
  read: () => Promise<T> | T,
  timeout = 10_000,
): ReturnType<typeof expect.poll<Promise<T> | T>> {
  return expect.poll(read, { timeout, interval: 200 });
}

/** Signs in through the dashboard's form and waits for the signed-in top bar. */
export async function signIn(page: Page, email: string, password: string): Promise<void> {
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await eventually(() => page.getByRole("button", { name: "Sign out" }).isVisible()).toBe(true);
}

/** The page's uncaught errors and console errors, collected for an `expect(...).toEqual([])` at the end. */
export function collectProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on("pageerror", (error) => problems.push(error.message));
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(message.text());
  });
  return problems;
}

/** A 1366×900 context on `baseURL`; `at` pins the browser's clock (to the api's test clock). */
export async function newContext(
  browser: Browser,
  baseURL: string,
  options: { at?: Date; timezoneId?: string } = {},
): Promise<BrowserContext> {
  const context = await browser.newContext({
    viewport: { width: 1366, height: 900 },
    baseURL,
    ...(options.timezoneId === undefined ? {} : { timezoneId: options.timezoneId }),
  });
  if (options.at !== undefined) await context.clock.setFixedTime(options.at);
  return context;
}

/** A full-page screenshot from the top (the sticky top bar would otherwise sit where the page was scrolled to). */
export async function screenshot(page: Page, path: string): Promise<void> {
  await page.evaluate("window.scrollTo(0, 0)");
  await page.screenshot({ path, fullPage: true });
}
