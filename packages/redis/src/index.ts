import { Redis } from "ioredis";
import { type RedisConnection, redisConnectionOptions } from "./redis-options.ts";

export { type RedisConnection, type RedisTls, redisConnectionOptions } from "./redis-options.ts";
export type { Redis };

export interface RedisSettings extends RedisConnection {
  /** Every key this client touches is prefixed, so services and test runs never collide. */
  keyPrefix: string;
}

/** A client for `settings`: over TLS for a rediss:// URL, signed in as the ACL user when one is given. */
export function createRedis(settings: RedisSettings): Redis {
  return new Redis({
    ...redisConnectionOptions(settings),
    keyPrefix: settings.keyPrefix,
    maxRetriesPerRequest: 3,
    // Commands issued in the same tick (many connections' duplicate checks) share one round trip.
    enableAutoPipelining: true,
  });
}

/**
 * Claims `key` for `ttlMs` if nobody holds it (SET NX PX). True for the first caller only:
 * the building block of duplicate detection and delivery idempotency keys.
 */
export async function claimOnce(redis: Redis, key: string, ttlMs: number, value = "1"): Promise<boolean> {
  return (await redis.set(key, value, "PX", ttlMs, "NX")) === "OK";
}

export async function closeRedis(redis: Redis): Promise<void> {
  await redis.quit();
}
