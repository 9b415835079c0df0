import { type AdtEvent, DeliveryJob, type MatchedEvent } from "@homeward/contracts";
import { createPool, migrate, type Pool } from "@homeward/db";
import { ADT_A03_DISCHARGE, ADT_A04_ED, fixtureEvent } from "@homeward/hl7/fixtures";
import {
  createEventLog,
  createKafka,
  type EventLog,
  ensureTopics,
  HOMEWARD_TOPICS,
  topicName,
} from "@homeward/kafka";
import { createLogger } from "@homeward/logger";
import { createSqsClient, ensureQueue, HOMEWARD_QUEUES, openWorkQueue, type WorkQueue } from "@homeward/sqs";
import { type Isolation, isolation, type SmtpSink, serviceEnv, startSmtpSink } from "@homeward/testing";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type RunningNotifier, startNotifier } from "./app.ts";
import { deliveryId } from "./delivery-ids.ts";
import { loadNotifierEnv } from "./env.ts";
import { startWctpFakeServer, type WctpFakeServer } from "./providers/wctp/wctp-fake-server.test-support.ts";
import { sweep } from "./sweeper.ts";

/** The ED-arrival fixture as the listener publishes it, with its own visit number and time. */
function edArrival(visit: string, occurredAt: string, cancelled = false): AdtEvent {
  let hl7 = ADT_A04_ED.replace("MG20240305143015001", `MG-${visit}`).replaceAll("V40012345001", visit);
  if (cancelled)
    hl7 = hl7.replace("ADT^A04^ADT_A01|MG-", "ADT^A11^ADT_A09|MGX-").replace("EVN|A04|", "EVN|A11|");
  return { ...fixtureEvent(hl7, occurredAt), occurredAt };
}

/** The inpatient discharge fixture (home, PV1-36 01), with its own visit number and time. */
function discharge(visit: string, occurredAt: string): AdtEvent {
  const hl7 = ADT_A03_DISCHARGE.replace("MG20240309111502042", `MG-${visit}`).replaceAll(
    "V40012345002",
    visit,
  );
  return { ...fixtureEvent(hl7, occurredAt), occurredAt };
}

const MAX_ATTEMPTS = 3;
let iso: Isolation;
let pool: Pool;
let notifier: RunningNotifier;
let eventLog: EventLog;
let smtp: SmtpSink;
let wctp: WctpFakeServer;
let queue: WorkQueue;
let dlq: WorkQueue;
const ids: Record<string, string> = {};

function matched(event: AdtEvent, overrides: Partial<MatchedEvent> = {}): MatchedEvent {
  return {
    schemaVersion: 1,
    matchId: `match-${event.eventId}`,
    kind: "announcement",
    event,
    patientId: String(ids.patient),
    practice: {
      organizationId: String(ids.practice),
      code: "SFM",
      name: "Springvale Family Medicine",
      timeZone: "America/New_York",
    },
    enrollment: {
      program: "complex-care",
      riskTier: "I",
      status: "active",
      leadOrganization: "practice",
      copy: "lead",
    },
    recipients: [
      { recipientId: String(ids.cm), role: "care-manager", copy: "lead", basis: "care-manager-of-record" },
      { recipientId: String(ids.pcp), role: "pcp", copy: "lead", basis: "pcp-of-record" },
    ],
    flags: {},
    encounter: {
      facility: event.facility.sendingFacility,
      visitNumber: event.visit?.visitNumber ?? "none",
      setting: "ed",
      status: "active",
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
const mailsFor = (id: string) => smtp.received.filter((m) => m.raw.toString("utf8").includes(id));

beforeAll(async () => {
  iso = isolation("notifier");
  await migrate(iso.settings.postgres);
  pool = createPool(iso.settings.postgres);
  const one = async (sql: string, params: unknown[] = []) =>
    String((await pool.query(sql, params)).rows[0]?.id);
  ids.practice = await one(
    "INSERT INTO organizations (kind, code, name, time_zone) VALUES ('practice', 'SFM', 'Springvale Family Medicine', 'America/New_York') RETURNING id",
  );
  const person = (role: string, email: string, pager: string | null) =>
    one(
      "INSERT INTO recipients (organization_id, role, display_name, email, pager_id, time_zone) VALUES ($1, $2, $3, $4, $5, 'America/New_York') RETURNING id",
      [ids.practice, role, role, email, pager],
    );
  ids.cm = await person("care_manager", "cm@sfm.example", "5550001");
  ids.pcp = await person("pcp", "pcp@sfm.example", null);
  ids.supervisor = await person("supervisor", "lead@sfm.example", null);
  ids.patient = await one(
    "INSERT INTO patients (family_name, given_name, birth_date, sex) VALUES ('QUILLFEATHER', 'MARISOL', '1958-04-12', 'F') RETURNING id",
  );
  smtp = await startSmtpSink();
  wctp = await startWctpFakeServer();
  const s = iso.settings;
  const logger = createLogger({ service: "notifier-test", level: process.env.LOG_LEVEL ?? "warn" });
  notifier = await startNotifier(
    loadNotifierEnv({
      ...serviceEnv(iso),
      SMTP_URL: smtp.url,
      WCTP_URL: wctp.url,
      NOTIFIER_GROUP_ID: iso.groupId("notifier"),
      DELIVERY_MAX_ATTEMPTS: String(MAX_ATTEMPTS),
      DELIVERY_BACKOFF_BASE_SECONDS: "1",
      DELIVERY_BACKOFF_MAX_SECONDS: "1",
      DELIVERY_POLL_SECONDS: "1",
      DELIVERY_WORKERS: "2",
      SWEEP_INTERVAL_SECONDS: "3600",
      PUBLIC_BASE_URL: "https://homeward.test",
    }),
    logger,
  );
  const kafka = createKafka({ brokers: s.kafka.brokers, clientId: iso.id }, logger);
  await ensureTopics(kafka, HOMEWARD_TOPICS, { prefix: iso.topicPrefix });
  eventLog = await createEventLog(kafka);
  const sqs = createSqsClient(s.sqs);
  const spec = HOMEWARD_QUEUES.find((q) => q.name === "homeward-alerts");
  if (spec === undefined) throw new Error("no alerts queue spec");
  const urls = await ensureQueue(sqs, { ...spec, maxReceiveCount: MAX_ATTEMPTS }, iso.queuePrefix);
  queue = openWorkQueue(sqs, urls.url);
  dlq = openWorkQueue(sqs, urls.dlqUrl);
});

afterAll(async () => {
  await notifier?.stop();
  await eventLog?.close();
  await smtp?.close();
  await wctp?.close();
  await pool?.end();
});

const soon = () => new Date(Date.now() - 60_000).toISOString();

describe("notifier", () => {
  it("opens the protocol's tasks and alerts the care manager by email and pager, once per redelivery", async () => {
    const m = matched(edArrival("V-ED-1", soon()));
    await publish(m);
    await publish(m);
    const emailId = deliveryId(m.matchId, String(ids.cm), "email", "alert");
    const pageId = deliveryId(m.matchId, String(ids.cm), "pager", "alert");
    await vi.waitFor(() => expect(mailsFor(emailId)).toHaveLength(1), { timeout: 20_000, interval: 200 });
    await vi.waitFor(() => expect(wctp.received.filter((p) => p.messageId === pageId)).toHaveLength(1), {
      timeout: 20_000,
      interval: 200,
    });
    const mail = mailsFor(emailId)[0];
    expect(mail?.to).toEqual(["cm@sfm.example"]);
    expect(mail?.subject).not.toMatch(/QUILLFEATHER|MARISOL|1958/i);
    expect(wctp.received.find((p) => p.messageId === pageId)?.text).not.toMatch(/QUILLFEATHER|MARISOL/i);

    const tasks = await rows<{ step_id: string; status: string; assignee_recipient_id: string }>(
      "SELECT step_id, status, assignee_recipient_id FROM tasks WHERE visit_number = 'V-ED-1' ORDER BY step_id",
    );
    // An enrolled patient's ED visit: the follow-up call, nothing else (the 7-day FMC variant is off by default).
    expect(tasks.map((t) => t.step_id)).toEqual(["follow-up-call"]);
    expect(tasks.every((t) => t.status === "open" && String(t.assignee_recipient_id) === ids.cm)).toBe(true);
    const history = await rows<{ n: string }>(
      "SELECT count(*) AS n FROM task_history h JOIN tasks t ON t.id = h.task_id WHERE t.visit_number = 'V-ED-1'",
    );
    expect(Number(history[0]?.n)).toBe(tasks.length);
    // Kept once for the event page, with no "why no task" since it opened one.
    const kept = await rows<{
      organization_id: string;
      no_task_reason: string | null;
      record: { matchId: string };
    }>("SELECT organization_id, no_task_reason, record FROM matched_events WHERE match_id = $1", [m.matchId]);
    expect(kept.map((k) => [String(k.organization_id), k.no_task_reason, k.record.matchId])).toEqual([
      [m.practice.organizationId, null, m.matchId],
    ]);
    const deliveries = await rows<{ id: string; status: string; attempts: number }>(
      "SELECT id, status, attempts FROM deliveries WHERE match_id = $1 ORDER BY id",
      [m.matchId],
    );
    // Care manager: email + page (Priority I); PCP: email.
    expect(deliveries).toHaveLength(3);
    await vi.waitFor(
      async () => {
        const sent = await rows<{ status: string }>("SELECT status FROM deliveries WHERE match_id = $1", [
          m.matchId,
        ]);
        expect(sent.map((d) => d.status)).toEqual(["sent", "sent", "sent"]);
      },
      { timeout: 20_000, interval: 200 },
    );
  });

  it("an event that arrives a month after it happened opens its task but alerts nobody (kept as skipped)", async () => {
    const monthAgo = new Date(Date.now() - 30 * 86_400_000).toISOString();
    const m = matched(edArrival("V-ED-OLD", monthAgo));
    await publish(m);
    await vi.waitFor(
      async () =>
        expect(
          await rows<{ status: string; last_error: string }>(
            "SELECT status, last_error FROM deliveries WHERE match_id = $1",
            [m.matchId],
          ),
        ).toEqual([
          { status: "skipped", last_error: expect.stringMatching(/^stale: .* 168 hours/) },
          { status: "skipped", last_error: expect.stringMatching(/^stale: /) },
          { status: "skipped", last_error: expect.stringMatching(/^stale: /) },
        ]),
      { timeout: 20_000, interval: 200 },
    );
    const tasks = await rows<{ status: string }>("SELECT status FROM tasks WHERE visit_number = 'V-ED-OLD'");
    expect(tasks.map((t) => t.status)).toEqual(["open"]);
    const emailId = deliveryId(m.matchId, String(ids.cm), "email", "alert");
    expect(mailsFor(emailId)).toEqual([]);
  });

  it("sends once when SQS hands out the same job twice", async () => {
    const m = matched(edArrival("V-ED-2", soon()), {
      recipients: [{ recipientId: String(ids.pcp), role: "pcp", copy: "lead", basis: "pcp-of-record" }],
    });
    await publish(m);
    const id = deliveryId(m.matchId, String(ids.pcp), "email", "alert");
    await vi.waitFor(() => expect(mailsFor(id)).toHaveLength(1), { timeout: 20_000, interval: 200 });
    const job: DeliveryJob = {
      schemaVersion: 1,
      deliveryId: id,
      channel: "email",
      purpose: "alert",
      recipientId: String(ids.pcp),
      enqueuedAt: new Date().toISOString(),
    };
    await queue.send(JSON.stringify(job));
    await queue.send(JSON.stringify(job));
    await new Promise((r) => setTimeout(r, 3000));
    expect(mailsFor(id)).toHaveLength(1);
  });

  it("keeps retrying while SMTP is down and delivers once when it is back", async () => {
    smtp.failTemporarily(true);
    const m = matched(edArrival("V-ED-3", soon()), {
      recipients: [{ recipientId: String(ids.pcp), role: "pcp", copy: "lead", basis: "pcp-of-record" }],
    });
    const id = deliveryId(m.matchId, String(ids.pcp), "email", "alert");
    try {
      await publish(m);
      await vi.waitFor(
        async () => {
          const [d] = await rows<{ attempts: number; status: string }>(
            "SELECT attempts, status FROM deliveries WHERE id = $1",
            [id],
          );
          expect(d?.status).toBe("failed");
          expect(d?.attempts).toBeGreaterThanOrEqual(2);
        },
        { timeout: 20_000, interval: 200 },
      );
    } finally {
      smtp.failTemporarily(false);
    }
    await vi.waitFor(() => expect(mailsFor(id)).toHaveLength(1), { timeout: 20_000, interval: 200 });
    const attempts = await rows<{ outcome: string; error_code: string | null }>(
      "SELECT outcome, error_code FROM delivery_attempts WHERE delivery_id = $1 ORDER BY id",
      [id],
    );
    expect(attempts.at(-1)?.outcome).toBe("sent");
    expect(attempts.slice(0, -1).every((a) => a.outcome === "failed" && a.error_code !== null)).toBe(true);
    await new Promise((r) => setTimeout(r, 2000));
    expect(mailsFor(id)).toHaveLength(1);
  });

  it("dead-letters a page that always fails, with every attempt recorded", async () => {
    wctp.failWith({ httpStatus: 503 });
    const m = matched(edArrival("V-ED-4", soon()), {
      recipients: [
        { recipientId: String(ids.cm), role: "care-manager", copy: "lead", basis: "care-manager-of-record" },
      ],
    });
    const id = deliveryId(m.matchId, String(ids.cm), "pager", "alert");
    try {
      await publish(m);
      await vi.waitFor(
        async () => {
          const [d] = await rows<{ status: string; attempts: number }>(
            "SELECT status, attempts FROM deliveries WHERE id = $1",
            [id],
          );
          expect(d).toEqual({ status: "dead", attempts: MAX_ATTEMPTS });
        },
        { timeout: 30_000, interval: 300 },
      );
      // What operators alert on: the dead job waits in the DLQ, and the group has read what was published.
      await vi.waitFor(
        async () => {
          const metrics = await (await fetch(`http://127.0.0.1:${notifier.opsPort}/metrics`)).text();
          expect(metrics).toMatch(/^homeward_sqs_messages\{queue="alerts-dlq",state="visible"\} [1-9]/m);
          expect(metrics).toMatch(
            /^homeward_kafka_consumer_lag\{group="[^"]+",topic="[^"]+adt\.matched\.v1",partition="\d+"\} 0$/m,
          );
        },
        { timeout: 20_000, interval: 500 },
      );
      const found: string[] = [];
      await vi.waitFor(
        async () => {
          for (const msg of await dlq.receive({ waitSeconds: 1 })) {
            found.push(DeliveryJob.parse(JSON.parse(msg.body)).deliveryId);
            await dlq.delete(msg.receiptHandle);
          }
          expect(found).toContain(id);
        },
        { timeout: 20_000, interval: 200 },
      );
    } finally {
      wctp.failWith(undefined);
    }
    const attempts = await rows<{ outcome: string }>(
      "SELECT outcome FROM delivery_attempts WHERE delivery_id = $1 ORDER BY id",
      [id],
    );
    expect(attempts.map((a) => a.outcome)).toEqual([...Array(MAX_ATTEMPTS - 1).fill("failed"), "dead"]);
  });

  it("a cancel closes the tasks with a reason and sends a correction to whoever was alerted", async () => {
    const arrival = edArrival("V-ED-5", soon());
    const announced = matched(arrival, {
      recipients: [{ recipientId: String(ids.pcp), role: "pcp", copy: "lead", basis: "pcp-of-record" }],
    });
    await publish(announced);
    const alertId = deliveryId(announced.matchId, String(ids.pcp), "email", "alert");
    await vi.waitFor(() => expect(mailsFor(alertId)).toHaveLength(1), { timeout: 20_000, interval: 200 });
    await vi.waitFor(
      async () =>
        expect(
          (await rows("SELECT 1 FROM deliveries WHERE id = $1 AND status = 'sent'", [alertId])).length,
        ).toBe(1),
      { timeout: 10_000, interval: 200 },
    );
    const cancelEvent = edArrival("V-ED-5", soon(), true);
    expect(cancelEvent.kind).toBe("cancel-admit");
    const retraction = matched(cancelEvent, {
      kind: "retraction",
      matchId: `retract-${announced.matchId}`,
      retracts: { eventId: arrival.eventId, matchId: announced.matchId },
      recipients: announced.recipients,
    });
    await publish(retraction);
    const correctionId = deliveryId(retraction.matchId, String(ids.pcp), "email", "retraction");
    await vi.waitFor(() => expect(mailsFor(correctionId)).toHaveLength(1), {
      timeout: 20_000,
      interval: 200,
    });
    expect(mailsFor(correctionId)[0]?.text).toMatch(/cancel/i);
    const tasks = await rows<{ status: string; cancel_reason: string }>(
      "SELECT status, cancel_reason FROM tasks WHERE visit_number = 'V-ED-5'",
    );
    expect(tasks.length).toBeGreaterThan(0);
    expect(tasks.every((t) => t.status === "cancelled" && /A11/.test(t.cancel_reason))).toBe(true);
    const kept = await rows<{ retraction_reason: string | null }>(
      "SELECT retraction_reason FROM matched_events WHERE match_id = $1 AND retracted_at IS NOT NULL",
      [announced.matchId],
    );
    expect(kept.map((k) => k.retraction_reason)).toEqual([expect.stringMatching(/A11/)]);
  });

  it("fires each reminder and escalation once, however many sweepers run", async () => {
    const m = matched(edArrival("V-ED-6", soon()), {
      recipients: [
        { recipientId: String(ids.cm), role: "care-manager", copy: "lead", basis: "care-manager-of-record" },
      ],
      enrollment: {
        program: "complex-care",
        riskTier: "II",
        status: "active",
        leadOrganization: "practice",
        copy: "lead",
      },
    });
    await publish(m);
    await vi.waitFor(
      async () =>
        expect((await rows("SELECT 1 FROM tasks WHERE visit_number = 'V-ED-6'")).length).toBeGreaterThan(0),
      { timeout: 20_000, interval: 200 },
    );
    await pool.query(
      "UPDATE task_timers SET fire_at = now() - interval '1 second' WHERE task_id IN (SELECT id FROM tasks WHERE visit_number = 'V-ED-6')",
    );
    const timers = await rows<{ task_id: string; kind: string; seq: number; to_role: string | null }>(
      "SELECT task_id, kind, seq, to_role FROM task_timers WHERE task_id IN (SELECT id FROM tasks WHERE visit_number = 'V-ED-6')",
    );
    expect(timers.some((t) => t.kind === "reminder")).toBe(true);
    expect(timers.some((t) => t.kind === "escalation")).toBe(true);
    // Three notifier instances sweeping at the same moment: this one and two others on their own pools.
    const others = [createPool(iso.settings.postgres), createPool(iso.settings.postgres)];
    try {
      const logger = createLogger({ service: "sweeper-test", level: "warn" });
      const deps = (p: Pool) => ({
        pool: p,
        queue,
        baseUrl: "https://homeward.test",
        logger,
        outboxGraceSeconds: 30,
      });
      await Promise.all([notifier.sweepNow(), ...others.map((p) => sweep(deps(p)))]);
      await Promise.all([notifier.sweepNow(), ...others.map((p) => sweep(deps(p)))]);
    } finally {
      await Promise.all(others.map((p) => p.end()));
    }
    const planned = await rows<{ id: string; purpose: string; recipient_id: string }>(
      "SELECT d.id, d.purpose, d.recipient_id FROM deliveries d JOIN tasks t ON t.id = d.task_id WHERE t.visit_number = 'V-ED-6'",
    );
    const reminders = planned.filter((d) => d.purpose === "reminder");
    const escalations = planned.filter((d) => d.purpose === "escalation");
    expect(reminders.length).toBe(timers.filter((t) => t.kind === "reminder").length);
    expect(reminders.every((d) => String(d.recipient_id) === ids.cm)).toBe(true);
    expect(escalations.every((d) => String(d.recipient_id) === ids.supervisor)).toBe(true);
    for (const d of planned) {
      await vi.waitFor(() => expect(mailsFor(d.id)).toHaveLength(1), { timeout: 20_000, interval: 200 });
    }
  });

  it("opens exactly the discharge protocol's tasks and follows each recipient's preferences", async () => {
    // The care manager is in quiet hours right now (the whole day but this minute's neighbourhood is
    // covered) and wants pages for discharges; the PCP reads a daily digest.
    const local = new Date(Date.now() - 3600_000).toLocaleTimeString("en-GB", {
      timeZone: "America/New_York",
      hour: "2-digit",
      minute: "2-digit",
      hour12: false,
    });
    const after = new Date(Date.now() + 3600_000).toLocaleTimeString("en-GB", {
      timeZone: "America/New_York",
      hour: "2-digit",
      minute: "2-digit",
      hour12: false,
    });
    await pool.query(
      `INSERT INTO recipient_preferences (recipient_id, channel_rules, quiet_start, quiet_end, page_priority_one_in_quiet_hours)
       VALUES ($1, $2, $3, $4, true)`,
      [
        ids.cm,
        JSON.stringify([
          { eventKinds: ["discharge"], channels: ["email", "pager"] },
          { channels: ["email"] },
        ]),
        local,
        after,
      ],
    );
    await pool.query(
      "INSERT INTO recipient_preferences (recipient_id, email_mode, digest_hour) VALUES ($1, 'digest', 7)",
      [ids.pcp],
    );
    try {
      const event = discharge("V-IP-7", soon());
      expect(event.kind).toBe("discharge");
      const m = matched(event, {
        enrollment: {
          program: "complex-care",
          riskTier: "II",
          status: "active",
          leadOrganization: "practice",
          copy: "lead",
        },
        encounter: {
          facility: "MERCYGEN",
          visitNumber: "V-IP-7",
          setting: "inpatient",
          status: "discharged",
        },
      });
      await publish(m);
      await vi.waitFor(
        async () =>
          expect((await rows("SELECT 1 FROM deliveries WHERE match_id = $1", [m.matchId])).length).toBe(3),
        { timeout: 20_000, interval: 200 },
      );
      const tasks = await rows<{ step_id: string; due_at: Date; triggered_at: Date }>(
        "SELECT step_id, due_at, triggered_at FROM tasks WHERE visit_number = 'V-IP-7' ORDER BY step_id",
      );
      expect(tasks.map((t) => t.step_id)).toEqual([
        "face-to-face-14-days",
        "interactive-contact",
        "medication-reconciliation",
      ]);
      const days = (t: (typeof tasks)[number]) =>
        (t.due_at.getTime() - t.triggered_at.getTime()) / 86_400_000;
      // Tier II: moderate complexity, a visit within 14 days; contact within 2 business days (2–5 calendar days).
      expect(days(tasks[0] as (typeof tasks)[number])).toBeGreaterThan(13);
      expect(days(tasks[0] as (typeof tasks)[number])).toBeLessThanOrEqual(15);
      expect(days(tasks[1] as (typeof tasks)[number])).toBeGreaterThan(1);
      expect(days(tasks[1] as (typeof tasks)[number])).toBeLessThanOrEqual(6);
      const planned = await rows<{ recipient_id: string; channel: string; status: string }>(
        "SELECT recipient_id, channel, status FROM deliveries WHERE match_id = $1 ORDER BY recipient_id, channel",
        [m.matchId],
      );
      const cmEmail = deliveryId(m.matchId, String(ids.cm), "email", "alert");
      await vi.waitFor(() => expect(mailsFor(cmEmail)).toHaveLength(1), { timeout: 20_000, interval: 200 });
      expect(
        planned.map((d) => [String(d.recipient_id), d.channel, d.status === "sent" ? "queued" : d.status]),
      ).toEqual([
        [ids.cm, "email", "queued"],
        [ids.cm, "pager", "scheduled"],
        [ids.pcp, "email", "held"],
      ]);
      // Quiet hours end and the digest hour comes: one sweep sends the page and the digest.
      await pool.query(
        "UPDATE deliveries SET send_after = now() - interval '1 second' WHERE match_id = $1 AND status IN ('scheduled', 'held')",
        [m.matchId],
      );
      const swept = await notifier.sweepNow();
      expect(swept.released).toBeGreaterThanOrEqual(1);
      expect(swept.digests).toBeGreaterThanOrEqual(1);
      const pageId = deliveryId(m.matchId, String(ids.cm), "pager", "alert");
      await vi.waitFor(() => expect(wctp.received.filter((p) => p.messageId === pageId)).toHaveLength(1), {
        timeout: 20_000,
        interval: 200,
      });
      await vi.waitFor(
        () =>
          expect(
            smtp.received.filter(
              (x) => x.to.includes("pcp@sfm.example") && /digest/i.test(x.subject + x.text),
            ),
          ).not.toHaveLength(0),
        { timeout: 20_000, interval: 200 },
      );
    } finally {
      await pool.query("DELETE FROM recipient_preferences");
    }
  });
});
