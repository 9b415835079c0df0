import { type Registry, sampledGauge } from "@homeward/http";
import type { Logger } from "@homeward/logger";
import type { Admin } from "kafkajs";

export interface PartitionLag {
  topic: string;
  partition: number;
  /** Records on the partition the group has not committed past (the high watermark minus its offset). */
  lag: number;
}

/**
 * How far a consumer group is behind on each partition of `topics`: what operators alert on
 * (a matcher or notifier that stopped, or cannot keep up). A partition the group never committed
 * counts from the earliest offset still kept, since that is what the group would read.
 */
export async function consumerLag(
  admin: Admin,
  groupId: string,
  topics: readonly string[],
): Promise<PartitionLag[]> {
  const committed = await admin.fetchOffsets({ groupId, topics: [...topics] });
  const lags: PartitionLag[] = [];
  for (const { topic, partitions } of committed) {
    const ends = new Map((await admin.fetchTopicOffsets(topic)).map((o) => [o.partition, o]));
    for (const { partition, offset } of partitions) {
      const end = ends.get(partition);
      if (end === undefined) continue;
      const from = offset === "-1" ? Number(end.low) : Number(offset);
      lags.push({ topic, partition, lag: Math.max(0, Number(end.high) - from) });
    }
  }
  return lags;
}

/**
 * `homeward_kafka_consumer_lag{group,topic,partition}`, read from the broker at each scrape: the
 * matcher's and notifier's backlog, which the alert rules in infra/prometheus watch.
 */
export function registerConsumerLagGauge(options: {
  registry: Registry;
  admin: Admin;
  groupId: string;
  topics: readonly string[];
  logger: Logger;
}): void {
  const { admin, groupId, topics, logger } = options;
  sampledGauge({
    registry: options.registry,
    name: "homeward_kafka_consumer_lag",
    help: "Records on each partition the consumer group has not committed past",
    labelNames: ["group", "topic", "partition"],
    sample: async () =>
      (await consumerLag(admin, groupId, topics)).map((l) => ({
        labels: { group: groupId, topic: l.topic, partition: l.partition },
        value: l.lag,
      })),
    onError: (err) => logger.warn({ err }, "consumer lag could not be read"),
  });
}
