/**
 * Matching precision and recall through the whole matcher service (issue 4): the identity
 * generator's roster in PostgreSQL, its ADT patients as ED arrivals on adt.events.v1, the real
 * matcher, and its outputs (adt.matched.v1, adt.unmatched.v1, the review queue table) scored
 * against the generator's ground truth. The same events are also resolved by the identity library
 * in process; the two must decide every event alike, and any event they do not is listed.
 *
 *   node --conditions=source --import tsx services/matcher/bench/matcher-precision.bench.ts [people] [events] [seed]
 *
 * The arguments mean what they mean for packages/identity/bench/matching.bench.ts (roster of about
 * `people`, 70% of a population of people / 0.7), and the defaults are its defaults, so the library
 * column repeats the default-threshold line of its section "matching". Rewrites only the section
 * "matcher-precision" of docs/benchmarks.md (the throughput section "matcher" is matcher.bench.ts's).
 */
import { generateEvents, generatePopulation, type SyntheticEvent } from "@homeward/identity";
import { stackEnv, startStack } from "@homeward/local-stack";
import { createLogger } from "@homeward/logger";
import { machineLine, writeBenchmarkSection } from "@homeward/testing/bench";
import { startMatcher } from "../src/app.ts";
import { loadMatcherEnv } from "../src/env.ts";
import {
  type Decision,
  describeDecision,
  differingDecisions,
  falseMatches,
  libraryDecisions,
  reviewQueueDisagreements,
  serviceDecisions,
  type Tally,
  tallyDecisions,
} from "./ground-truth.ts";
import { prepareSyntheticRun } from "./synthetic-traffic.ts";

const PEOPLE = Number(process.argv[2] ?? 100_000);
const EVENTS = Number(process.argv[3] ?? 20_000);
const SEED = Number(process.argv[4] ?? 20261123);
const run = `benchp${Date.now().toString(36)}`;
const logger = createLogger({ service: "matcher-precision-bench", level: "warn" });
const stack = await startStack(logger);
const config = loadMatcherEnv({
  ...stackEnv(stack),
  DATABASE_SCHEMA: run,
  KAFKA_TOPIC_PREFIX: run,
  MATCHER_GROUP_ID: `${run}-matcher`,
  OPS_PORT: "0",
});

// The population and events of matching.bench.ts with the same arguments.
const population = generatePopulation({ seed: SEED, people: Math.round(PEOPLE / 0.7) });
const events = generateEvents(population, { seed: SEED, events: EVENTS });
const traffic = await prepareSyntheticRun(config, logger, { roster: population.roster, events });

const t0 = performance.now();
const matcher = await startMatcher(config, logger);
const finished = await traffic.waitUntilMatched(1_800_000, 250);
const elapsed = (performance.now() - t0) / 1000;
await matcher.stop();
if (!finished) console.error(`the matcher committed only ${await traffic.committed()} of ${EVENTS} events`);
const records = await traffic.readOutputs(600_000);
const queue = await traffic.reviewQueue();
await traffic.pool.query(`DROP SCHEMA ${run} CASCADE`);
await traffic.close();

const eventIds = traffic.adtEvents.map((e) => e.eventId);
const { rosterIdOf } = traffic.roster;
const service = serviceDecisions(eventIds, records, traffic.outputTopics.matched, rosterIdOf);
const library = libraryDecisions(population.roster, events);
const serviceTally = tallyDecisions(events, service.decisions);
const libraryTally = tallyDecisions(events, library);
const differ = differingDecisions(library, service.decisions);
const queueDisagreements = reviewQueueDisagreements(eventIds, service.decisions, queue, rosterIdOf);
const exactlyOne = service.recordsPerEvent.filter((n) => n === 1).length;
const none = service.recordsPerEvent.filter((n) => n === 0).length;

const int = (n: number) => n.toLocaleString("en-US");
// As matching.bench.ts rounds, so that equal counts print equal.
const pct = (n: number, d: number) => (d === 0 ? "–" : `${((100 * n) / d).toFixed(2)}%`);
const measures: [string, (t: Tally) => string][] = [
  [
    "precision (auto-matches naming the right roster patient)",
    (t) => pct(t.correct, t.correct + falseMatches(t)),
  ],
  ["recall (member events auto-matched to the right patient)", (t) => pct(t.correct, t.memberEvents)],
  [
    "false matches (wrong member, non-member)",
    (t) => `${int(falseMatches(t))} (${int(t.wrongPatient)}, ${int(t.nonMemberMatched)})`,
  ],
  ["review rate (of all events)", (t) => pct(t.review, t.events)],
  ["no-match rate (of all events)", (t) => pct(t.noMatch, t.events)],
  [
    "found (member events matched, or in review with the right candidate)",
    (t) => pct(t.correct + t.reviewWithTruth, t.memberEvents),
  ],
  ["events without a decision", (t) => int(t.undecided)],
  [
    "auto-matches by method",
    (t) =>
      ["identifier", "deterministic", "probabilistic"]
        .map((k) => `${k} ${int(t.byMethod[k] ?? 0)}`)
        .join(", "),
  ],
];
const table = measures.map(([name, f]) => `| ${name} | ${f(serviceTally)} | ${f(libraryTally)} |`).join("\n");

const truthOf = (e: SyntheticEvent) =>
  `${e.truth.patientId ?? "non-member"}${e.truth.errors.length > 0 ? `, ${e.truth.errors.join("+")}` : ""}`;
const differences =
  differ.length === 0
    ? "The service and the library decided every event alike (outcome, patient, method and review candidates)."
    : `**The service and the library decided ${int(differ.length)} events differently** (a bug to find). The first ones
(truth; library; service):

${differ
  .slice(0, 10)
  .map(
    (i) =>
      `- event ${i} (${truthOf(events[i] as SyntheticEvent)}): ${describeDecision(library[i] as Decision)}; ${describeDecision(service.decisions[i])}`,
  )
  .join("\n")}`;
const others = Object.entries(service.otherReasons)
  .map(([k, v]) => `${k} ${int(v)}`)
  .join(", ");
const outputCheck = `Outputs: ${int(records.length)} records for ${int(EVENTS)} events: ${int(exactlyOne)} events with exactly one,
${int(none)} with none, ${int(EVENTS - exactlyOne - none)} with more than one; ${int(service.unreadable)} records not a valid v1 contract or
about no event of the run; ${int(service.unknownPatients)} patient ids not a seeded roster row${others === "" ? "" : `; other unmatched reasons: ${others}`}.
Review queue (match_reviews): ${int(queue.size)} rows, ${int(queueDisagreements)} events where it and the review records on
adt.unmatched.v1 disagree (a row missing or extra, or other candidates).`;

const section = `## matcher-precision

${machineLine()}. Run: \`node --conditions=source --import tsx services/matcher/bench/matcher-precision.bench.ts [people] [events] [seed]\`.
Seed ${SEED}: the population, roster and events of the section "matching" run with the same
arguments (${int(population.people.length)} synthetic people, ${int(population.roster.length)} on the roster, ${int(EVENTS)} ADT patients: ${int(serviceTally.memberEvents)} about members,
${int(serviceTally.nonMemberEvents)} about non-members; the same error mix). Through the whole service: the roster seeded into
PostgreSQL (patients, MRNs, payer member ids, one practice's attributions), the events published as
ED arrivals (A04, each its own visit) on adt.events.v1, the real matcher (which loads the roster
from PostgreSQL and builds its own identity index), then every record on adt.matched.v1 and
adt.unmatched.v1 and every row of the review queue read back and scored against the generator's
ground truth. An announcement names a PostgreSQL patient id, mapped back to the generator's roster
patient through the seeded rows. The library column resolves the same events in process
(\`buildIdentityIndex\` over the generated roster, \`resolveIdentity\` with the default thresholds),
as the section "matching" does. The matcher took ${elapsed.toFixed(1)} s from start to the last committed offset
(not a throughput measure: see "matcher").

| measure | service (Kafka + PostgreSQL + matcher) | library (in process, same events) |
| --- | ---: | ---: |
${table}

${differences}

${outputCheck}`;
console.log(section);
writeBenchmarkSection("matcher-precision", section);
process.exit(0);
