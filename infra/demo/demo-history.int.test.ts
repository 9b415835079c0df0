import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createPool, type Pool } from "@homeward/db";
import { createLogger } from "@homeward/logger";
import { runSimulation, scenarioMessages } from "@homeward/simulator";
import { isolation } from "@homeward/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Pipeline, startPipeline } from "../../test/e2e/pipeline.test-support.ts";
import type { DemoHistoryData } from "./demo-history-data.ts";
import { type HistoryReplayReport, replayDemoHistory } from "./demo-history-replay.ts";
import { type SeededDemo, seedDemo } from "./seed.ts";

let demo: SeededDemo;
let history: DemoHistoryData;
let pipeline: Pipeline;
let pool: Pool;
let visitNumbers: string[];
let firstRun: HistoryReplayReport;
let replayMs = 0;

const rows = async <T>(sql: string, params: unknown[] = []) => (await pool.query(sql, params)).rows as T[];

/** The feed simulator's replay of the recent past, as `npm start` runs it. */
async function recentPast(): Promise<Record<string, number>> {
  const count = scenarioMessages(demo.scenario, demo.patients).length;
  const totals = await runSimulation(
    {
      host: "127.0.0.1",
      port: pipeline.listener.mllpPort,
      ratePerMinute: 60,
      count,
      seed: 1,
      runTag: "DEMOHIST",
      patients: demo.patients,
      strangerShare: 0.2,
      ackTimeoutMs: 10_000,
      connectTimeoutMs: 10_000,
      scenario: demo.scenario,
    },
    { print: () => {} },
  );
  return totals.byAck;
}

/** The history and the care team's work on it, beside the simulator, as `npm start` runs them. */
const replay = async () => {
  const [acks, report] = await Promise.all([
    recentPast(),
    replayDemoHistory(pool, {
      host: "127.0.0.1",
      port: pipeline.listener.mllpPort,
      epoch: new Date(demo.scenario.epoch),
      patients: demo.patients,
      history,
    }),
  ]);
  expect(Object.keys(acks)).toEqual(["AA"]);
  expect(report.byAck).toEqual({ AA: history.messages });
  return report;
};

/** Each history task of a follow-up step with how the measure sees it (contact time against the due time). */
const followUps = () =>
  rows<{
    visit_number: string;
    step_id: string;
    organization: string;
    month: string;
    status: string;
    outcome: string | null;
    verdict: string;
    entered_later: boolean;
  }>(
    `SELECT t.visit_number, t.step_id, o.code AS organization, t.status, t.outcome,
            to_char(t.triggered_at AT TIME ZONE o.time_zone, 'YYYY-MM') AS month,
            CASE WHEN t.contacted_at IS NOT NULL THEN (CASE WHEN t.contacted_at <= t.due_at THEN 'in-time' ELSE 'late' END)
                 WHEN t.status = 'completed' THEN 'not-reached' ELSE 'open' END AS verdict,
            coalesce(t.completed_at > t.due_at AND t.contacted_at <= t.due_at, false) AS entered_later
       FROM tasks t JOIN organizations o ON o.id = t.organization_id
      WHERE t.visit_number = ANY($1::text[]) AND t.step_id IN ('follow-up-call', 'interactive-contact')
        AND t.status <> 'cancelled'
      ORDER BY t.triggered_at`,
    [visitNumbers],
  );

beforeAll(async () => {
  const iso = isolation("demohist");
  const today = new Date().toISOString().slice(0, 10);
  demo = await seedDemo(iso.settings, { outDir: mkdtempSync(join(tmpdir(), "demo-history-")), asOf: today });
  if (demo.history === undefined) throw new Error("the seed wrote no history");
  history = demo.history;
  visitNumbers = history.visits.map((v) => v.visitNumber);
  pool = createPool({ ...iso.settings.postgres, max: 5 });
  pipeline = await startPipeline(iso, createLogger({ service: "demo-history-test", level: "warn" }));
  const t0 = performance.now();
  firstRun = await replay();
  replayMs = performance.now() - t0;
}, 240_000);

afterAll(async () => {
  await pipeline?.stop();
  await pool?.end();
});

describe("the demo's six months of history, replayed and worked like live data", () => {
  it("goes through the pipeline within the minute, and the care team's work lands on the tasks", async () => {
    expect(firstRun.events).toBe(history.events);
    // Every planned entry is recorded on its task, but for those a later event closed first (a
    // readmission or death excluded the task) and the step of the other length that never opened.
    const opened = await rows<{ key: string }>(
      "SELECT visit_number || '|' || step_id AS key FROM tasks WHERE visit_number = ANY($1::text[])",
      [visitNumbers],
    );
    const plans = new Map(history.work.map((w) => [`${w.visitNumber}|${w.stepId}`, w.actions.length]));
    const planned = opened.reduce((n, t) => n + (plans.get(t.key) ?? 0), 0);
    expect(firstRun.recorded + firstRun.refused).toBe(planned);
    expect(firstRun.refused).toBeLessThan(planned / 10);
    expect(firstRun.recorded).toBeGreaterThan(300);
    expect(replayMs).toBeLessThan(60_000);
  });

  it("has ED follow-up calls in six months or more, each month's rate at the practice neither 0% nor 100%", async () => {
    const calls = (await followUps()).filter(
      (t) => t.step_id === "follow-up-call" && t.organization === "SFM",
    );
    const months = [...new Set(calls.map((t) => t.month))].sort();
    expect(months.length).toBeGreaterThanOrEqual(6);
    for (const month of months) {
      const these = calls.filter((t) => t.month === month);
      const inTime = these.filter((t) => t.verdict === "in-time").length;
      if (these.length < 2) continue;
      expect(inTime, month).toBeGreaterThan(0);
      expect(inTime, month).toBeLessThan(these.length);
    }
    // Over the six months, about four calls in five in time.
    const rate = calls.filter((t) => t.verdict === "in-time").length / calls.length;
    expect(rate).toBeGreaterThan(0.7);
    expect(rate).toBeLessThan(0.92);
  });

  it("ends every follow-up task as the care team's plan said: the task commands recorded exactly the planned work", async () => {
    const planned = new Map(history.work.map((w) => [`${w.visitNumber}|${w.stepId}`, w.verdict]));
    // The practice's tasks: the plan's copies count days on the plan's own calendar (no state holidays).
    const actual = (await followUps()).filter((t) => t.organization === "SFM");
    expect(actual.length).toBeGreaterThan(100);
    for (const t of actual)
      expect([t.visit_number, t.step_id, t.verdict]).toEqual([
        t.visit_number,
        t.step_id,
        planned.get(`${t.visit_number}|${t.step_id}`),
      ]);
  });

  it("has misses with stories: unable to reach, reached late, never worked and overdue, and contacts entered days later", async () => {
    const tasks = await followUps();
    expect(tasks.some((t) => t.status === "completed" && t.outcome === "unable_to_reach")).toBe(true);
    expect(tasks.some((t) => t.status === "completed" && t.verdict === "late")).toBe(true);
    expect(tasks.some((t) => t.status !== "completed" && t.verdict === "open")).toBe(true);
    expect(tasks.some((t) => t.entered_later)).toBe(true);
    const [overdue] = await rows<{ n: number }>(
      `SELECT count(*)::int AS n FROM tasks WHERE visit_number = ANY($1::text[])
          AND status IN ('open', 'in_progress') AND due_at < now()`,
      [visitNumbers],
    );
    expect(overdue?.n).toBeGreaterThan(0);
  });

  it("dates the work in the past, by the care managers, in the access log as task commands", async () => {
    const epoch = new Date(demo.scenario.epoch);
    const [work] = await rows<{ entries: number; latest: Date; actors: string[] }>(
      `SELECT count(*)::int AS entries, max(h.at) AS latest, array_agg(DISTINCT u.email ORDER BY u.email) AS actors
         FROM task_history h JOIN tasks t ON t.id = h.task_id
         JOIN users u ON h.actor = 'user:' || u.id
        WHERE t.visit_number = ANY($1::text[])`,
      [visitNumbers],
    );
    expect(work?.entries).toBe(firstRun.recorded);
    expect(work?.latest.getTime()).toBeLessThan(epoch.getTime());
    expect(work?.actors).toEqual([
      "cm2@springvale.example",
      "cm3@springvale.example",
      "cm@harborview.example",
      "cm@springvale.example",
    ]);
    const [audit] = await rows<{ n: number }>(
      "SELECT count(*)::int AS n FROM audit_log WHERE detail->>'requestId' = 'demo-history'",
    );
    expect(audit?.n).toBe(firstRun.recorded);
  });

  it("changes nothing when npm start runs again: the feeds resend, the listener drops, the work is found done", async () => {
    const counts = () =>
      rows<Record<string, number>>(
        `SELECT (SELECT count(*) FROM tasks)::int AS tasks, (SELECT count(*) FROM task_history)::int AS history,
                (SELECT count(*) FROM matched_events)::int AS events, (SELECT count(*) FROM deliveries)::int AS deliveries,
                (SELECT count(*) FROM audit_log)::int AS audit,
                (SELECT count(*) FILTER (WHERE status = 'completed') FROM tasks)::int AS completed`,
      );
    const before = await counts();
    const again = await replay();
    expect(again).toMatchObject({
      events: history.events,
      recorded: 0,
      alreadyThere: firstRun.recorded,
      refused: firstRun.refused,
    });
    expect(await counts()).toEqual(before);
  });
});
