import { homedir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root (this file is infra/local-stack/src/paths.ts). */
export const REPO_ROOT = fileURLToPath(new URL("../../..", import.meta.url));

/** Everything the local stack writes: `.stack/{data,logs,run,conf}/<engine>` in the repo. */
export const STACK_DIR = join(REPO_ROOT, ".stack");
export const stackPath = (kind: "data" | "logs" | "run" | "conf", file = "") => join(STACK_DIR, kind, file);

/** Jars resolved from Maven Central, downloaded once per version and shared by all clones. */
export const JAR_CACHE = join(process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "homeward", "jars");

/** Fixed, documented ports (README "Local stack"). */
export const PORTS = {
  kafka: 9092,
  kafkaController: 9093,
  sqs: 9324,
  sqsStats: 9325,
  smtp: 1025,
  mailWeb: 1080,
  postgres: 5432,
  redis: 6379,
} as const;

export const HOST = "127.0.0.1";
