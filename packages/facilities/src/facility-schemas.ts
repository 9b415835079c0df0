import { FacilityMapping, FacilityMappingsFile } from "@homeward/contracts";
import { z } from "zod";

const Clock = z.string().regex(/^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$/, "a time as HH:MM (00:00 to 24:00)");

/**
 * When a facility's feed is expected to send: these weekdays (0 Sunday … 6 Saturday), from `start`
 * to `end` in the facility's time zone (the mapping's `timeZone`). A hospital's ADT feed usually
 * sends at all hours; a clinic's registration system only in its opening hours.
 */
export const ExpectedHours = z
  .strictObject({
    days: z.array(z.number().int().min(0).max(6)).min(1).max(7),
    start: Clock,
    end: Clock,
  })
  .refine((h) => h.start < h.end, { message: "start must be before end", path: ["end"] });
export type ExpectedHours = z.infer<typeof ExpectedHours>;

/**
 * The silent-feed alarm of one facility: after `silenceMinutes` without a message within its
 * expected hours, its interface contact is told once by email, and the alarm clears when messages
 * resume. No `silenceMinutes`: not watched.
 */
export const FeedWatch = z.strictObject({
  /** The hospital's interface analyst or team mailbox. */
  interfaceContactEmail: z.email().max(320).nullable().default(null),
  silenceMinutes: z.number().int().min(5).max(10_080).nullable().default(null),
  /** Null: messages are expected at all hours. */
  expectedHours: ExpectedHours.nullable().default(null),
});
export type FeedWatch = z.infer<typeof FeedWatch>;
export type FeedWatchInput = z.input<typeof FeedWatch>;

/** What an admin writes to create or change a facility: its mapping, whether it is live, its alarm. */
export const FacilityInput = z.strictObject({
  /** A FacilityMapping v1, exactly as one entry of the facility mappings file. */
  mapping: z.unknown(),
  active: z.boolean().default(true),
  watch: FeedWatch.default({ interfaceContactEmail: null, silenceMinutes: null, expectedHours: null }),
});
export type FacilityInput = z.input<typeof FacilityInput>;

/** A facility as stored. */
export interface Facility {
  id: string;
  mapping: FacilityMapping;
  active: boolean;
  watch: FeedWatch;
  /** Bumped by every change; an update names the version it was made on. */
  version: number;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
  updatedBy: string;
}

function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else out += out === "" ? String(part) : `.${String(part)}`;
  }
  return out === "" ? "(mapping)" : out;
}

/** A mapping checked, or every problem as `field: message`. */
export type MappingCheck = { ok: true; mapping: FacilityMapping } | { ok: false; problems: string[] };

/**
 * Checks one mapping with the schema of the facility mappings file itself (as the only entry of a
 * file), so the screen, the API and the file refuse exactly the same things, cross-field rules
 * included (`allowedApplications` only on an entry without `sendingApplication`). Problems name the
 * field (`timeZone: "US/Eastrn" is not an IANA time zone`).
 */
export function checkFacilityMapping(input: unknown): MappingCheck {
  const result = FacilityMappingsFile.safeParse({ schemaVersion: 1, facilities: [input] });
  if (result.success) {
    const [mapping] = result.data.facilities;
    if (mapping !== undefined) return { ok: true, mapping };
  }
  const issues = result.success ? [] : result.error.issues;
  return {
    ok: false,
    problems: issues.map((issue) => {
      const [, , ...rest] = issue.path;
      return `${issue.path[0] === "facilities" ? formatPath(rest) : formatPath(issue.path)}: ${issue.message}`;
    }),
  };
}

/** Re-checks a stored mapping (a row written by an older version, or by hand) before the listener uses it. */
export function parseStoredMapping(value: unknown): FacilityMapping | undefined {
  const checked = FacilityMapping.safeParse(value);
  return checked.success ? checked.data : undefined;
}
