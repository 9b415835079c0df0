import type { Redis } from "@homeward/redis";

/**
 * Control ids already taken (sending application + facility + MSH-10), kept in Redis for a window.
 * A key is remembered only after the message is durable on Kafka: remembering it earlier would turn
 * the sender's resend of a message we failed to store into a silent loss.
 */
export interface DuplicateStore {
  seen(key: string): Promise<boolean>;
  remember(key: string): Promise<void>;
}

export function redisDuplicateStore(redis: Redis, windowSeconds: number): DuplicateStore {
  return {
    seen: async (key) => (await redis.exists(`adt:ctl:${key}`)) === 1,
    remember: async (key) => {
      await redis.set(`adt:ctl:${key}`, "1", "EX", windowSeconds);
    },
  };
}

export const controlKey = (sendingApplication: string, sendingFacility: string, controlId: string) =>
  `${sendingApplication}|${sendingFacility}|${controlId}`;
