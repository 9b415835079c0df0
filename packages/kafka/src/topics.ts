import type { Kafka } from "kafkajs";

export interface TopicSpec {
  /** Base name, without any environment or test prefix. */
  name: string;
  partitions: number;
  /** Broker-side topic configs, set explicitly rather than inherited from broker defaults. */
  configs: Record<string, string>;
}

const DAY_MS = 24 * 60 * 60 * 1000;
const keep = (days: number) => ({ "cleanup.policy": "delete", "retention.ms": String(days * DAY_MS) });

/**
 * Every topic Homeward uses. Keys are sending facility + patient identifier, so one patient's
 * events stay in order on one partition; six partitions let up to six consumers share a group.
 */
export const HOMEWARD_TOPICS: readonly TopicSpec[] = [
  { name: "adt.raw.v1", partitions: 6, configs: keep(30) },
  { name: "adt.events.v1", partitions: 6, configs: keep(30) },
  { name: "adt.rejected.v1", partitions: 1, configs: keep(90) },
  { name: "adt.matched.v1", partitions: 6, configs: keep(30) },
  { name: "adt.unmatched.v1", partitions: 6, configs: keep(90) },
];

/** The real topic name for a base name: `prefix.base`, or `base` when there is no prefix. */
export function topicName(prefix: string, base: string): string {
  return prefix === "" ? base : `${prefix}.${base}`;
}

/**
 * Creates the missing topics with their partitions and configs (the broker's auto-create is off).
 * Existing topics are left as they are. Safe to call from several processes at once.
 */
export async function ensureTopics(
  kafka: Kafka,
  specs: readonly TopicSpec[],
  options: { prefix?: string; replicationFactor?: number } = {},
): Promise<string[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = specs
      .map((s) => ({ ...s, name: topicName(options.prefix ?? "", s.name) }))
      .filter((s) => !existing.has(s.name));
    if (missing.length > 0) {
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((s) => ({
          topic: s.name,
          numPartitions: s.partitions,
          replicationFactor: options.replicationFactor ?? 1,
          configEntries: Object.entries(s.configs).map(([name, value]) => ({ name, value })),
        })),
      });
    }
    return missing.map((s) => s.name);
  } finally {
    await admin.disconnect();
  }
}
