import {
  createPool,
  listenWorkspaceChanged,
  migrate,
  type Pool,
  type PoolClient,
  type WorkspaceChange,
} from "@homeward/db";
import { createLogger } from "@homeward/logger";
import { createSqsClient, ensureQueue, HOMEWARD_QUEUES, openWorkQueue, type WorkQueue } from "@homeward/sqs";
import { type Isolation, isolation } from "@homeward/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sweep } from "./sweeper.ts";

// A reminder or escalation is a change to the task's record: open inboxes of its organization hear
// of it through the workspace channel (the api's live stream), in the sweep's transaction.

let iso: Isolation;
let pool: Pool;
let listener: PoolClient;
let queue: WorkQueue;
const heard: WorkspaceChange[] = [];
let organizationId: string;

beforeAll(async () => {
  iso = isolation("sweepws");
  await migrate(iso.settings.postgres);
  pool = createPool(iso.settings.postgres);
  const one = async (sql: string, params: unknown[] = []) =>
    String((await pool.query(sql, params)).rows[0]?.id);
  organizationId = await one(
    "INSERT INTO organizations (kind, code, name) VALUES ('practice', 'SFM', 'Springvale Family Medicine') RETURNING id",
  );
  const recipient = await one(
    `INSERT INTO recipients (organization_id, role, display_name, email, time_zone)
     VALUES ($1, 'care_manager', 'Casey Morgan', 'cm@sfm.example', 'America/New_York') RETURNING id`,
    [organizationId],
  );
  const patient = await one("INSERT INTO patients (family_name, given_name) VALUES ('X', 'Y') RETURNING id");
  const content = {
    purpose: "alert",
    eventKind: "ed-discharge",
    occurredAt: new Date().toISOString(),
    facility: { code: "MERCYGEN", name: "Mercy General" },
    practice: { code: "SFM", name: "Springvale Family Medicine" },
    copy: "lead",
    flags: [],
    tasks: [],
    url: "https://homeward.test/events/match-1",
  };
  await pool.query(
    `INSERT INTO tasks (id, organization_id, patient_id, facility, visit_number, protocol_id, step_id, task_type, title,
            assignee_recipient_id, trigger_event_id, trigger_match_id, triggered_at, due_at, alert_content)
     VALUES ('task-1', $1, $2, 'MERCYGEN', 'V-1', 'ed-follow-up', 'call', 'follow-up-call', 'Follow-up call',
            $3, 'evt-1', 'match-1', now(), now() + interval '1 day', $4)`,
    [organizationId, patient, recipient, JSON.stringify(content)],
  );
  await pool.query(
    `INSERT INTO task_timers (task_id, kind, seq, fire_at, channel)
     VALUES ('task-1', 'reminder', 1, now() - interval '1 second', 'email')`,
  );
  const sqs = createSqsClient(iso.settings.sqs);
  const spec = HOMEWARD_QUEUES.find((q) => q.name === "homeward-alerts");
  if (spec === undefined) throw new Error("no alerts queue spec");
  queue = openWorkQueue(sqs, (await ensureQueue(sqs, spec, iso.queuePrefix)).url);
  listener = await pool.connect();
  await listenWorkspaceChanged(listener, iso.settings.postgres.schema, (change) => heard.push(change));
});

afterAll(async () => {
  listener?.release();
  await pool?.end();
});

describe("sweeper", () => {
  it("tells the task's organization when it reminds (once: a timer fires once)", async () => {
    const deps = {
      pool,
      queue,
      baseUrl: "https://homeward.test",
      logger: createLogger({ service: "sweeper-test", level: "warn" }),
      outboxGraceSeconds: 30,
    };
    expect((await sweep(deps)).reminders).toBe(1);
    await expect.poll(() => heard).toEqual([{ organizationId, kind: "task" }]);
    expect((await sweep(deps)).reminders).toBe(0);
    // Give a second NOTIFY, had there been one, the time to arrive.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(heard).toHaveLength(1);
  });
});
