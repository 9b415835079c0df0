import { createKafka, runConsumer, topicName } from "@homeward/kafka";
import { createLogger, type Logger } from "@homeward/logger";
import { type Isolation, isolation } from "@homeward/testing";
import { vi } from "vitest";
import { type ListenerConfig, type RunningListener, startAdtListener } from "./app.ts";
import { loadListenerEnv } from "./env.ts";

// What the whole-system tests (test/e2e) use of the listener beside its app.ts: the MLLP client, and
// the silent-feed watch with its mailer, which the feeds test drives with a moved clock.
export { smtpFeedMailer } from "./feed-mailer.ts";
export { sendWithHl7Client } from "./hl7-client-sender.ts";
export { SilentFeedWatch } from "./silent-feed-watch.ts";

export const FACILITIES_FILE = new URL("../config/facilities.example.json", import.meta.url).pathname;

const TAPPED = ["adt.raw.v1", "adt.events.v1", "adt.rejected.v1"] as const;
type Tapped = (typeof TAPPED)[number];

export interface TestListener {
  listener: RunningListener;
  config: ListenerConfig;
  iso: Isolation;
  logger: Logger;
  /** Every JSON record seen so far on this test's topic (base name), in arrival order. */
  records(base: Tapped): unknown[];
  /** Waits until at least `count` records have arrived on the topic, and returns them all. */
  waitForRecords(base: Tapped, count: number, timeoutMs?: number): Promise<unknown[]>;
  stop(): Promise<void>;
}

/** Boots the real adt-listener (real Kafka, Redis) on ephemeral ports with this test's own topics and keys. */
export async function startTestListener(
  label: string,
  env: Record<string, string> = {},
): Promise<TestListener> {
  const iso = isolation(label);
  const s = iso.settings;
  const config = loadListenerEnv({
    KAFKA_BROKERS: s.kafka.brokers.join(","),
    KAFKA_TOPIC_PREFIX: iso.topicPrefix,
    REDIS_URL: s.redis.url,
    REDIS_KEY_PREFIX: iso.redisPrefix,
    DATABASE_URL: s.postgres.url,
    DATABASE_SCHEMA: s.postgres.schema,
    MLLP_HOST: "127.0.0.1",
    MLLP_PORT: "0",
    OPS_PORT: "0",
    FACILITY_MAPPINGS_FILE: FACILITIES_FILE,
    KAFKA_HOLD_MS: "3000",
    ...env,
  });
  const logger = createLogger({ service: `test-${label}`, level: process.env.LOG_LEVEL ?? "warn" });
  const listener = await startAdtListener(config, logger);
  // One consumer per test file taps all three topics from the start (a group join costs seconds).
  const kafka = createKafka({ brokers: config.stack.kafka.brokers, clientId: iso.id }, logger);
  const seen = new Map<string, unknown[]>(TAPPED.map((t) => [topicName(iso.topicPrefix, t), []]));
  // The tap itself is at-least-once (a broker restart before its commit hands it records again):
  // each record counts once, so `records` is what the topic holds.
  const offsets = new Set<string>();
  const tap = await runConsumer({
    kafka,
    groupId: iso.groupId("tap"),
    topics: [...seen.keys()],
    logger,
    handle: async (r) => {
      const at = `${r.topic}/${r.partition}/${r.offset}`;
      if (offsets.has(at)) return;
      offsets.add(at);
      seen.get(r.topic)?.push(JSON.parse(r.value?.toString() ?? "null"));
    },
  });
  const records = (base: Tapped) => seen.get(topicName(iso.topicPrefix, base)) ?? [];
  return {
    listener,
    config,
    iso,
    logger,
    records,
    async waitForRecords(base, count, timeoutMs = 20_000) {
      await vi.waitFor(
        () => {
          if (records(base).length < count)
            throw new Error(`${records(base).length} of ${count} records on ${base}`);
        },
        { timeout: timeoutMs, interval: 50 },
      );
      return records(base);
    },
    async stop() {
      await tap.stop();
      await listener.stop();
    },
  };
}

/** MSA-1 and MSA-2 of an ACK (segments split on CR or LF). */
export function msaOf(ack: string): { code: string; controlId: string; text: string } {
  const msa = ack.split(/\r\n|\r|\n/).find((s) => s.startsWith("MSA")) ?? "";
  const [, code = "", controlId = "", text = ""] = msa.split("|");
  return { code, controlId, text };
}
