import type { StackSettings } from "@homeward/config";
import { createPool, migrate, type Pool } from "@homeward/db";
import { createLogger } from "@homeward/logger";
import { DEFAULT_PROTOCOLS, type ProtocolsFile } from "@homeward/protocols";
import { createSqsClient, ensureQueue, HOMEWARD_QUEUES, openWorkQueue, type WorkQueue } from "@homeward/sqs";
import { isolation } from "@homeward/testing";
import { DateTime } from "luxon";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDueReviews } from "./review-tasks.ts";
import { sweep } from "./sweeper.ts";

/** The clock of these tests: Monday December 7 2026, 10 am in New York. */
const NOW = new Date("2026-12-07T15:00:00Z");
const day = (months: number, days = 0) =>
  DateTime.fromJSDate(NOW, { zone: "America/New_York" }).plus({ months, days }).toISODate() ?? "";

let settings: StackSettings;
let pool: Pool;
let queue: WorkQueue;
const ids: Record<string, string> = {};

const rows = async <T>(sql: string, params: unknown[] = []) => (await pool.query(sql, params)).rows as T[];
const one = async (sql: string, params: unknown[] = []) =>
  String((await pool.query(sql, params)).rows[0]?.id);

interface ReviewRow {
  id: string;
  patient_id: string;
  organization_id: string;
  status: string;
  due_at: Date;
  triggered_at: Date;
  assignee_recipient_id: string | null;
  facility: string | null;
  enrollment_id: string;
  risk_tier: string | null;
  cancel_reason: string | null;
}
const reviews = () =>
  rows<ReviewRow>(
    `SELECT id, patient_id::text, organization_id::text, status, due_at, triggered_at,
            assignee_recipient_id::text, facility, enrollment_id::text, risk_tier, cancel_reason
       FROM tasks WHERE protocol_id = 'tracking-list-review' ORDER BY patient_id, due_at`,
  );
const reviewOf = async (patient: string) => (await reviews()).filter((r) => r.patient_id === ids[patient]);
const newYork = (d: Date | undefined) =>
  d === undefined ? undefined : DateTime.fromJSDate(d, { zone: "America/New_York" }).toISO();

/** A list row; `to` ends it (as a roster import does when something about the patient changed). */
async function enroll(
  patient: string,
  row: {
    org: string;
    status: string;
    from: string;
    to?: string;
    tier?: string;
    cm?: string;
    program?: string;
  },
) {
  return one(
    `INSERT INTO care_management_enrollments (patient_id, program, listed_by_org_id, practice_org_id, risk_tier,
                                              care_manager_recipient_id, lead_organization, status, source,
                                              effective_from, effective_to)
     VALUES ($1, $2, $3, $4, $5, $6, 'practice', $7, $8, $9, $10) RETURNING id`,
    [
      ids[patient],
      row.program ?? "complex-care",
      ids[row.org],
      ids.sfm,
      row.tier ?? "II",
      row.cm === undefined ? null : ids[row.cm],
      row.status,
      `${row.org}-list`,
      row.from,
      row.to ?? null,
    ],
  );
}

beforeAll(async () => {
  const iso = isolation("reviews");
  settings = iso.settings;
  await migrate(settings.postgres);
  pool = createPool(settings.postgres);
  ids.sfm = await one(
    "INSERT INTO organizations (kind, code, name, time_zone) VALUES ('practice', 'SFM', 'Springvale Family Medicine', 'America/New_York') RETURNING id",
  );
  ids.plan = await one(
    "INSERT INTO organizations (kind, code, name, time_zone) VALUES ('health_plan', 'HPLAN', 'Harborview', 'America/New_York') RETURNING id",
  );
  ids.clinician = await one(
    "INSERT INTO clinicians (npi, family_name, given_name, organization_id) VALUES ('1234567893', 'DEMOSON', 'ROWAN', $1) RETURNING id",
    [ids.sfm],
  );
  const person = (org: string, role: string, email: string, clinician: string | null = null) =>
    one(
      "INSERT INTO recipients (organization_id, clinician_id, role, display_name, email, time_zone) VALUES ($1, $2, $3, $3, $4, 'America/New_York') RETURNING id",
      [ids[org], clinician, role, email],
    );
  ids.cm = await person("sfm", "care_manager", "cm@sfm.example");
  ids.pcp = await person("sfm", "pcp", "pcp@sfm.example", ids.clinician);
  ids.planCm = await person("plan", "care_manager", "cm@plan.example");
  for (const p of ["due", "later", "chain", "active", "onPlanList", "nocm", "leaves"]) {
    ids[p] = await one(
      "INSERT INTO patients (family_name, given_name, birth_date, sex) VALUES ($1, 'SYNTH', '1950-01-01', 'F') RETURNING id",
      [`DEMO${p.toUpperCase()}`],
    );
  }
  await pool.query(
    `INSERT INTO attributions (patient_id, practice_org_id, pcp_clinician_id, source, kind, effective_from)
     VALUES ($1, $2, $3, 'roster', 'attribution', '2025-01-01')`,
    [ids.nocm, ids.sfm, ids.clinician],
  );
  // Due in 10 days: opens now (two weeks ahead).
  ids.dueRow = await enroll("due", { org: "sfm", status: "tracking_list", from: day(-6, 10), cm: "cm" });
  // Due in four months: not yet.
  await enroll("later", { org: "sfm", status: "tracking_list", from: day(-2), cm: "cm" });
  // On the list seven months, its tier changed last month (a new row): counted from the first row.
  await enroll("chain", { org: "sfm", status: "tracking_list", from: day(-7), to: day(-1), tier: "III" });
  ids.chainRow = await enroll("chain", { org: "sfm", status: "tracking_list", from: day(-1), tier: "I" });
  await enroll("active", { org: "sfm", status: "active", from: day(-8), cm: "cm" });
  // The plan's own tracking list: the plan reviews it, with its own care manager.
  await enroll("onPlanList", { org: "plan", status: "tracking_list", from: day(-6, 3), cm: "planCm" });
  // No care manager on the list: the PCP of record reviews.
  await enroll("nocm", { org: "sfm", status: "tracking_list", from: day(-6), program: "diabetes" });
  ids.leavesRow = await enroll("leaves", { org: "sfm", status: "tracking_list", from: day(-6, 1), cm: "cm" });

  const sqs = createSqsClient(iso.settings.sqs);
  const spec = HOMEWARD_QUEUES.find((q) => q.name === "homeward-alerts");
  if (spec === undefined) throw new Error("no alerts queue spec");
  queue = openWorkQueue(sqs, (await ensureQueue(sqs, spec, iso.queuePrefix)).url);
});

afterAll(async () => {
  await pool?.end();
});

describe("the sweeper's review pass", () => {
  it("opens each tracking-list patient's six-month review two weeks ahead, in the list's organization", async () => {
    const logger = createLogger({ service: "review-test", level: "warn" });
    const swept = await sweep({
      pool,
      queue,
      baseUrl: "https://homeward.test",
      logger,
      outboxGraceSeconds: 30,
      protocols: DEFAULT_PROTOCOLS,
      now: () => NOW,
    });
    expect(swept).toMatchObject({ reviewsOpened: 5, reviewsCancelled: 0 });
    const opened = await reviews();
    const by = (p: string) => opened.find((r) => r.patient_id === ids[p]);
    expect(opened.map((r) => r.patient_id).sort()).toEqual(
      ["due", "chain", "onPlanList", "nocm", "leaves"].map((p) => ids[p]).sort(),
    );
    expect(by("due")).toMatchObject({
      organization_id: ids.sfm,
      status: "open",
      facility: null,
      enrollment_id: ids.dueRow,
      assignee_recipient_id: ids.cm,
      risk_tier: "II",
    });
    expect(newYork(by("due")?.due_at)).toBe(`${day(0, 10)}T23:59:59.999-05:00`);
    expect(newYork(by("due")?.triggered_at)?.slice(0, 10)).toBe(day(-6, 10));
    // Seven months on the list through a tier change: overdue since last month, on the current row.
    expect(by("chain")).toMatchObject({
      enrollment_id: ids.chainRow,
      risk_tier: "I",
      assignee_recipient_id: null,
    });
    expect(newYork(by("chain")?.due_at)?.slice(0, 10)).toBe(day(-1));
    expect(by("onPlanList")).toMatchObject({ organization_id: ids.plan, assignee_recipient_id: ids.planCm });
    expect(by("nocm")?.assignee_recipient_id).toBe(ids.pcp);
    // Opened with a history row, and no reminder timers: the list is its reminder.
    const history = await rows<{ action: string; actor: string }>(
      "SELECT h.action, h.actor FROM task_history h JOIN tasks t ON t.id = h.task_id WHERE t.protocol_id = 'tracking-list-review'",
    );
    expect(history).toHaveLength(5);
    expect(history.every((h) => h.action === "opened" && h.actor === "sweeper")).toBe(true);
    expect(
      await rows("SELECT 1 FROM task_timers tt JOIN tasks t ON t.id = tt.task_id WHERE t.facility IS NULL"),
    ).toEqual([]);
  });

  it("opens each review once, however many notifiers sweep at once and again", async () => {
    ids.racer = await one(
      "INSERT INTO patients (family_name, given_name, birth_date, sex) VALUES ('DEMORACER', 'SYNTH', '1950-01-01', 'M') RETURNING id",
    );
    await enroll("racer", { org: "sfm", status: "tracking_list", from: day(-6, 5), cm: "cm" });
    const others = [createPool(settings.postgres), createPool(settings.postgres)];
    try {
      for (let round = 0; round < 2; round++) {
        const results = await Promise.all(
          [pool, ...others].map((p) => openDueReviews(p, DEFAULT_PROTOCOLS, NOW)),
        );
        expect(results.reduce((n, r) => n + r.opened, 0)).toBe(round === 0 ? 1 : 0);
      }
    } finally {
      await Promise.all(others.map((p) => p.end()));
    }
    expect(await reviewOf("racer")).toHaveLength(1);
    expect(await reviews()).toHaveLength(6);
  });

  it("opens the next review six months after a completed one, and not before its two weeks", async () => {
    const [first] = await reviewOf("due");
    const completedAt = new Date("2026-12-09T20:00:00Z");
    await pool.query(
      "UPDATE tasks SET status = 'completed', completed_at = $2, outcome = 'reached_patient' WHERE id = $1",
      [first?.id, completedAt],
    );
    expect((await openDueReviews(pool, DEFAULT_PROTOCOLS, completedAt)).opened).toBe(0);
    expect((await reviewOf("due")).map((r) => r.status)).toEqual(["completed"]);
    // Due June 9 2027 (six months after the review, in New York); it opens on May 26, two weeks ahead.
    await openDueReviews(pool, DEFAULT_PROTOCOLS, new Date("2027-05-26T03:59:00Z"));
    expect((await reviewOf("due")).map((r) => r.status)).toEqual(["completed"]);
    const later = new Date("2027-05-26T04:00:00Z");
    const result = await openDueReviews(pool, DEFAULT_PROTOCOLS, later);
    expect(result.opened).toBeGreaterThanOrEqual(1);
    const both = await reviewOf("due");
    expect(both.map((r) => r.status)).toEqual(["completed", "open"]);
    expect(newYork(both[1]?.due_at)).toBe("2027-06-09T23:59:59.999-04:00");
    expect(both[1]?.id).not.toBe(first?.id);
  });

  it("cancels the open review of a patient who left the tracking list, and leaves a disabled protocol's be", async () => {
    // Engaged: the list's row ends and an active one begins (as the next roster import records it).
    await pool.query("UPDATE care_management_enrollments SET effective_to = $2 WHERE id = $1", [
      ids.leavesRow,
      day(0),
    ]);
    await enroll("leaves", { org: "sfm", status: "active", from: day(0), cm: "cm" });
    const disabled: ProtocolsFile = {
      ...DEFAULT_PROTOCOLS,
      reviews: DEFAULT_PROTOCOLS.reviews.map((r) => ({ ...r, enabled: false })),
    };
    expect(await openDueReviews(pool, disabled, NOW)).toEqual({ opened: 0, cancelled: 0 });
    expect((await reviewOf("leaves"))[0]?.status).toBe("open");

    expect((await openDueReviews(pool, DEFAULT_PROTOCOLS, NOW)).cancelled).toBe(1);
    const [left] = await reviewOf("leaves");
    expect(left).toMatchObject({
      status: "cancelled",
      cancel_reason: "the patient is no longer on the tracking list",
    });
    const history = await rows<{ action: string; detail: { reason: string } }>(
      "SELECT action, detail FROM task_history WHERE task_id = $1 ORDER BY id",
      [left?.id],
    );
    expect(history.map((h) => h.action)).toEqual(["opened", "cancelled"]);
    // Nobody else's review moved.
    expect((await reviews()).filter((r) => r.status === "cancelled")).toHaveLength(1);
  });
});
