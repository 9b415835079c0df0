/**
 * Synthetic traffic through the real matcher, shared by the matcher benchmarks (throughput,
 * precision) and the precision integration test: the identity generator's roster seeded into
 * PostgreSQL under one practice, its ADT patients published as ED arrivals on adt.events.v1, a
 * wait for the matcher's group to commit them all, and its outputs read back afterwards.
 *
 * The caller starts and stops the matcher itself (`startMatcher`), so that a benchmark can time it.
 */
import { type AdtEvent, adtEventId } from "@homeward/contracts";
import { createPool, migrate, type Pool } from "@homeward/db";
import { createOrganization, createRecipient, createRule } from "@homeward/directory";
import type { Candidate, SyntheticEvent } from "@homeward/identity";
import {
  type BatchRecord,
  createEventLog,
  createKafka,
  type EventLog,
  ensureTopics,
  HOMEWARD_TOPICS,
  type Kafka,
  runBatchConsumer,
  topicName,
} from "@homeward/kafka";
import type { Logger } from "@homeward/logger";
import type { MatcherConfig } from "../src/env.ts";

/** The sending application and facility of every synthetic event (facility = the MRN authority). */
export const SYNTHETIC_APPLICATION = "BENCH";
export const SYNTHETIC_FACILITY = "MERCYGEN";

/** The id of the `i`-th synthetic event (control id `C<i>`). */
export const syntheticEventId = (i: number): string =>
  adtEventId(SYNTHETIC_APPLICATION, SYNTHETIC_FACILITY, `C${i}`);

/** The roster as PostgreSQL holds it: the `i`-th roster candidate is patient row `i + 1`. */
export interface SeededRoster {
  practiceId: string;
  /** PostgreSQL patient id (what adt.matched.v1 and the review queue name) → the generator's patient id. */
  rosterIdOf: ReadonlyMap<string, string>;
}

/**
 * Inserts the roster (patients, their MRNs and payer member ids) attributed to one practice whose
 * PCP wants every event by email, in a few set-based statements.
 */
export async function seedRoster(pool: Pool, roster: readonly Candidate[]): Promise<SeededRoster> {
  const practice = await createOrganization(
    pool,
    {
      kind: "practice",
      code: "BENCH",
      name: "Bench Practice",
      npi: null,
      tin: null,
      timeZone: "America/New_York",
      parentId: null,
    },
    new Date(),
  );
  if (typeof practice === "string") throw new Error(`bench practice not created: ${practice}`);
  const practiceId = practice.id;
  const pcp = await createRecipient(pool, practiceId, {
    role: "pcp",
    displayName: "PCP",
    email: "pcp@bench.example",
    pagerId: null,
    timeZone: "America/New_York",
    active: true,
    npi: null,
  });
  if (typeof pcp === "string") throw new Error(`bench PCP not created: ${pcp}`);
  await createRule(
    pool,
    practiceId,
    {
      recipientId: null,
      recipientRole: "pcp",
      audience: "care_team",
      eventKinds: null,
      programs: null,
      riskTiers: null,
      facilities: null,
      channel: "email",
    },
    new Date(),
  );
  await pool.query(
    `INSERT INTO patients (id, family_name, given_name, middle_name, birth_date, sex, postal_code, phone)
     SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::date[], $6::text[], $7::text[], $8::text[])`,
    [
      roster.map((_, i) => i + 1),
      roster.map((c) => c.family),
      roster.map((c) => c.given),
      roster.map((c) => c.middle ?? null),
      roster.map((c) => c.birthDate),
      roster.map((c) => c.sex),
      roster.map((c) => c.postalCode ?? null),
      roster.map((c) => c.phone ?? null),
    ],
  );
  const ids = roster.flatMap((c, i) => [
    ...c.identifiers.map(
      (id) => [i + 1, id.assigningAuthority ?? "", id.typeCode ?? "MR", id.value] as const,
    ),
    ...(c.memberIds ?? []).map((m) => [i + 1, "PAYER", "MB", m] as const),
  ]);
  await pool.query(
    `INSERT INTO patient_identifiers (patient_id, assigning_authority, type_code, value)
     SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[]) ON CONFLICT DO NOTHING`,
    [ids.map((r) => r[0]), ids.map((r) => r[1]), ids.map((r) => r[2]), ids.map((r) => r[3])],
  );
  await pool.query(
    `INSERT INTO attributions (patient_id, practice_org_id, source, kind, effective_from)
     SELECT g, $1, 'bench', 'panel', '2020-01-01' FROM generate_series(1, $2) g`,
    [practiceId, roster.length],
  );
  return { practiceId, rosterIdOf: new Map(roster.map((c, i) => [String(i + 1), c.patientId])) };
}

/**
 * The generator's patients as the listener would publish them: ED arrivals (A04) at MERCYGEN, each
 * with its own control id, visit and account number, so every event is a new encounter.
 */
export function syntheticAdtEvents(events: readonly SyntheticEvent[]): AdtEvent[] {
  return events.map((e, i) => {
    const identifiers = [
      ...e.patient.identifiers,
      { value: `ACCT${i}`, typeCode: "AN", assigningAuthority: SYNTHETIC_FACILITY },
    ];
    return {
      schemaVersion: 1,
      eventId: syntheticEventId(i),
      kind: "ed-arrival",
      messageType: "ADT",
      trigger: "A04",
      hl7Version: "2.5.1",
      processingId: "P",
      controlId: `C${i}`,
      occurredAt: "2026-11-20T10:00:00-05:00",
      occurredAtSource: "EVN-6",
      recordedAt: "2026-11-20T10:00:05-05:00",
      facility: {
        sendingApplication: SYNTHETIC_APPLICATION,
        sendingFacility: SYNTHETIC_FACILITY,
        timeZone: "America/New_York",
      },
      patient: {
        ...e.patient,
        identifiers,
        primaryIdentifier: identifiers[0] ?? identifiers[identifiers.length - 1],
      },
      visit: { visitNumber: `V${i}`, patientClass: "E" },
      diagnoses: [],
      insurances: [],
      flags: { sensitiveFacility: false, isEdVisit: true, isObservation: false, patientProtected: false },
    } as AdtEvent;
  });
}

/** What a synthetic run set up, and how to wait for and read the matcher's work on it. */
export interface SyntheticRun {
  kafka: Kafka;
  pool: Pool;
  roster: SeededRoster;
  adtEvents: readonly AdtEvent[];
  /** The real names of the matcher's output topics. */
  outputTopics: { matched: string; unmatched: string };
  /** Events whose offsets the matcher's group has committed (so whose outputs are durable and stored). */
  committed(): Promise<number>;
  /** Polls `committed` until every event is done; false if `timeoutMs` passed first. */
  waitUntilMatched(timeoutMs: number, pollMs?: number): Promise<boolean>;
  /**
   * Every record on adt.matched.v1 and adt.unmatched.v1 (up to their high watermarks when called),
   * read by a consumer group of its own; call after the matcher has committed everything.
   */
  readOutputs(timeoutMs: number): Promise<BatchRecord[]>;
  /** The review queue (match_reviews): event id → candidate patient ids (PostgreSQL ids). */
  reviewQueue(): Promise<Map<string, string[]>>;
  close(): Promise<void>;
}

/**
 * Migrates the configured schema, seeds the roster, creates the topics and publishes the events
 * (acks=all, keyed by MRN as the listener keys them) before any matcher runs.
 */
export async function prepareSyntheticRun(
  config: MatcherConfig,
  logger: Logger,
  traffic: { roster: readonly Candidate[]; events: readonly SyntheticEvent[] },
): Promise<SyntheticRun> {
  const { postgres, kafka: kafkaSettings } = config.stack;
  const prefix = kafkaSettings.topicPrefix;
  await migrate(postgres);
  const pool = createPool(postgres);
  const roster = await seedRoster(pool, traffic.roster);
  const kafka = createKafka(
    { brokers: kafkaSettings.brokers, clientId: `${config.MATCHER_GROUP_ID}-traffic` },
    logger,
  );
  await ensureTopics(kafka, HOMEWARD_TOPICS, { prefix });
  const eventLog: EventLog = await createEventLog(kafka);
  const adtEvents = syntheticAdtEvents(traffic.events);
  const eventsTopic = topicName(prefix, "adt.events.v1");
  for (let i = 0; i < adtEvents.length; i += 500) {
    await eventLog.publish(
      adtEvents.slice(i, i + 500).map((e) => ({
        topic: eventsTopic,
        key: e.patient.primaryIdentifier.value,
        value: JSON.stringify(e),
      })),
    );
  }
  const outputTopics = {
    matched: topicName(prefix, "adt.matched.v1"),
    unmatched: topicName(prefix, "adt.unmatched.v1"),
  };
  const admin = kafka.admin();
  await admin.connect();

  const committed = async () => {
    const [offsets] = await admin.fetchOffsets({ groupId: config.MATCHER_GROUP_ID, topics: [eventsTopic] });
    return (offsets?.partitions ?? []).reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);
  };
  const waitUntilMatched = async (timeoutMs: number, pollMs = 20) => {
    const until = performance.now() + timeoutMs;
    while ((await committed()) < adtEvents.length) {
      if (performance.now() > until) return false;
      await new Promise((r) => setTimeout(r, pollMs));
    }
    return true;
  };
  const readOutputs = async (timeoutMs: number) => {
    const topics = [outputTopics.matched, outputTopics.unmatched];
    let total = 0;
    for (const topic of topics) {
      for (const p of await admin.fetchTopicOffsets(topic)) total += Number(p.high);
    }
    const records: BatchRecord[] = [];
    if (total === 0) return records;
    const tap = await runBatchConsumer({
      kafka,
      groupId: `${config.MATCHER_GROUP_ID}-outputs`,
      topics,
      partitionsConcurrently: 6,
      logger,
      handle: async (batch) => {
        records.push(...batch.records);
      },
    });
    const until = performance.now() + timeoutMs;
    while (records.length < total && performance.now() < until) await new Promise((r) => setTimeout(r, 50));
    await tap.stop();
    return records;
  };

  return {
    kafka,
    pool,
    roster,
    adtEvents,
    outputTopics,
    committed,
    waitUntilMatched,
    readOutputs,
    async reviewQueue() {
      const { rows } = await pool.query<{ event_id: string; candidates: { patientId: string }[] }>(
        "SELECT event_id, candidates FROM match_reviews",
      );
      return new Map(rows.map((r) => [r.event_id, r.candidates.map((c) => String(c.patientId))]));
    },
    async close() {
      await admin.disconnect();
      await eventLog.close();
      await pool.end();
    },
  };
}
