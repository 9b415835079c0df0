import type { AdtEvent, MatchedEvent, UnmatchedEvent } from "@homeward/contracts";
import {
  createEventLog,
  createKafka,
  type EventLog,
  ensureTopics,
  HOMEWARD_TOPICS,
  runConsumer,
  topicName,
} from "@homeward/kafka";
import { createLogger, type Logger } from "@homeward/logger";
import type { Isolation } from "@homeward/testing";
import { vi } from "vitest";
import { type RunningMatcher, startMatcher } from "./app.ts";
import { loadMatcherEnv, type MatcherConfig } from "./env.ts";

/** The matcher's settings for a test's isolation (its schema, topic prefix and group ids). */
export function matcherConfigFor(iso: Isolation): MatcherConfig {
  const s = iso.settings;
  return loadMatcherEnv({
    KAFKA_BROKERS: s.kafka.brokers.join(","),
    KAFKA_TOPIC_PREFIX: iso.topicPrefix,
    DATABASE_URL: s.postgres.url,
    DATABASE_SCHEMA: iso.schema,
    MATCHER_GROUP_ID: iso.groupId("matcher"),
    OPS_PORT: "0",
    // The fixtures' hospital messages are from 2024: keep their rosters' history in memory.
    REFERENCE_HISTORY_DAYS: "3650",
  });
}

/** A running matcher, a producer onto its input topics, and everything it has written so far. */
export interface MatcherHarness {
  matcher: RunningMatcher;
  eventLog: EventLog;
  seen: { matched: MatchedEvent[]; unmatched: UnmatchedEvent[] };
  /**
   * Publishes one event as the listener would and waits for what the matcher made of it: its
   * records on adt.matched.v1 (one per practice told) and on adt.unmatched.v1, if any.
   */
  outcomeOf(event: AdtEvent): Promise<{ matched: MatchedEvent[]; unmatched: UnmatchedEvent | undefined }>;
  stop(): Promise<void>;
}

/** Waits up to 20 s for `check` to hold, saying what it waited for when it does not. */
export const until = (check: () => boolean, what: string) =>
  vi.waitFor(
    () => {
      if (!check()) throw new Error(`waiting for ${what}`);
    },
    { timeout: 20_000, interval: 50 },
  );

/** A quiet logger for the matcher that counts its reference-data loads (an import's NOTIFY makes one). */
export function reloadCountingLogger(): { logger: Logger; loads: () => number } {
  let loads = 0;
  const logger = createLogger({
    service: "matcher-test",
    level: "info",
    destination: {
      write(line: string) {
        if (line.includes('"msg":"reference data loaded"')) loads++;
      },
    },
  });
  return { logger, loads: () => loads };
}

/** Starts the real matcher for `iso` and a consumer that collects adt.matched.v1 and adt.unmatched.v1. */
export async function startMatcherHarness(iso: Isolation, logger: Logger): Promise<MatcherHarness> {
  const matcher = await startMatcher(matcherConfigFor(iso), logger);
  const kafka = createKafka({ brokers: iso.settings.kafka.brokers, clientId: iso.id }, logger);
  await ensureTopics(kafka, HOMEWARD_TOPICS, { prefix: iso.topicPrefix });
  const eventLog = await createEventLog(kafka);
  const seen: MatcherHarness["seen"] = { matched: [], unmatched: [] };
  const tap = await runConsumer({
    kafka,
    groupId: iso.groupId("tap"),
    topics: [topicName(iso.topicPrefix, "adt.matched.v1"), topicName(iso.topicPrefix, "adt.unmatched.v1")],
    logger,
    handle: async (r) => {
      const value = JSON.parse(r.value?.toString() ?? "null");
      if (r.topic.endsWith("adt.matched.v1")) seen.matched.push(value);
      else seen.unmatched.push(value);
    },
  });
  return {
    matcher,
    eventLog,
    seen,
    async outcomeOf(event) {
      await eventLog.publish([
        {
          topic: topicName(iso.topicPrefix, "adt.events.v1"),
          key: event.patient.primaryIdentifier.value,
          value: JSON.stringify(event),
        },
      ]);
      const matched = () => seen.matched.filter((m) => m.event.eventId === event.eventId);
      const unmatched = () => seen.unmatched.find((u) => u.event.eventId === event.eventId);
      await until(() => matched().length > 0 || unmatched() !== undefined, `the outcome of ${event.eventId}`);
      // One event's records are written together; a short grace catches a second practice's.
      await new Promise((resolve) => setTimeout(resolve, 300));
      return { matched: matched(), unmatched: unmatched() };
    },
    async stop() {
      await tap.stop();
      await eventLog.close();
      await matcher.stop();
    },
  };
}
