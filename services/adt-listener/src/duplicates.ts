import type { Redis } from "@homeward/redis";

/**
 * Control ids already written to Kafka (sending application + facility + MSH-10), kept in Redis for
 * a window. A key is remembered only after its message is durable on Kafka: remembering it earlier
 * would turn the sender's resend of a message we failed to store into a silent loss.
 */
export interface DuplicateStore {
  /** One answer per key, in order. */
  seenMany(keys: readonly string[]): Promise<boolean[]>;
  rememberMany(keys: readonly string[]): Promise<void>;
}

export function redisDuplicateStore(redis: Redis, windowSeconds: number): DuplicateStore {
  const redisKey = (key: string) => `adt:ctl:${key}`;
  return {
    async seenMany(keys) {
      const values = await redis.mget(keys.map(redisKey));
      return values.map((v) => v !== null);
    },
    async rememberMany(keys) {
      const pipeline = redis.pipeline();
      for (const key of keys) pipeline.set(redisKey(key), "1", "EX", windowSeconds);
      await pipeline.exec();
    },
  };
}

export const controlKey = (sendingApplication: string, sendingFacility: string, controlId: string) =>
  `${sendingApplication}|${sendingFacility}|${controlId}`;
