import kafkajs, { type Admin, type Kafka } from "kafkajs";
import { MAX_RECORD_BATCH_BYTES } from "./record-limits.ts";

export interface TopicSpec {
  /** Base name, without any environment or test prefix. */
  name: string;
  partitions: number;
  /** Broker-side topic configs, set explicitly rather than inherited from broker defaults. */
  configs: Record<string, string>;
}

const DAY_MS = 24 * 60 * 60 * 1000;
// kafkajs is CommonJS and Node's named-export detection misses these two.
const { ConfigResourceTypes, ConfigSource } = kafkajs;

const MAX_MESSAGE_BYTES = "max.message.bytes";
/**
 * Deleted after `days`; batches up to `MAX_RECORD_BATCH_BYTES` (Kafka's default, 1 MiB, refused a
 * well-formed 800 KB message with an embedded document: the listener answered "resend" forever).
 */
const keep = (days: number) => ({
  "cleanup.policy": "delete",
  "retention.ms": String(days * DAY_MS),
  [MAX_MESSAGE_BYTES]: String(MAX_RECORD_BATCH_BYTES),
});

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
 * Existing topics keep their configs, except that a `max.message.bytes` below the spec's is raised
 * to it (topics made before the limit was set; a cluster's smaller default): a record the listener
 * has sized for the topic must never be refused. Safe to call from several processes at once.
 * New topics get `replicationFactor` copies, by default three or as many as the cluster has
 * brokers: one on the local stack's single broker, three on a managed cluster (Confluent Cloud
 * refuses fewer; with one copy, acks=all would wait for one broker only). Make a topic beforehand
 * for another factor: an existing topic is left as it is.
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
    const named = specs.map((s) => ({ ...s, name: topicName(options.prefix ?? "", s.name) }));
    const missing = named.filter((s) => !existing.has(s.name));
    await raiseMessageLimits(
      admin,
      named.filter((s) => existing.has(s.name)),
    );
    if (missing.length > 0) {
      const replicationFactor =
        options.replicationFactor ?? Math.min(3, (await admin.describeCluster()).brokers.length);
      // Not kafkajs's waitForLeaders: it retries only LEADER_NOT_AVAILABLE, and a KRaft broker
      // answers UNKNOWN_TOPIC_OR_PARTITION for a moment after the create (a built notifier starting
      // beside the matcher died of it in CI).
      await createTopicsAndWait(admin, {
        topics: missing.map((s) => ({
          topic: s.name,
          numPartitions: s.partitions,
          replicationFactor,
          configEntries: Object.entries(s.configs).map(([name, value]) => ({ name, value })),
        })),
      });
      await leadersElected(
        admin,
        missing.map((s) => s.name),
      );
    }
    return missing.map((s) => s.name);
  } finally {
    await admin.disconnect();
  }
}

/**
 * `admin.createTopics` that returns once every new partition has a leader, through the moment a
 * KRaft broker still answers UNKNOWN_TOPIC_OR_PARTITION (kafkajs's own waitForLeaders gives up on it).
 */
export async function createTopicsAndWait(
  admin: Admin,
  options: Omit<Parameters<Admin["createTopics"]>[0], "waitForLeaders">,
): Promise<void> {
  await admin.createTopics({ ...options, waitForLeaders: false });
  await leadersElected(
    admin,
    options.topics.map((t) => t.topic),
  );
}

/** Errors a broker gives while a topic it just created is still reaching its metadata. */
const SETTLING = new Set(["UNKNOWN_TOPIC_OR_PARTITION", "LEADER_NOT_AVAILABLE"]);

/** Waits until every partition of `topics` has a leader (at most `timeoutMs`). */
export async function leadersElected(
  admin: Admin,
  topics: readonly string[],
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const { topics: found } = await admin.fetchTopicMetadata({ topics: [...topics] });
      const ready =
        found.length === topics.length &&
        found.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0));
      if (ready) return;
    } catch (err) {
      if (!SETTLING.has((err as { type?: string }).type ?? "")) throw err;
    }
    if (Date.now() > deadline) throw new Error(`no leader for ${topics.join(", ")} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Raises `max.message.bytes` of existing topics whose value is below their spec's. */
async function raiseMessageLimits(admin: Admin, specs: readonly TopicSpec[]): Promise<void> {
  const wanted = specs.filter((s) => s.configs[MAX_MESSAGE_BYTES] !== undefined);
  if (wanted.length === 0) return;
  const described = await admin.describeConfigs({
    includeSynonyms: false,
    resources: wanted.map((s) => ({ type: ConfigResourceTypes.TOPIC, name: s.name })),
  });
  const resources = [];
  for (const spec of wanted) {
    const entries = described.resources.find((r) => r.resourceName === spec.name)?.configEntries ?? [];
    const limit = Number(spec.configs[MAX_MESSAGE_BYTES]);
    const current = Number(entries.find((e) => e.configName === MAX_MESSAGE_BYTES)?.configValue);
    if (current >= limit) continue;
    // AlterConfigs (the API kafkajs speaks) replaces all of a topic's own settings: send them all.
    const own = entries
      .filter((e) => e.configSource === ConfigSource.TOPIC_CONFIG && e.configName !== MAX_MESSAGE_BYTES)
      .map((e) => ({ name: e.configName, value: e.configValue }));
    resources.push({
      type: ConfigResourceTypes.TOPIC,
      name: spec.name,
      configEntries: [...own, { name: MAX_MESSAGE_BYTES, value: String(limit) }],
    });
  }
  if (resources.length > 0) await admin.alterConfigs({ validateOnly: false, resources });
}

/** Each topic's `max.message.bytes` as the broker applies it (its own setting or the broker default). */
export async function topicMaxMessageBytes(
  kafka: Kafka,
  topics: readonly string[],
): Promise<Map<string, number>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const described = await admin.describeConfigs({
      includeSynonyms: false,
      resources: topics.map((name) => ({
        type: ConfigResourceTypes.TOPIC,
        name,
        configNames: [MAX_MESSAGE_BYTES],
      })),
    });
    return new Map(
      described.resources.map((r) => [
        r.resourceName,
        Number(r.configEntries.find((e) => e.configName === MAX_MESSAGE_BYTES)?.configValue),
      ]),
    );
  } finally {
    await admin.disconnect();
  }
}
