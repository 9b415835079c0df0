import { type AdtEvent, type AdtEventKind, adtEventId, type MatchedEvent } from "@homeward/contracts";
import { createPool, migrate, type Pool } from "@homeward/db";
import { ADT_A01_ADMIT, ADT_A04_ED, fixtureEvent } from "@homeward/hl7/fixtures";
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
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type RunningNotifier, startNotifier } from "./app.ts";
import { loadNotifierEnv } from "./env.ts";

/**
 * The denominator rules where they are made: the notifier, fed adt.matched.v1 through real Kafka,
 * closes follow-up tasks that no longer apply as "not applicable" with the reason the quality
 * measures report (tasks.excluded_reason), under the default protocols.
 */

let iso: Isolation;
let pool: Pool;
let notifier: RunningNotifier;
let eventLog: EventLog;
let smtp: SmtpSink;
const ids: Record<string, string> = {};
let seq = 0;

/** A normalized event of `kind` for `visit` at `occurredAt`, from the fixtures, with its own id. */
function event(
  kind: AdtEventKind,
  visit: string,
  occurredAt: string,
  extra: { disposition?: string; deceased?: boolean } = {},
): AdtEvent {
  seq += 1;
  const base = fixtureEvent(kind === "inpatient-admit" ? ADT_A01_ADMIT : ADT_A04_ED, occurredAt);
  const e: AdtEvent = {
    ...base,
    eventId: adtEventId("EPICADT", "MERCYGEN", `EXCL-${iso.id}-${seq}`),
    controlId: `X${seq}`,
    kind,
    trigger: kind === "ed-discharge" ? "A03" : kind === "inpatient-admit" ? "A01" : "A04",
    occurredAt,
    visit: {
      ...base.visit,
      visitNumber: visit,
      ...(extra.disposition === undefined ? {} : { dischargeDisposition: extra.disposition }),
    },
    patient: { ...base.patient, ...(extra.deceased === undefined ? {} : { deceased: extra.deceased }) },
  };
  return e;
}

function matched(e: AdtEvent, patient: string): MatchedEvent {
  const inpatient = e.kind === "inpatient-admit";
  return {
    schemaVersion: 1,
    matchId: `match-${e.eventId}`,
    kind: "announcement",
    event: e,
    patientId: patient,
    practice: {
      organizationId: String(ids.practice),
      code: "SFM",
      name: "Springvale Family Medicine",
      timeZone: "America/New_York",
    },
    enrollment: {
      program: "complex-care",
      riskTier: "II",
      status: "active",
      leadOrganization: "practice",
      copy: "lead",
    },
    recipients: [
      { recipientId: String(ids.cm), role: "care-manager", copy: "lead", basis: "care-manager-of-record" },
    ],
    flags: {},
    encounter: {
      facility: e.facility.sendingFacility,
      visitNumber: e.visit?.visitNumber ?? "none",
      setting: inpatient ? "inpatient" : "ed",
      status: e.kind === "ed-discharge" ? "discharged" : "active",
    },
    match: { method: "identifier", fields: [{ field: "identifier:MR", agreement: "exact" }] },
    matchedAt: new Date().toISOString(),
  };
}

async function publish(m: MatchedEvent): Promise<void> {
  await eventLog.publish([
    {
      topic: topicName(iso.topicPrefix, "adt.matched.v1"),
      key: `${m.event.facility.sendingFacility}|${m.patientId}`,
      value: JSON.stringify(m),
    },
  ]);
}

interface TaskState {
  visit_number: string;
  step_id: string;
  status: string;
  excluded_reason: string | null;
  cancel_reason: string | null;
}
const tasksOf = async (visits: string[]) =>
  (
    await pool.query<TaskState>(
      `SELECT visit_number, step_id, status, excluded_reason, cancel_reason FROM tasks
        WHERE visit_number = ANY($1::text[]) ORDER BY visit_number, step_id`,
      [visits],
    )
  ).rows;
const waitFor = (check: () => Promise<void>) => vi.waitFor(check, { timeout: 20_000, interval: 200 });

/** Publishes and waits until the task of `visit` exists (so the next event finds it). */
async function openedBy(m: MatchedEvent): Promise<void> {
  await publish(m);
  const visit = m.encounter.visitNumber;
  await waitFor(async () => expect((await tasksOf([visit])).length).toBeGreaterThan(0));
}

beforeAll(async () => {
  iso = isolation("notifier-excl");
  await migrate(iso.settings.postgres);
  pool = createPool(iso.settings.postgres);
  const one = async (sql: string, params: unknown[] = []) =>
    String((await pool.query(sql, params)).rows[0]?.id);
  ids.practice = await one(
    "INSERT INTO organizations (kind, code, name, time_zone) VALUES ('practice', 'SFM', 'Springvale Family Medicine', 'America/New_York') RETURNING id",
  );
  ids.cm = await one(
    "INSERT INTO recipients (organization_id, role, display_name, email, time_zone) VALUES ($1, 'care_manager', 'Ana', 'ana@sfm.example', 'America/New_York') RETURNING id",
    [ids.practice],
  );
  for (const name of ["admitted", "transfer", "died", "ama", "cancelled", "late"]) {
    ids[name] = await one("INSERT INTO patients (family_name, given_name) VALUES ($1, 'TEST') RETURNING id", [
      `EXCL${name.toUpperCase()}`,
    ]);
  }
  smtp = await startSmtpSink();
  const s = iso.settings;
  const logger = createLogger({ service: "notifier-excl-test", level: process.env.LOG_LEVEL ?? "warn" });
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

describe("exclusions made by the notifier", () => {
  it("an admission under a new visit number the day after an ED visit closes that ED task as admitted", async () => {
    const p = String(ids.admitted);
    // Monday 2026-02-02 (New York): an ED visit three days before stays; Thursday's is excluded, and
    // Friday morning's, already reached, is marked excluded but keeps its completion.
    await openedBy(matched(event("ed-arrival", "V-AD-0", "2026-02-02T15:00:00Z"), p));
    await openedBy(matched(event("ed-arrival", "V-AD-1", "2026-02-05T15:00:00Z"), p));
    await openedBy(matched(event("ed-arrival", "V-AD-2", "2026-02-06T13:00:00Z"), p));
    await pool.query(
      `UPDATE tasks SET status = 'completed', completed_at = '2026-02-06T14:00:00Z', outcome = 'reached_patient'
        WHERE visit_number = 'V-AD-2'`,
    );
    // Friday 20:30 New York (Saturday 01:30 UTC): admitted under another visit number.
    await publish(matched(event("inpatient-admit", "V-AD-9", "2026-02-07T01:30:00Z"), p));
    await waitFor(async () =>
      expect((await tasksOf(["V-AD-1"]))[0]).toMatchObject({
        status: "cancelled",
        excluded_reason: "admitted",
      }),
    );
    const states = await tasksOf(["V-AD-0", "V-AD-1", "V-AD-2"]);
    expect(states.map((t) => [t.visit_number, t.status, t.excluded_reason])).toEqual([
      ["V-AD-0", "open", null],
      ["V-AD-1", "cancelled", "admitted"],
      ["V-AD-2", "completed", "admitted"],
    ]);
    expect(states[1]?.cancel_reason).toMatch(
      /^admitted as an inpatient on 2026-02-06 \(inpatient-admit, A01\)/,
    );
    const history = await pool.query<{ action: string; detail: { exclusion: string } }>(
      `SELECT h.action, h.detail FROM task_history h JOIN tasks t ON t.id = h.task_id
        WHERE t.visit_number = 'V-AD-2' ORDER BY h.id`,
    );
    expect(history.rows.map((h) => [h.action, h.detail.exclusion ?? null])).toEqual([
      ["opened", null],
      ["excluded", "admitted"],
    ]);
  });

  it("an ED visit announced after the admission it led to opens its task already excluded", async () => {
    const p = String(ids.late);
    // Another hospital's feed is late: the admission (Wednesday) is announced before Tuesday's ED visit.
    const admission = matched(event("inpatient-admit", "V-LA-9", "2026-02-04T16:00:00Z"), p);
    await publish(admission);
    await waitFor(async () => {
      const kept = await pool.query("SELECT 1 FROM matched_events WHERE match_id = $1", [admission.matchId]);
      expect(kept.rowCount).toBe(1);
    });
    await publish(matched(event("ed-arrival", "V-LA-1", "2026-02-03T15:00:00Z"), p));
    await waitFor(async () =>
      expect(await tasksOf(["V-LA-1"])).toEqual([
        {
          visit_number: "V-LA-1",
          step_id: "follow-up-call",
          status: "cancelled",
          excluded_reason: "admitted",
          cancel_reason:
            "admitted as an inpatient on 2026-02-04 (inpatient-admit, A01), within 1 day(s) of the visit",
        },
      ]),
    );
    // Three days before the admission is outside the ED protocol's window: that visit stays open.
    await openedBy(matched(event("ed-arrival", "V-LA-0", "2026-02-01T15:00:00Z"), p));
    expect((await tasksOf(["V-LA-0"]))[0]).toMatchObject({ status: "open", excluded_reason: null });
  });

  it("an ED discharge transferring the patient to another acute hospital (PV1-36 02) closes the ED task as transferred", async () => {
    const p = String(ids.transfer);
    await openedBy(matched(event("ed-arrival", "V-TR-1", "2026-02-09T15:00:00Z"), p));
    await publish(matched(event("ed-discharge", "V-TR-1", "2026-02-09T19:00:00Z", { disposition: "02" }), p));
    await waitFor(async () =>
      expect(await tasksOf(["V-TR-1"])).toEqual([
        {
          visit_number: "V-TR-1",
          step_id: "follow-up-call",
          status: "cancelled",
          excluded_reason: "transferred",
          cancel_reason: "discharged to acute or post-acute care (PV1-36 02, A03)",
        },
      ]),
    );
  });

  it("a death (PV1-36 20) closes every open follow-up task of the patient, whatever the visit", async () => {
    const p = String(ids.died);
    await openedBy(matched(event("ed-arrival", "V-DI-1", "2026-02-10T15:00:00Z"), p));
    await openedBy(matched(event("ed-arrival", "V-DI-2", "2026-02-12T15:00:00Z"), p));
    await publish(matched(event("ed-discharge", "V-DI-2", "2026-02-12T22:00:00Z", { disposition: "20" }), p));
    await waitFor(async () =>
      expect(
        (await tasksOf(["V-DI-1", "V-DI-2"])).map((t) => [t.visit_number, t.status, t.excluded_reason]),
      ).toEqual([
        ["V-DI-1", "cancelled", "died"],
        ["V-DI-2", "cancelled", "died"],
      ]),
    );
  });

  it("leaving against medical advice (07) keeps the task open by default, as HEDIS FMC does", async () => {
    const p = String(ids.ama);
    await openedBy(matched(event("ed-arrival", "V-AMA-1", "2026-02-16T15:00:00Z"), p));
    const ama = matched(event("ed-discharge", "V-AMA-1", "2026-02-16T17:00:00Z", { disposition: "07" }), p);
    await publish(ama);
    await waitFor(async () => {
      const kept = await pool.query("SELECT 1 FROM matched_events WHERE match_id = $1", [ama.matchId]);
      expect(kept.rowCount).toBe(1);
    });
    expect(await tasksOf(["V-AMA-1"])).toEqual([
      expect.objectContaining({ status: "open", excluded_reason: null }),
    ]);
  });

  it("a cancelled event (A11) closes its task as event-cancelled", async () => {
    const p = String(ids.cancelled);
    const arrival = matched(event("ed-arrival", "V-CA-1", "2026-02-17T15:00:00Z"), p);
    await openedBy(arrival);
    const cancel = event("cancel-admit", "V-CA-1", "2026-02-17T15:30:00Z");
    await publish({
      ...matched({ ...cancel, trigger: "A11" }, p),
      kind: "retraction",
      retracts: { eventId: arrival.event.eventId, matchId: arrival.matchId },
    });
    await waitFor(async () =>
      expect(await tasksOf(["V-CA-1"])).toEqual([
        expect.objectContaining({
          status: "cancelled",
          excluded_reason: "event-cancelled",
          cancel_reason: "the hospital cancelled the admission or visit (A11)",
        }),
      ]),
    );
  });
});
