import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { parseEnv, StackEnv, stackSettingsFromEnv } from "@homeward/config";
import { DEFAULT_HL7_LIMITS, type Hl7Limits } from "@homeward/hl7";
import { z } from "zod";

/** A comma-separated list (empty entries dropped). */
const list = (fallback = "") =>
  z
    .string()
    .default(fallback)
    .transform((v) =>
      v
        .split(",")
        .map((s) => s.trim())
        .filter((s) => s !== ""),
    );
/** A positive whole number with a default. */
const count = (fallback: number) => z.coerce.number().int().positive().default(fallback);
const bool = z.enum(["true", "false", "1", "0"]).transform((v) => v === "true" || v === "1");
const file = z.string().refine(
  (p) => {
    try {
      readFileSync(p);
      return true;
    } catch {
      return false;
    }
  },
  { message: "file cannot be read" },
);

/** The adt-listener's environment; the only place it reads `process.env` (see README "adt-listener"). */
export const ListenerEnv = StackEnv.extend({
  MLLP_HOST: z.string().default("0.0.0.0"),
  MLLP_PORT: z.coerce.number().int().min(0).max(65535).default(2575),
  /** A second listener with TLS; off unless a port and a certificate are given. */
  MLLP_TLS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  MLLP_TLS_CERT_FILE: file.optional(),
  MLLP_TLS_KEY_FILE: file.optional(),
  /** CA bundle that client certificates must chain to; setting it asks every client for one. */
  MLLP_TLS_CLIENT_CA_FILE: file.optional(),
  MLLP_TLS_REQUIRE_CLIENT_CERT: bool.default(false),
  /** Source addresses or CIDR blocks allowed to connect (empty: any). */
  MLLP_ALLOWED_SOURCES: list(),
  /** MSH-4 values accepted (empty: any facility with a mapping). */
  MLLP_ALLOWED_FACILITIES: list(),
  /**
   * MSH-3 values accepted for a facility whose mapping lists no `allowedApplications` of its own
   * (empty: any). A refused application gets AR with ERR 204 at MSH-3.
   */
  MLLP_ALLOWED_APPLICATIONS: list(),
  /** MSH-11 processing ids accepted; training/debug messages must not alert care managers. */
  MLLP_ACCEPTED_PROCESSING_IDS: list("P"),
  MLLP_MAX_CONNECTIONS: z.coerce.number().int().positive().default(200),
  /** No one remote address holds more connections than this, so one flood cannot take them all. */
  MLLP_MAX_CONNECTIONS_PER_ADDRESS: z.coerce.number().int().positive().default(32),
  /** Slots of MLLP_MAX_CONNECTIONS kept for each MLLP_ALLOWED_SOURCES entry alone. */
  MLLP_RESERVED_CONNECTIONS_PER_SOURCE: z.coerce.number().int().min(0).default(2),
  /** A frame that has started (0x0B) must end within this, however its bytes trickle in. */
  MLLP_FRAME_DEADLINE_MS: z.coerce.number().int().positive().default(60_000),
  /** Framing errors in a row (no good frame between them) after which a connection is closed. */
  MLLP_MAX_FRAMING_ERRORS: z.coerce.number().int().positive().default(10),
  /** Repeated faults from one source are logged once per interval, with a count. */
  MLLP_FAULT_LOG_INTERVAL_MS: z.coerce.number().int().positive().default(60_000),
  MLLP_IDLE_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .positive()
    .default(10 * 60_000),
  MLLP_MAX_FRAME_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(4 * 1024 * 1024),
  /**
   * Limits on one message (README "adt-listener"): over one, AE with ERR 207 (segments) or 102 (the
   * rest) at the first part over. Defaults from @homeward/hl7's DEFAULT_HL7_LIMITS.
   */
  MLLP_MAX_SEGMENTS: count(DEFAULT_HL7_LIMITS.maxSegments),
  MLLP_MAX_FIELDS: count(DEFAULT_HL7_LIMITS.maxFieldsPerSegment),
  MLLP_MAX_REPETITIONS: count(DEFAULT_HL7_LIMITS.maxRepetitions),
  MLLP_MAX_COMPONENTS: count(DEFAULT_HL7_LIMITS.maxComponents),
  MLLP_MAX_SUBCOMPONENTS: count(DEFAULT_HL7_LIMITS.maxSubcomponents),
  /** Bytes (UTF-8) of one field; unset: MLLP_MAX_FRAME_BYTES, i.e. only the frame bounds it. */
  MLLP_MAX_FIELD_BYTES: z.coerce.number().int().positive().optional(),
  /** Messages of at least this many bytes are parsed in a worker thread, never on the event loop. */
  MLLP_PARSE_OFFTHREAD_BYTES: count(64 * 1024),
  /** Worker threads for those (default: one fewer than the cores, at least 1, at most 4). */
  MLLP_PARSE_THREADS: count(Math.max(1, Math.min(4, availableParallelism() - 1))),
  /** Large messages waiting for a worker beyond this are answered AR (resend later). */
  MLLP_PARSE_QUEUE: count(16),
  /** A message not parsed within this gets a final AE (ERR 207) and its worker is replaced. */
  MLLP_PARSE_TIMEOUT_MS: count(10_000),
  /** How long a message may wait for Kafka before the sender is told AR (resend later). */
  KAFKA_HOLD_MS: z.coerce.number().int().positive().default(5_000),
  /** How long a control id is remembered to recognize a resend. */
  DUPLICATE_WINDOW_SECONDS: z.coerce
    .number()
    .int()
    .positive()
    .default(7 * 24 * 3600),
  /** The synthetic example facilities by default (the demo); point it at your own file. */
  FACILITY_MAPPINGS_FILE: file.default(
    fileURLToPath(new URL("../config/facilities.example.json", import.meta.url)),
  ),
  /**
   * `database` (default): the facilities table (edited on the dashboard, reloaded without a
   * restart; filled from FACILITY_MAPPINGS_FILE on a new database), and feed operations (counts,
   * connections, silent-feed alarms, the exceptions browser). `file`: FACILITY_MAPPINGS_FILE alone,
   * read at start, no database and no feed operations.
   */
  FACILITY_SOURCE: z.enum(["database", "file"]).default("database"),
  /** How often the facilities are read again even without a NOTIFY (a missed one is caught up). */
  FACILITY_RELOAD_SECONDS: count(60),
  /** How often message counts and connection states are written for feed operations. */
  FEED_STATS_FLUSH_SECONDS: z.coerce.number().positive().max(300).default(10),
  /** How often silent feeds are looked for (and resend requests, besides their NOTIFY). */
  FEED_CHECK_SECONDS: z.coerce.number().positive().max(3600).default(60),
  /** Consumer group copying adt.rejected.v1 and adt.unmatched.v1 into the exceptions browser. */
  FEED_EXCEPTIONS_GROUP_ID: z.string().min(1).default("homeward-feed-exceptions"),
  /** Refused and unmatched messages (PHI) are kept this long for the browser, then deleted. */
  FEED_EXCEPTION_RETENTION_DAYS: count(30),
  /** Message counts and closed connections are kept this long. */
  FEED_STATS_RETENTION_DAYS: count(35),
  /** Sender of silent-feed emails to a facility's interface contact (over SMTP_URL). */
  MAIL_FROM: z.string().min(3).default("Homeward feeds <feeds@homeward.local>"),
  /** The dashboard, for the link to feed operations in silent-feed emails. */
  PUBLIC_BASE_URL: z.url().default("http://127.0.0.1:8080"),
  /** Our identity in ACKs (MSH-3/MSH-4); empty: echo the sender's MSH-5/MSH-6. */
  ACK_SENDING_APPLICATION: z.string().default("HOMEWARD"),
  ACK_SENDING_FACILITY: z.string().default("HOMEWARD"),
  OPS_HOST: z.string().default("127.0.0.1"),
  OPS_PORT: z.coerce.number().int().min(0).max(65535).default(9464),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace"]).default("info"),
});

export type ListenerEnv = z.output<typeof ListenerEnv>;

/** The message limits the MLLP_MAX_* settings give (see `MLLP_MAX_SEGMENTS`). */
export function messageLimits(env: ListenerEnv): Hl7Limits {
  return {
    maxSegments: env.MLLP_MAX_SEGMENTS,
    maxFieldsPerSegment: env.MLLP_MAX_FIELDS,
    maxRepetitions: env.MLLP_MAX_REPETITIONS,
    maxComponents: env.MLLP_MAX_COMPONENTS,
    maxSubcomponents: env.MLLP_MAX_SUBCOMPONENTS,
    maxFieldBytes: env.MLLP_MAX_FIELD_BYTES ?? env.MLLP_MAX_FRAME_BYTES,
  };
}

export function loadListenerEnv(env: Readonly<Record<string, string | undefined>>) {
  const parsed = parseEnv(
    ListenerEnv.refine(
      (e) => e.MLLP_TLS_PORT === undefined || (e.MLLP_TLS_CERT_FILE && e.MLLP_TLS_KEY_FILE),
      {
        message: "MLLP_TLS_PORT needs MLLP_TLS_CERT_FILE and MLLP_TLS_KEY_FILE",
        path: ["MLLP_TLS_PORT"],
      },
    )
      // Without a CA the server never asks for a certificate, so "required" would refuse every client.
      .refine((e) => !e.MLLP_TLS_REQUIRE_CLIENT_CERT || e.MLLP_TLS_CLIENT_CA_FILE !== undefined, {
        message: "MLLP_TLS_REQUIRE_CLIENT_CERT needs MLLP_TLS_CLIENT_CA_FILE",
        path: ["MLLP_TLS_REQUIRE_CLIENT_CERT"],
      })
      // Reserved slots come out of MLLP_MAX_CONNECTIONS; some must be left for everyone else.
      .refine(
        (e) =>
          e.MLLP_RESERVED_CONNECTIONS_PER_SOURCE * e.MLLP_ALLOWED_SOURCES.length < e.MLLP_MAX_CONNECTIONS,
        {
          message:
            "MLLP_RESERVED_CONNECTIONS_PER_SOURCE times the MLLP_ALLOWED_SOURCES entries must be below MLLP_MAX_CONNECTIONS",
          path: ["MLLP_RESERVED_CONNECTIONS_PER_SOURCE"],
        },
      ),
    env,
  );
  return { ...parsed, stack: stackSettingsFromEnv(parsed) };
}
