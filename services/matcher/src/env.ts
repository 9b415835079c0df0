import { parseEnv, StackEnv, stackSettingsFromEnv } from "@homeward/config";
import { z } from "zod";

/** The matcher's environment; the only place it reads `process.env`. */
export const MatcherEnv = StackEnv.extend({
  MATCHER_GROUP_ID: z.string().min(1).default("homeward-matcher"),
  /** adt.events.v1 partitions matched at once by this instance (the topic has 6). */
  MATCHER_PARTITIONS_CONCURRENTLY: z.coerce.number().int().min(1).max(64).default(6),
  /** Most events matched together: one Kafka write and one PostgreSQL statement per batch. */
  MATCHER_MAX_BATCH: z.coerce.number().int().min(1).max(10_000).default(500),
  /** Reload the reference data at least this often (a roster import also triggers a reload). */
  REFERENCE_REFRESH_SECONDS: z.coerce.number().int().positive().default(300),
  /**
   * How far back ended attributions, enrollments, opt-outs and rules are kept in memory, so a late
   * message or a replay routes by what was in force on its day. Older events find nothing in force.
   */
  REFERENCE_HISTORY_DAYS: z.coerce.number().int().positive().default(400),
  UTILIZER_ED_VISITS: z.coerce.number().int().positive().default(3),
  UTILIZER_ED_WINDOW_DAYS: z.coerce.number().int().positive().default(60),
  UTILIZER_READMISSION_DAYS: z.coerce.number().int().positive().default(30),
  OPS_HOST: z.string().default("127.0.0.1"),
  OPS_PORT: z.coerce.number().int().min(0).max(65535).default(9465),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace"]).default("info"),
});

export function loadMatcherEnv(env: Readonly<Record<string, string | undefined>>) {
  const parsed = parseEnv(MatcherEnv, env);
  return { ...parsed, stack: stackSettingsFromEnv(parsed) };
}
export type MatcherConfig = ReturnType<typeof loadMatcherEnv>;
