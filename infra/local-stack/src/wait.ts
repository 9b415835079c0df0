/**
 * Polls `check` until it resolves (a real health check: the engine answered its own protocol),
 * or fails after `timeoutMs` with the last error. No fixed sleeps.
 */
export async function waitUntil(
  what: string,
  check: () => Promise<unknown>,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let delay = 100;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      await check();
      return;
    } catch (err) {
      lastError = err;
    }
    await new Promise((r) => setTimeout(r, delay));
    delay = Math.min(delay * 1.5, 1000);
  }
  const reason = lastError instanceof Error ? lastError.message : String(lastError);
  throw new Error(`${what} did not become ready within ${timeoutMs / 1000}s: ${reason}`);
}

/** Resolves once, true if `check` passes now; false if it throws. */
export async function answers(check: () => Promise<unknown>): Promise<boolean> {
  try {
    await check();
    return true;
  } catch {
    return false;
  }
}
