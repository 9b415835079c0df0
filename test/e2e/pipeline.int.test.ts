import { createPool, migrate, type Pool } from "@homeward/db";
import { createUser } from "@homeward/directory";
import { ADT_A04_ED } from "@homeward/hl7/fixtures";
import { createLogger } from "@homeward/logger";
import { type Isolation, isolation, type SmtpSink, serviceEnv } from "@homeward/testing";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { RunningListener } from "../../services/adt-listener/src/app.ts";
import { sendWithHl7Client } from "../../services/adt-listener/src/harness.test-support.ts";
import { type RunningApi, startApi } from "../../services/api/src/app.ts";
import { loadApiEnv } from "../../services/api/src/env.ts";
import { hl7Time, type Pipeline, startPipeline } from "./pipeline.test-support.ts";

/**
 * The whole pipeline, headless, as `npm start` runs it: an ED arrival over MLLP (node-hl7-client)
 * → adt-listener → Kafka → matcher → notifier → an email in a real SMTP server and a task in
 * PostgreSQL → the task in the care manager's API inbox → completed there → the quality report's
 * numerator moves.
 */

/** HL7 DTM for an instant, in UTC. */

let iso: Isolation;
let pool: Pool;
let smtp: SmtpSink;
let listener: RunningListener;
let pipeline: Pipeline | undefined;
let api: RunningApi;
const ids: Record<string, string> = {};

beforeAll(async () => {
  iso = isolation("e2e");
  await migrate(iso.settings.postgres);
  pool = createPool(iso.settings.postgres);
  const one = async (sql: string, params: unknown[] = []) =>
    String((await pool.query(sql, params)).rows[0]?.id);
  ids.practice = await one(
    "INSERT INTO organizations (kind, code, name, time_zone) VALUES ('practice', 'SFM', 'Springvale Family Medicine', 'America/New_York') RETURNING id",
  );
  // Two care managers; the patient's is Casey. A care_manager rule means the patient's own care
  // manager: Alex (first by id) is neither alerted nor assigned.
  ids.otherCm = await one(
    "INSERT INTO recipients (organization_id, role, display_name, email, time_zone) VALUES ($1, 'care_manager', 'Alex Other', 'alex@springvale.example', 'America/New_York') RETURNING id",
    [ids.practice],
  );
  ids.cm = await one(
    "INSERT INTO recipients (organization_id, role, display_name, email, time_zone) VALUES ($1, 'care_manager', 'Casey Morgan', 'cm@springvale.example', 'America/New_York') RETURNING id",
    [ids.practice],
  );
  await pool.query(
    "INSERT INTO notification_rules (organization_id, recipient_role, channel, active_from) VALUES ($1, 'care_manager', 'email', '2020-01-01')",
    [ids.practice],
  );
  ids.patient = await one(
    "INSERT INTO patients (family_name, given_name, birth_date, sex, postal_code) VALUES ('QUILLFEATHER', 'MARISOL', '1958-04-12', 'F', '45501') RETURNING id",
  );
  await pool.query(
    "INSERT INTO patient_identifiers (patient_id, assigning_authority, type_code, value) VALUES ($1, 'MERCYGEN', 'MR', '40012345')",
    [ids.patient],
  );
  await pool.query(
    "INSERT INTO attributions (patient_id, practice_org_id, source, kind, effective_from) VALUES ($1, $2, 'sfm-panel', 'panel', '2020-01-01')",
    [ids.patient, ids.practice],
  );
  await pool.query(
    `INSERT INTO care_management_enrollments (patient_id, program, listed_by_org_id, practice_org_id, risk_tier,
       care_manager_recipient_id, lead_organization, status, source, effective_from)
     VALUES ($1, 'complex-care', $2, $2, 'II', $3, 'practice', 'active', 'sfm-cm', '2020-01-01')`,
    [ids.patient, ids.practice, ids.cm],
  );

  await createUser(pool, {
    email: "cm@springvale.example",
    password: "e2e-password-1",
    role: "care_manager",
    organizationCodes: ["SFM"],
    recipientEmail: "cm@springvale.example",
  });
  await createUser(pool, {
    email: "quality@springvale.example",
    password: "e2e-password-2",
    role: "quality",
    organizationCodes: ["SFM"],
  });

  const logger = createLogger({ service: "e2e", level: process.env.LOG_LEVEL ?? "warn" });
  pipeline = await startPipeline(iso, logger);
  ({ smtp, listener } = pipeline);
  const env = serviceEnv(iso);
  api = await startApi(
    loadApiEnv({ ...env, API_PORT: "0", API_TOKEN_SECRET: "e2e-secret-e2e-secret-e2e-secret-e2e" }),
    logger,
  );
});

afterAll(async () => {
  await api?.stop();
  await pipeline?.stop();
  await pool?.end();
});

describe("ADT over MLLP to an alert and a task", () => {
  it("an ED arrival of an enrolled patient reaches the care manager's inbox and opens the follow-up call", async () => {
    const now = new Date(Date.now() - 5 * 60_000);
    const message = ADT_A04_ED.replaceAll("20240305143015-0500", hl7Time(now))
      .replaceAll("20240305143000-0500", hl7Time(now))
      .replaceAll("20240305142500-0500", hl7Time(now))
      .replace("MG20240305143015001", `E2E${Date.now()}`);
    const acks = await sendWithHl7Client(listener.mllpPort, [message]);
    expect(acks[0]).toMatch(/MSA\|CA\|/);

    await vi.waitFor(
      () => expect(smtp.received.filter((m) => m.to.includes("cm@springvale.example"))).toHaveLength(1),
      {
        timeout: 30_000,
        interval: 200,
      },
    );
    const mail = smtp.received.find((m) => m.to.includes("cm@springvale.example"));
    expect(mail?.subject).not.toMatch(/QUILLFEATHER|MARISOL|1958/i);
    const { rows } = await pool.query<{ step_id: string; status: string; assignee_recipient_id: string }>(
      "SELECT step_id, status, assignee_recipient_id FROM tasks WHERE patient_id = $1",
      [ids.patient],
    );
    expect(rows.map((r) => [r.step_id, r.status, String(r.assignee_recipient_id)])).toEqual([
      ["follow-up-call", "open", ids.cm],
    ]);
    expect(smtp.received.filter((m) => m.to.includes("alex@springvale.example"))).toEqual([]);
    // The mail links to the task in Homeward.
    const taskId = (
      await pool.query<{ id: string }>("SELECT id FROM tasks WHERE patient_id = $1", [ids.patient])
    ).rows[0]?.id;
    expect(mail?.text).toContain(`/tasks/${taskId}`);
  });

  it("the care manager completes the task in the API and the quality report's numerator moves", async () => {
    const base = `http://127.0.0.1:${api.port}/api`;
    const login = async (email: string, password: string) => {
      const res = await fetch(`${base}/login`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email, password }),
      });
      expect(res.status).toBe(200);
      return { authorization: `Bearer ${((await res.json()) as { token: string }).token}` };
    };
    const cm = await login("cm@springvale.example", "e2e-password-1");
    const quality = await login("quality@springvale.example", "e2e-password-2");
    // A period around today, wide enough for any time zone's "today".
    const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
    const report = async () => {
      const res = await fetch(
        `${base}/reports/follow-up?measure=ed-follow-up&x=2&unit=business-days&from=${day(-7)}&to=${day(1)}`,
        { headers: quality },
      );
      expect(res.status).toBe(200);
      return ((await res.json()) as { total: { denominator: number; numerator: number; pending: number } })
        .total;
    };
    // Open and still in its window: pending, outside the rate until it is met or missed.
    expect(await report()).toMatchObject({ denominator: 0, numerator: 0, pending: 1 });

    const inbox = await fetch(`${base}/tasks?assignee=me&status=open`, { headers: cm });
    const tasks = ((await inbox.json()) as { items: { id: string; title: string }[] }).items;
    expect(tasks).toHaveLength(1);
    const taskId = tasks[0]?.id;
    const done = await fetch(`${base}/tasks/${taskId}/complete`, {
      method: "POST",
      headers: { ...cm, "content-type": "application/json" },
      body: JSON.stringify({
        outcome: "reached_patient",
        note: "spoke with the patient; appointment booked",
      }),
    });
    expect(done.status).toBe(200);
    expect(await report()).toMatchObject({ denominator: 1, numerator: 1, pending: 0 });
  });
});
