import { claimOnce, closeRedis, createRedis } from "@homeward/redis";
import { isolation } from "@homeward/testing";
import { describe, expect, it } from "vitest";

describe("Redis (real server)", () => {
  it("round-trips a value under the isolation prefix and claims a key only once", async () => {
    const iso = isolation("redis");
    const redis = createRedis(iso.settings.redis);
    try {
      await redis.set("greeting", "hello", "PX", 60_000);
      expect(await redis.get("greeting")).toBe("hello");
      // The prefix is real: a client without it sees the key under its full name.
      const raw = createRedis({ url: iso.settings.redis.url, keyPrefix: "" });
      expect(await raw.get(`${iso.redisPrefix}greeting`)).toBe("hello");
      await closeRedis(raw);

      expect(await claimOnce(redis, "dup:GENHOSP:CTRL1", 60_000)).toBe(true);
      expect(await claimOnce(redis, "dup:GENHOSP:CTRL1", 60_000)).toBe(false);
      expect(await redis.pttl("dup:GENHOSP:CTRL1")).toBeGreaterThan(50_000);
    } finally {
      await closeRedis(redis);
    }
  });
});
