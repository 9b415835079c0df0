import { createLogger } from "@homeward/logger";
import { testStack } from "@homeward/testing";
import { describe, expect, it } from "vitest";
import { soakFailures } from "./soak-checks.ts";
import { runSoak, SOAK_LOG_DIR } from "./soak-run.ts";

/**
 * The soak's short version in the suite (`npm run soak` is the long one, every fault kind, three
 * runs): the whole pipeline as separate processes, a feed of known outcome, the listener and a
 * notifier (with its delivery workers) killed with SIGKILL while it runs. Nothing may be lost or
 * done twice.
 */
describe("soak, short", () => {
  it("loses nothing and does nothing twice while the listener and a notifier are killed mid-stream", async () => {
    const result = await runSoak({
      messages: 150,
      rate: 10,
      patients: 60,
      connections: 3,
      faults: [
        { at: 0.3, kind: "kill-listener", downMs: 1000 },
        { at: 0.6, kind: "kill-notifier", downMs: 1000 },
      ],
      databaseUrl: testStack().settings.postgres.url,
      logger: createLogger({ service: "soak-test", level: "warn" }),
      logDir: SOAK_LOG_DIR,
      settleMs: 120_000,
    });
    expect(result.faultsDone.map((f) => f.kind)).toEqual(["kill-listener", "kill-notifier"]);
    expect(soakFailures(result.findings)).toEqual([]);
    expect(result.findings.tasks.exactlyOnce).toBe(150);
    // 150 arrivals: an email to the care manager and one to the PCP each, a page for the 50 of Priority I.
    // An alert the killed notifier had on the wire may arrive twice, with one idempotency key.
    const { exactlyOnce, resentAfterCrash } = result.findings.alerts;
    expect(exactlyOnce + resentAfterCrash).toBe(350);
    expect(resentAfterCrash).toBeLessThanOrEqual(4); // at most one per delivery worker
  }, 420_000);
});
