import { execFileSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import type { Logger } from "@homeward/logger";
import { Redis } from "ioredis";
import { aptInstall } from "./apt.ts";
import { HOST, PORTS, stackPath } from "./paths.ts";
import { answers, waitUntil } from "./wait.ts";

export const REDIS_URL = `redis://${HOST}:${PORTS.redis}`;

async function ping(): Promise<void> {
  const redis = new Redis(REDIS_URL, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  try {
    await redis.connect();
    await redis.ping();
  } finally {
    redis.disconnect();
  }
}

function hasRedisServer(): boolean {
  return answersSync(() => execFileSync("redis-server", ["--version"], { stdio: "ignore" }));
}

function answersSync(fn: () => void): boolean {
  try {
    fn();
    return true;
  } catch {
    return false;
  }
}

/** Uses the Redis on 127.0.0.1:6379, or starts one (installing it from Debian if missing). */
export async function ensureRedis(logger: Logger): Promise<{ url: string }> {
  if (await answers(ping)) return { url: REDIS_URL };
  if (!hasRedisServer()) {
    logger.info("Redis is not installed; installing it from Debian");
    aptInstall(["redis-server"]);
  }
  logger.info("starting redis-server");
  const dir = stackPath("data", "redis");
  mkdirSync(dir, { recursive: true });
  execFileSync("redis-server", [
    "--daemonize",
    "yes",
    "--bind",
    HOST,
    "--port",
    String(PORTS.redis),
    "--save",
    "",
    "--appendonly",
    "no",
    "--dir",
    dir,
    "--logfile",
    stackPath("logs", "redis.log"),
    "--pidfile",
    stackPath("run", "redis.pid"),
  ]);
  await waitUntil("Redis", ping, 30_000);
  return { url: REDIS_URL };
}
