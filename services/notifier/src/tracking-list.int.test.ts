import type { AdtEvent, MatchedEvent } from "@homeward/contracts";
import { createPool, migrate, type Pool } from "@homeward/db";
import { ADT_A01_ADMIT, ADT_A03_DISCHARGE, ADT_A04_ED, fixtureEvent } from "@homeward/hl7/fixtures";
import {
  createEventLog,
  createKafka,
  type EventLog,
  ensureTopics,
  HOMEWARD_TOPICS,
  topicName,
} from "@homeward/kafka";
import { createLogger } from "@homeward/logger";
import { type Isolation, isolation, type SmtpSink, serviceEnv, startSmtpSink } from "@homeward/testing";
import { DateTime } from "luxon";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type RunningNotifier, startNotifier } from "./app.ts";
import { deliveryId } from "./delivery-ids.ts";
import { loadNotifierEnv } from "./env.ts";

/** The fixture `hl7` on visit `visit`, with its own control id, as the listener publishes it at `occurredAt`. */
function event(hl7: string, visit: string, controlId: string, occurredAt: string): AdtEvent {
  const text = hl7.replace(/\|MG2024\d+\|P\|/, `|${controlId}|P|`).replaceAll(/V400123450\d\d/g, visit);
  return { ...fixtureEvent(text, occurredAt), occurredAt };
}

let iso: Isolation;
let pool: Pool;
let notifier: RunningNotifier;
let eventLog: EventLog;
let smtp: SmtpSink;
const ids: Record<string, string> = {};

const TRACKING = {
  program: "complex-care",
  riskTier: "I",
  status: "tracking_list",
  leadOrganization: "practice",
  copy: "lead",
} as const;

function matched(
  e: AdtEvent,
  setting: "ed" | "inpatient",
  overrides: Partial<MatchedEvent> = {},
): MatchedEvent {
  const discharged = e.kind === "discharge" || e.kind === "ed-discharge";
  return {
    schemaVersion: 1,
    matchId: `match-${e.eventId}`,
    kind: "announcement",
    event: e,
    patientId: String(ids.patient),
    practice: {
      organizationId: String(ids.practice),
      code: "SFM",
      name: "Springvale Family Medicine",
      timeZone: "America/New_York",
    },
    enrollment: TRACKING,
    recipients: [
      { recipientId: String(ids.cm), role: "care-manager", copy: "lead", basis: "care-manager-of-record" },
      { recipientId: String(ids.pcp), role: "pcp", copy: "lead", basis: "pcp-of-record" },
    ],
    flags: {},
    encounter: {
      facility: e.facility.sendingFacility,
      visitNumber: e.visit?.visitNumber ?? "none",
      setting,
      status: discharged ? "discharged" : "active",
    },
    match: { method: "identifier", fields: [{ field: "identifier:MR", agreement: "exact" }] },
    matchedAt: new Date().toISOString(),
    ...overrides,
  };
}

async function publish(m: MatchedEvent) {
  await eventLog.publish([
    {
      topic: topicName(iso.topicPrefix, "adt.matched.v1"),
      key: `${m.event.facility.sendingFacility}|${m.patientId}`,
      value: JSON.stringify(m),
    },
  ]);
}

const rows = async <T>(sql: string, params: unknown[] = []) => (await pool.query(sql, params)).rows as T[];
const tasksOf = (visit: string) =>
  rows<{
    id: string;
    step_id: string;
    status: string;
    due_at: Date;
    cancel_reason: string | null;
    assignee: string;
  }>(
    `SELECT id, step_id, status, due_at, cancel_reason, assignee_recipient_id::text AS assignee
       FROM tasks WHERE visit_number = $1 ORDER BY step_id`,
    [visit],
  );
const waitFor = (check: () => Promise<void>) => vi.waitFor(check, { timeout: 20_000, interval: 200 });
const hoursAgo = (h: number) => new Date(Date.now() - h * 3_600_000).toISOString();

beforeAll(async () => {
  iso = isolation("tracking");
  await migrate(iso.settings.postgres);
  pool = createPool(iso.settings.postgres);
  const one = async (sql: string, params: unknown[] = []) =>
    String((await pool.query(sql, params)).rows[0]?.id);
  ids.practice = await one(
    "INSERT INTO organizations (kind, code, name, time_zone) VALUES ('practice', 'SFM', 'Springvale Family Medicine', 'America/New_York') RETURNING id",
  );
  const person = (role: string, email: string) =>
    one(
      "INSERT INTO recipients (organization_id, role, display_name, email, time_zone) VALUES ($1, $2, $2, $3, 'America/New_York') RETURNING id",
      [ids.practice, role, email],
    );
  ids.cm = await person("care_manager", "cm@sfm.example");
  ids.pcp = await person("pcp", "pcp@sfm.example");
  ids.patient = await one(
    "INSERT INTO patients (family_name, given_name, birth_date, sex) VALUES ('QUILLFEATHER', 'MARISOL', '1958-04-12', 'F') RETURNING id",
  );
  smtp = await startSmtpSink();
  const s = iso.settings;
  const logger = createLogger({ service: "tracking-list-test", level: process.env.LOG_LEVEL ?? "warn" });
  notifier = await startNotifier(
    loadNotifierEnv({
      ...serviceEnv(iso),
      SMTP_URL: smtp.url,
      NOTIFIER_GROUP_ID: iso.groupId("notifier"),
      DELIVERY_POLL_SECONDS: "1",
      SWEEP_INTERVAL_SECONDS: "3600",
      PUBLIC_BASE_URL: "https://homeward.test",
    }),
    logger,
  );
  const kafka = createKafka({ brokers: s.kafka.brokers, clientId: iso.id }, logger);
  await ensureTopics(kafka, HOMEWARD_TOPICS, { prefix: iso.topicPrefix });
  eventLog = await createEventLog(kafka);
});

afterAll(async () => {
  await notifier?.stop();
  await eventLog?.close();
  await smtp?.close();
  await pool?.end();
});

describe("a tracking-list patient", () => {
  it("admitted: the care manager's alert carries the in-hospital visit attempt, due the next business day", async () => {
    const admission = matched(event(ADT_A01_ADMIT, "V-TL-1", "TL-A01-1", hoursAgo(1)), "inpatient");
    expect(admission.event.kind).toBe("inpatient-admit");
    await publish(admission);
    await publish(admission);
    const emailId = deliveryId(admission.matchId, String(ids.cm), "email", "alert");
    await waitFor(async () =>
      expect(smtp.received.filter((m) => m.raw.toString("utf8").includes(emailId))).toHaveLength(1),
    );
    const tasks = await tasksOf("V-TL-1");
    // Only the visit: a Priority I tracking-list patient gets no Priority I in-hospital touch besides.
    expect(tasks.map((t) => [t.step_id, t.status, t.assignee])).toEqual([
      ["in-hospital-visit", "open", ids.cm],
    ]);
    const admittedDay = DateTime.fromISO(admission.event.occurredAt, { zone: "America/New_York" });
    const dueDay = DateTime.fromJSDate(tasks[0]?.due_at as Date, { zone: "America/New_York" });
    expect(dueDay.toFormat("HH:mm")).toBe("23:59");
    expect(dueDay.startOf("day") > admittedDay.startOf("day")).toBe(true);
    expect(dueDay.diff(admittedDay, "days").days).toBeLessThan(5);
    const mail = smtp.received.find((m) => m.raw.toString("utf8").includes(emailId));
    expect(mail?.text).toContain("In-hospital face-to-face visit attempt");
    expect(mail?.text).toContain(`https://homeward.test/tasks/${tasks[0]?.id}`);
    expect(mail?.subject).not.toMatch(/QUILLFEATHER|MARISOL|1958/i);
  });

  it("discharged before the visit: the attempt is cancelled as such, and the transitional-care tasks open", async () => {
    const discharge = matched(event(ADT_A03_DISCHARGE, "V-TL-1", "TL-A03-1", hoursAgo(0.2)), "inpatient");
    expect(discharge.event.kind).toBe("discharge");
    await publish(discharge);
    await waitFor(async () => expect((await tasksOf("V-TL-1")).length).toBeGreaterThan(1));
    const tasks = await tasksOf("V-TL-1");
    expect(tasks.map((t) => [t.step_id, t.status])).toEqual([
      ["face-to-face-7-days", "open"],
      ["in-hospital-visit", "cancelled"],
      ["interactive-contact", "open"],
      ["medication-reconciliation", "open"],
    ]);
    expect(tasks.find((t) => t.step_id === "in-hospital-visit")?.cancel_reason).toBe(
      "discharged before the visit (A03)",
    );
    const history = await rows<{ action: string; actor: string }>(
      "SELECT action, actor FROM task_history WHERE task_id = $1 ORDER BY id",
      [tasks.find((t) => t.step_id === "in-hospital-visit")?.id],
    );
    expect(history).toEqual([
      { action: "opened", actor: "notifier" },
      { action: "cancelled", actor: "notifier" },
    ]);
  });

  it("seen in the ED: no follow-up call, and the event says it is the enrollment status", async () => {
    const arrival = matched(event(ADT_A04_ED, "V-TL-2", "TL-A04-2", hoursAgo(0.5)), "ed");
    expect(arrival.event.kind).toBe("ed-arrival");
    await publish(arrival);
    await waitFor(async () =>
      expect(
        await rows<{ no_task_reason: string }>(
          "SELECT no_task_reason FROM matched_events WHERE match_id = $1",
          [arrival.matchId],
        ),
      ).toEqual([{ no_task_reason: "enrollment-status" }]),
    );
    expect(await tasksOf("V-TL-2")).toEqual([]);
  });

  it("on the list nearly six months: the running notifier's sweeper opens the review", async () => {
    const since = DateTime.now()
      .setZone("America/New_York")
      .minus({ months: 6 })
      .plus({ days: 7 })
      .toISODate();
    await pool.query(
      `INSERT INTO care_management_enrollments (patient_id, program, listed_by_org_id, practice_org_id, risk_tier,
                                                care_manager_recipient_id, status, source, effective_from)
       VALUES ($1, 'complex-care', $2, $2, 'I', $3, 'tracking_list', 'sfm-list', $4)`,
      [ids.patient, ids.practice, ids.cm, since],
    );
    expect(await notifier.sweepNow()).toMatchObject({ reviewsOpened: 1 });
    expect(await notifier.sweepNow()).toMatchObject({ reviewsOpened: 0 });
    const review = await rows<{ title: string; facility: string | null; assignee: string; status: string }>(
      `SELECT title, facility, assignee_recipient_id::text AS assignee, status FROM tasks
        WHERE protocol_id = 'tracking-list-review'`,
    );
    expect(review).toEqual([
      { title: "Tracking-list review: engage or remove", facility: null, assignee: ids.cm, status: "open" },
    ]);
  });
});
