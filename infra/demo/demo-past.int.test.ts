import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createPool, type Pool } from "@homeward/db";
import { createLogger } from "@homeward/logger";
import { runSimulation, scenarioMessages } from "@homeward/simulator";
import { isolation } from "@homeward/testing";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type Pipeline, startPipeline } from "../../test/e2e/pipeline.test-support.ts";
import { type SeededDemo, seedDemo } from "./seed.ts";

let demo: SeededDemo;
let pipeline: Pipeline;
let pool: Pool;
let replayed = 0;

const rows = async <T>(sql: string, params: unknown[] = []) => (await pool.query(sql, params)).rows as T[];
/** The patient id of whoever plays `part` (the nth of them). */
const playing = (part: string, nth = 0) => {
  const memberId = demo.scenario.cast.filter((c) => c.part === part)[nth]?.memberId;
  return demo.patients.find((p) => p.memberId === memberId)?.patientId ?? "";
};
const tasksOf = (patientId: string) =>
  rows<{
    organization_id: string;
    protocol_id: string;
    step_id: string;
    status: string;
    cancel_reason: string | null;
  }>(
    `SELECT organization_id::text, protocol_id, step_id, status, cancel_reason FROM tasks
      WHERE patient_id = $1 ORDER BY triggered_at, step_id`,
    [patientId],
  );
const eventsOf = (patientId: string) =>
  rows<{
    organization_id: string;
    event_kind: string;
    copy: string;
    no_task_reason: string | null;
    flags: { frequentEd?: { visits: number }; readmission?: { daysSinceDischarge: number } };
  }>(
    `SELECT organization_id::text, event_kind, copy, no_task_reason, record -> 'flags' AS flags
       FROM matched_events WHERE patient_id = $1 ORDER BY occurred_at, match_id`,
    [patientId],
  );

beforeAll(async () => {
  const iso = isolation("demopast");
  const today = new Date().toISOString().slice(0, 10);
  demo = await seedDemo(iso.settings, { outDir: mkdtempSync(join(tmpdir(), "demo-past-")), asOf: today });
  pool = createPool({ ...iso.settings.postgres, max: 2 });
  const logger = createLogger({ service: "demo-past-test", level: process.env.LOG_LEVEL ?? "warn" });
  pipeline = await startPipeline(iso, logger);
  replayed = scenarioMessages(demo.scenario, demo.patients).length;
  const totals = await runSimulation(
    {
      host: "127.0.0.1",
      port: pipeline.listener.mllpPort,
      ratePerMinute: 60,
      count: replayed,
      seed: 1,
      runTag: "DEMOPAST",
      patients: demo.patients,
      strangerShare: 0.2,
      ackTimeoutMs: 10_000,
      connectTimeoutMs: 10_000,
      scenario: demo.scenario,
    },
    { print: () => {} },
  );
  expect(totals.byAck).toEqual({ AA: replayed });
  // Sent without pacing: 60 a minute would take most of a minute for the replay alone.
  expect(totals.elapsedMs).toBeLessThan(20_000);
  // Everything the replay announced has been handled: every message is an announcement to at least
  // one organization (two for the monitor copy's), and every cast patient has been matched.
  await vi.waitFor(
    async () => {
      const { rows: n } = await pool.query<{ patients: number; announcements: number }>(
        "SELECT count(DISTINCT patient_id)::int AS patients, count(*)::int AS announcements FROM matched_events",
      );
      expect(n[0]?.patients).toBe(demo.scenario.cast.length);
      expect(n[0]?.announcements).toBeGreaterThan(replayed);
    },
    { timeout: 60_000, interval: 500 },
  );
}, 180_000);

afterAll(async () => {
  await pipeline?.stop();
  await pool?.end();
});

describe("npm start's demo, after the feed replayed its past", () => {
  it("has the tracking list's in-hospital visit open, and the one discharged before the visit cancelled", async () => {
    expect(await tasksOf(playing("tracking-list-admitted"))).toEqual([
      expect.objectContaining({
        protocol_id: "tracking-list-admission",
        step_id: "in-hospital-visit",
        status: "open",
      }),
    ]);
    const early = await tasksOf(playing("tracking-list-discharged"));
    expect(early.find((t) => t.step_id === "in-hospital-visit")).toMatchObject({
      status: "cancelled",
      cancel_reason: "discharged before the visit (A03)",
    });
    expect(early.find((t) => t.step_id === "interactive-contact")?.status).toBe("open");
  });

  it("flags the frequent ED user and the 30-day readmission, who is in hospital with a Priority I touch", async () => {
    const frequent = (await eventsOf(playing("frequent-ed"))).filter((e) => e.event_kind === "ed-arrival");
    expect(frequent).toHaveLength(4);
    expect(frequent.at(-1)?.flags.frequentEd?.visits).toBeGreaterThanOrEqual(3);
    const readmitted = (await eventsOf(playing("readmission"))).at(-1);
    expect(readmitted).toMatchObject({ event_kind: "inpatient-admit" });
    expect(readmitted?.flags.readmission?.daysSinceDischarge).toBeLessThan(30);
    expect((await tasksOf(playing("readmission"))).map((t) => [t.step_id, t.status])).toContainEqual([
      "in-hospital-touch",
      "open",
    ]);
  });

  it("has an event that opened no task, a monitor copy, patients in hospital now and discharges to reach", async () => {
    expect((await eventsOf(playing("not-enrolled-ed"))).map((e) => e.no_task_reason)).toEqual([
      "not-enrolled",
      "not-enrolled",
    ]);
    const monitor = await eventsOf(playing("monitor-copy-ed"));
    expect(monitor.map((e) => [e.organization_id, e.copy, e.no_task_reason])).toEqual(
      expect.arrayContaining([
        [demo.practice.organizationId, "monitor", "monitor-copy"],
        [demo.plan.organizationId, "lead", null],
      ]),
    );
    const open = await rows<{ n: number }>(
      "SELECT count(*)::int AS n FROM encounters WHERE status = 'active' AND setting IN ('ed', 'inpatient')",
    );
    expect(open[0]?.n).toBeGreaterThanOrEqual(7);
    for (const nth of [0, 1, 2]) {
      const contact = (await tasksOf(playing("recent-discharge", nth))).find(
        (t) => t.step_id === "interactive-contact",
      );
      expect(contact?.status, `recent discharge ${nth}`).toBe("open");
    }
  });

  it("opens the six-month reviews falling due on the tracking list, in the practice, for its care managers", async () => {
    const swept = await pipeline.notifier.sweepNow();
    expect(swept.reviewsOpened).toBeGreaterThanOrEqual(demo.trackingList.reviewsDueSoon);
    expect(demo.trackingList.reviewsDueSoon).toBeGreaterThanOrEqual(3);
    const reviews = await rows<{ organization_id: string; assigned: boolean }>(
      `SELECT organization_id::text, assignee_recipient_id IS NOT NULL AS assigned FROM tasks
        WHERE protocol_id = 'tracking-list-review' AND organization_id = $1`,
      [demo.practice.organizationId],
    );
    expect(reviews.length).toBeGreaterThanOrEqual(3);
    expect(reviews.every((r) => r.assigned)).toBe(true);
  });
});
