import { type AdtEvent, adtEventId, type MatchedEvent } from "@homeward/contracts";
import { createPool, migrate, type Pool } from "@homeward/db";
import { ADT_A01_ADMIT, ADT_A04_ED, fixtureEvent } from "@homeward/hl7/fixtures";
import { buildIdentityIndex } from "@homeward/identity";
import {
  createEventLog,
  createKafka,
  type EventLog,
  ensureTopics,
  HOMEWARD_TOPICS,
  type OutgoingRecord,
  topicName,
} from "@homeward/kafka";
import { createLogger } from "@homeward/logger";
import { isolation } from "@homeward/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type MatcherDeps, matchEvents, matchIdOf } from "./match-event.ts";
import { loadReferenceData } from "./reference-data.ts";
import { DEFAULT_UTILIZER_THRESHOLDS } from "./utilizer-flags.ts";

/** An HL7 fixture as the listener would publish it. */
const eventOf = (hl7: string): AdtEvent => fixtureEvent(hl7);

const ed = eventOf(ADT_A04_ED);
const inpatient = eventOf(ADT_A01_ADMIT);
let serial = 0;
/** Another message about Marisol Quillfeather: its own event id, kind, visit and time. */
function like(base: AdtEvent, kind: AdtEvent["kind"], visitNumber: string, occurredAt = base.occurredAt) {
  serial++;
  return {
    ...base,
    eventId: adtEventId("EPICADT", "MERCYGEN", `BATCH-${serial}`),
    controlId: `BATCH-${serial}`,
    kind,
    occurredAt,
    visit: { ...base.visit, visitNumber },
  } as AdtEvent;
}

let pool: Pool;
let eventLog: EventLog;
let deps: MatcherDeps;
let practice = "";
let patientId = "";
let reference: MatcherDeps extends { reference: () => infer R } ? R : never;
const published: OutgoingRecord[] = [];

beforeAll(async () => {
  const iso = isolation("matchevent");
  await migrate(iso.settings.postgres);
  pool = createPool(iso.settings.postgres);
  const one = async (sql: string, params: unknown[] = []) =>
    String((await pool.query(sql, params)).rows[0]?.id);
  practice = await one(
    "INSERT INTO organizations (kind, code, name, time_zone) VALUES ('practice', 'SFM', 'Springvale Family Medicine', 'America/Chicago') RETURNING id",
  );
  await one(
    "INSERT INTO recipients (organization_id, role, display_name, email, time_zone) VALUES ($1, 'pcp', 'Dr. Alderwood', 'pcp@sfm.example', 'America/Chicago') RETURNING id",
    [practice],
  );
  await one(
    "INSERT INTO notification_rules (organization_id, recipient_role, channel) VALUES ($1, 'pcp', 'email') RETURNING id",
    [practice],
  );
  const patient = await one(
    "INSERT INTO patients (family_name, given_name, birth_date, sex, postal_code) VALUES ('QUILLFEATHER', 'MARISOL', '1958-04-12', 'F', '45501') RETURNING id",
  );
  patientId = patient;
  await one(
    "INSERT INTO patient_identifiers (patient_id, assigning_authority, type_code, value) VALUES ($1, 'MERCYGEN', 'MR', '40012345') RETURNING id",
    [patient],
  );
  await one(
    "INSERT INTO attributions (patient_id, practice_org_id, source, kind, effective_from) VALUES ($1, $2, 'sfm-panel', 'panel', '2020-01-01') RETURNING id",
    [patient, practice],
  );
  const logger = createLogger({ service: "match-event-test", level: process.env.LOG_LEVEL ?? "warn" });
  const kafka = createKafka({ brokers: iso.settings.kafka.brokers, clientId: iso.id }, logger);
  await ensureTopics(kafka, HOMEWARD_TOPICS, { prefix: iso.topicPrefix });
  eventLog = await createEventLog(kafka);
  const data = await loadReferenceData(pool, new Date());
  reference = { data, index: buildIdentityIndex(data.candidates) };
  deps = {
    reference: () => reference,
    pool,
    publish: async (records) => {
      await eventLog.publish(records);
      published.push(...records);
    },
    topics: {
      matched: topicName(iso.topicPrefix, "adt.matched.v1"),
      unmatched: topicName(iso.topicPrefix, "adt.unmatched.v1"),
    },
    thresholds: DEFAULT_UTILIZER_THRESHOLDS,
    now: () => new Date(),
    logger,
    referenceChanged: async () => {},
  };
});

afterAll(async () => {
  await eventLog?.close();
  await pool?.end();
});

/** Runs one batch; returns its outcomes and the matched records it published. */
async function batch(events: AdtEvent[]) {
  const from = published.length;
  const outcomes = await matchEvents(events, deps);
  const records = published.slice(from).map((r) => JSON.parse(String(r.value)) as MatchedEvent);
  return { outcomes, records };
}

describe("matchEvents: a batch is handled as its events one after another", () => {
  const arrival = like(ed, "ed-arrival", "VB1");
  const discharge = like(ed, "ed-discharge", "VB1");

  it("applies an arrival and its discharge to one encounter, and knows a repeat in the batch", async () => {
    const { outcomes, records } = await batch([arrival, discharge, arrival]);
    expect(outcomes).toEqual(["matched", "matched", "replay"]);
    expect(records.map((r) => [r.kind, r.event.eventId, r.encounter.status])).toEqual([
      ["announcement", arrival.eventId, "active"],
      ["announcement", discharge.eventId, "discharged"],
    ]);
    const { rows } = await pool.query("SELECT status, entries FROM encounters WHERE visit_number = 'VB1'");
    expect(rows).toHaveLength(1);
    expect(rows[0]?.status).toBe("discharged");
    expect(rows[0]?.entries.map((e: { eventId: string }) => e.eventId)).toEqual([
      arrival.eventId,
      discharge.eventId,
    ]);
  });

  it("a replayed batch is all replays: nothing published, nothing changed", async () => {
    const { outcomes, records } = await batch([arrival, discharge]);
    expect(outcomes).toEqual(["replay", "replay"]);
    expect(records).toEqual([]);
    const { rows } = await pool.query("SELECT entries FROM encounters WHERE visit_number = 'VB1'");
    expect(rows[0]?.entries).toHaveLength(2);
  });

  it("retracts an admission cancelled later in the same batch, with the announcement's match id", async () => {
    const admit = like(inpatient, "inpatient-admit", "VB2");
    const cancel = like(inpatient, "cancel-admit", "VB2");
    const { outcomes, records } = await batch([admit, cancel]);
    expect(outcomes).toEqual(["matched", "matched"]);
    expect(records.map((r) => r.kind)).toEqual(["announcement", "retraction"]);
    expect(records[0]?.matchId).toBe(matchIdOf(admit.eventId, practice));
    expect(records[1]).toMatchObject({
      event: { eventId: cancel.eventId },
      retracts: { eventId: admit.eventId, matchId: records[0]?.matchId },
      encounter: { status: "cancelled" },
    });
  });

  it("counts the patient's earlier visits of the same batch for the utilizer flags", async () => {
    const day = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString();
    const visits = [like(ed, "ed-arrival", "VB3", day(3)), like(ed, "ed-arrival", "VB4", day(2))];
    const third = like(ed, "ed-arrival", "VB5", day(1));
    const { records } = await batch([...visits, third]);
    expect(records.map((r) => r.flags.frequentEd)).toEqual([
      undefined,
      undefined,
      { visits: 3, windowDays: DEFAULT_UTILIZER_THRESHOLDS.edWindowDays },
    ]);
  });
});

describe("matchEvents: a list row without a tier", () => {
  it("routes it as unassigned: the matched record carries no tier, never Priority III", async () => {
    await pool.query(
      `INSERT INTO care_management_enrollments (patient_id, program, listed_by_org_id, practice_org_id, status, source,
              effective_from, risk_tier, lead_organization)
       VALUES ($1, 'complex-care', $2, $2, 'active', 'sfm-cm', '2020-01-01', NULL, 'practice')`,
      [patientId, practice],
    );
    const data = await loadReferenceData(pool, new Date());
    reference = { data, index: buildIdentityIndex(data.candidates) };
    const { records } = await batch([like(ed, "ed-arrival", "VT1")]);
    expect(records.map((r) => r.enrollment)).toEqual([
      { program: "complex-care", status: "active", leadOrganization: "practice", copy: "lead" },
    ]);
  });
});

describe("matchEvents: output bigger than the broker takes at once", () => {
  it("publishes a batch whose records all share a partition in parts, every record once", async () => {
    // 500 events about one unknown patient: 500 adt.unmatched.v1 records (~3 kB each) on one key,
    // more than the broker's 1 MiB per record batch.
    const stranger = {
      ...ed,
      patient: {
        ...ed.patient,
        name: { family: "NOBODY", given: "KNOWN" },
        birthDate: "1901-01-01",
        identifiers: [{ value: "X1", typeCode: "MR", assigningAuthority: "ELSEWHERE" }],
        primaryIdentifier: { value: "X1", typeCode: "MR", assigningAuthority: "ELSEWHERE" },
      },
    } as AdtEvent;
    const events = Array.from({ length: 500 }, (_, i) => like(stranger, "ed-arrival", `VS${i}`));
    const from = published.length;
    const outcomes = await matchEvents(events, deps);
    expect(outcomes).toEqual(events.map(() => "no-match"));
    const sent = published.slice(from);
    expect(sent.reduce((n, r) => n + Buffer.byteLength(r.value), 0)).toBeGreaterThan(1024 * 1024);
    expect(sent.map((r) => r.headers?.["event-id"])).toEqual(events.map((e) => e.eventId));
  }, 60_000);
});
