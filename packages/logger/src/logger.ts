import { type DestinationStream, type Logger, pino } from "pino";

export type { Logger };

/** Field names that carry patient data or message bodies anywhere we log. */
const PHI_KEYS = [
  "patient",
  "patients",
  "patientName",
  "name",
  "givenName",
  "familyName",
  "birthDate",
  "dob",
  "dateOfBirth",
  "sex",
  "address",
  "phone",
  "ssn",
  "mrn",
  "memberId",
  "identifier",
  "identifiers",
  "diagnoses",
  "insurances",
  "raw",
  "body",
  "hl7",
  "payload",
  "html",
  "emailText",
];

/**
 * Redaction paths for pino: each PHI key at the top level and up to two levels down
 * (`{ event: { patient } }`, `{ ctx: { record: { raw } } }`). pino's redaction is path-based,
 * so depth is explicit; code that logs deeper than that should log ids, not objects.
 */
export const PHI_REDACT_PATHS: readonly string[] = PHI_KEYS.flatMap((k) => [k, `*.${k}`, `*.*.${k}`]);

export interface LoggerOptions {
  /** Service or component name, e.g. "adt-listener". */
  service: string;
  level?: string;
  /** Where to write; stdout when omitted. Tests pass a stream to read what was logged. */
  destination?: DestinationStream;
}

/**
 * A pino logger whose output never carries PHI: patient fields and message bodies are
 * replaced by "[REDACTED]" wherever they appear in a logged object (see PHI_REDACT_PATHS).
 * Log ids (event id, control id, task id), never the things they identify.
 */
export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      level: options.level ?? "info",
      redact: { paths: [...PHI_REDACT_PATHS], censor: "[REDACTED]" },
      base: { service: options.service },
    },
    options.destination ?? pino.destination({ dest: 1, sync: false }),
  );
}
