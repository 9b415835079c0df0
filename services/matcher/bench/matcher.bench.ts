/**
 * Matcher throughput: a synthetic roster in PostgreSQL, synthetic ED arrivals (with the identity
 * benchmark's error mix) on adt.events.v1, and the real matcher consuming them; reports events/s
 * from its first output record to its last, and the outcome mix.
 *
 *   node --conditions=source --import tsx services/matcher/bench/matcher.bench.ts [people] [events]
 */
import { type AdtEvent, adtEventId } from "@homeward/contracts";
import { createPool, migrate } from "@homeward/db";
import { generateEvents, generatePopulation } from "@homeward/identity";
import {
  createEventLog,
  createKafka,
  ensureTopics,
  HOMEWARD_TOPICS,
  runConsumer,
  topicName,
} from "@homeward/kafka";
import { stackEnv, startStack } from "@homeward/local-stack";
import { createLogger } from "@homeward/logger";
import { machineLine, writeBenchmarkSection } from "@homeward/testing/bench";
import { startMatcher } from "../src/app.ts";
import { loadMatcherEnv } from "../src/env.ts";

const PEOPLE = Number(process.argv[2] ?? 20_000);
const EVENTS = Number(process.argv[3] ?? 5_000);
const run = `benchm${Date.now().toString(36)}`;
const logger = createLogger({ service: "matcher-bench", level: "warn" });
const stack = await startStack(logger);
const env = {
  ...stackEnv(stack),
  DATABASE_SCHEMA: run,
  KAFKA_TOPIC_PREFIX: run,
  MATCHER_GROUP_ID: `${run}-matcher`,
  OPS_PORT: "0",
};
const config = loadMatcherEnv(env);
await migrate(config.stack.postgres);
const pool = createPool(config.stack.postgres);

const population = generatePopulation({ seed: 20261123, people: PEOPLE });
const events = generateEvents(population, { seed: 7, events: EVENTS });
const practice = (
  await pool.query<{ id: string }>(
    "INSERT INTO organizations (kind, code, name) VALUES ('practice', 'BENCH', 'Bench Practice') RETURNING id",
  )
).rows[0]?.id;
await pool.query(
  "INSERT INTO recipients (organization_id, role, display_name, email, time_zone) VALUES ($1, 'pcp', 'PCP', 'pcp@bench.example', 'America/New_York')",
  [practice],
);
await pool.query(
  "INSERT INTO notification_rules (organization_id, recipient_role, channel) VALUES ($1, 'pcp', 'email')",
  [practice],
);
const roster = population.roster;
const dbId = new Map(roster.map((c, i) => [c.patientId, String(i + 1)]));
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
const ids = roster.flatMap((c) => [
  ...c.identifiers.map((i) => [
    dbId.get(c.patientId),
    i.assigningAuthority ?? "",
    i.typeCode ?? "MR",
    i.value,
  ]),
  ...(c.memberIds ?? []).map((m) => [dbId.get(c.patientId), "PAYER", "MB", m]),
]);
await pool.query(
  `INSERT INTO patient_identifiers (patient_id, assigning_authority, type_code, value)
   SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[]) ON CONFLICT DO NOTHING`,
  [ids.map((r) => r[0]), ids.map((r) => r[1]), ids.map((r) => r[2]), ids.map((r) => r[3])],
);
await pool.query(
  `INSERT INTO attributions (patient_id, practice_org_id, source, kind, effective_from)
   SELECT g, $1, 'bench', 'panel', '2020-01-01' FROM generate_series(1, $2) g`,
  [practice, roster.length],
);

const kafka = createKafka({ brokers: config.stack.kafka.brokers, clientId: run }, logger);
await ensureTopics(kafka, HOMEWARD_TOPICS, { prefix: run });
const eventLog = await createEventLog(kafka);
const adtEvents: AdtEvent[] = events.map((e, i) => {
  const identifiers = [
    ...e.patient.identifiers,
    { value: `ACCT${i}`, typeCode: "AN", assigningAuthority: "MERCYGEN" },
  ];
  return {
    schemaVersion: 1,
    eventId: adtEventId("BENCH", "MERCYGEN", `C${i}`),
    kind: "ed-arrival",
    messageType: "ADT",
    trigger: "A04",
    hl7Version: "2.5.1",
    processingId: "P",
    controlId: `C${i}`,
    occurredAt: "2026-11-20T10:00:00-05:00",
    occurredAtSource: "EVN-6",
    recordedAt: "2026-11-20T10:00:05-05:00",
    facility: { sendingApplication: "BENCH", sendingFacility: "MERCYGEN", timeZone: "America/New_York" },
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
for (let i = 0; i < adtEvents.length; i += 500) {
  await eventLog.publish(
    adtEvents.slice(i, i + 500).map((e) => ({
      topic: topicName(run, "adt.events.v1"),
      key: e.patient.primaryIdentifier.value,
      value: JSON.stringify(e),
    })),
  );
}

const outcomes = new Map<string, number>();
let first = 0;
let last = 0;
let done = 0;
const tap = await runConsumer({
  kafka,
  groupId: `${run}-tap`,
  topics: [topicName(run, "adt.matched.v1"), topicName(run, "adt.unmatched.v1")],
  logger,
  handle: async (r) => {
    const value = JSON.parse(r.value?.toString() ?? "{}") as { reason?: string; kind?: string };
    const key = value.reason ?? value.kind ?? "?";
    outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
    first ||= performance.now();
    last = performance.now();
    done++;
  },
});
const t0 = performance.now();
const matcher = await startMatcher(config, logger);
const ready = performance.now();
while (done < EVENTS && performance.now() - ready < 600_000) await new Promise((r) => setTimeout(r, 200));
const rate = done / ((last - first) / 1000);
await matcher.stop();
await tap.stop();
await eventLog.close();
await pool.query(`DROP SCHEMA ${run} CASCADE`);
await pool.end();

const mix = [...outcomes].map(([k, v]) => `${k} ${v}`).join(", ");
const section = `## matcher

${machineLine()}. ${roster.length.toLocaleString("en-US")} roster patients (of ${PEOPLE.toLocaleString("en-US")} synthetic people) in PostgreSQL,
${EVENTS.toLocaleString("en-US")} synthetic ED arrivals on adt.events.v1 (identity benchmark error mix), the real matcher
(identity index, encounter read and write, routing, acks=all output) on the local Kafka.
Run: \`node --conditions=source --import tsx services/matcher/bench/matcher.bench.ts [people] [events]\`.

| measure | value |
| --- | ---: |
| startup (migrate, load roster, build index) | ${((ready - t0) / 1000).toFixed(1)} s |
| events/s, first output to last | ${Math.round(rate).toLocaleString("en-US")} |
| outputs | ${mix} |

Target (issue 4): keep up with the listener, ≥ 20,000 events/s. Not met: each event still takes
its own PostgreSQL round trips (encounter read, history, one transaction) and its own Kafka write.`;
console.log(section);
writeBenchmarkSection("matcher", section);
process.exit(0);
