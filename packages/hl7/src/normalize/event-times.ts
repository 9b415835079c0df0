import type { AdtEventKind, OccurredAtSource } from "@homeward/contracts";
import type { Hl7Error } from "../errors.ts";
import type { Hl7Segment } from "../message.ts";
import { parseHl7Time } from "./hl7-time.ts";

/** A time read from a field: absent, an instant, or a data-type error to NAK with. */
export type TimeRead = { ok: true; iso: string | undefined } | { ok: false; error: Hl7Error };

const ABSENT: TimeRead = Object.freeze({ ok: true, iso: undefined });

/**
 * Reads the TS/DTM at `segment-field` (component 1; the v2.3 TS "degree of precision" component is
 * ignored) in the facility's zone. A malformed value is a 102 at that field rather than "absent": a
 * silently dropped admit time would make occurredAt fall back to a later, wrong time.
 */
export function readTime(
  segment: Hl7Segment | undefined,
  field: number,
  zone: string,
  repetition = 1,
): TimeRead {
  const value = segment?.readText(field, repetition, 1, 1);
  if (segment === undefined || value === undefined) return ABSENT;
  const parsed = parseHl7Time(value, zone);
  if (parsed.ok) return parsed; // its iso is what a TimeRead carries; not copied on this hot path
  return {
    ok: false,
    error: {
      code: "102",
      text: `${segment.name}-${field} is not a valid date/time: ${parsed.reason}`,
      location: { segment: segment.name, sequence: segment.sequence, field },
    },
  };
}

/** Kinds whose PV1-44 admit time is when they happened. */
const ADMIT_KINDS: ReadonlySet<AdtEventKind> = new Set(["ed-arrival", "inpatient-admit", "registration"]);
/** Kinds whose PV1-45 discharge time is when they happened. */
const DISCHARGE_KINDS: ReadonlySet<AdtEventKind> = new Set(["ed-discharge", "discharge"]);

export interface EventTimes {
  readonly occurredAt: string;
  readonly occurredAtSource: OccurredAtSource;
  readonly recordedAt: string;
  readonly admittedAt: string | undefined;
  readonly dischargedAt: string | undefined;
}

/**
 * When it happened and when it was recorded.
 * - occurredAt: EVN-6 (event occurred), else PV1-44 for arrivals and admits or PV1-45 for discharges,
 *   else EVN-2 (recorded), else MSH-7. PV1-44 is not used for other kinds: on a transfer or an update
 *   it is the original admit time, not this event's.
 * - recordedAt: EVN-2, else MSH-7; one of them is required (101 at MSH-7).
 */
export function readEventTimes(
  { msh, evn, pv1 }: Record<"msh" | "evn" | "pv1", Hl7Segment | undefined>,
  kind: AdtEventKind,
  zone: string,
): { ok: true; times: EventTimes } | { ok: false; error: Hl7Error } {
  // All five are read, in this order, even when an earlier one decides: a malformed value is a 102
  // wherever it is.
  const evn6 = readTime(evn, 6, zone);
  if (!evn6.ok) return evn6;
  const pv144 = readTime(pv1, 44, zone);
  if (!pv144.ok) return pv144;
  const pv145 = readTime(pv1, 45, zone);
  if (!pv145.ok) return pv145;
  const evn2 = readTime(evn, 2, zone);
  if (!evn2.ok) return evn2;
  const msh7 = readTime(msh, 7, zone);
  if (!msh7.ok) return msh7;

  const recordedSource: OccurredAtSource | undefined =
    evn2.iso !== undefined ? "EVN-2" : msh7.iso !== undefined ? "MSH-7" : undefined;
  const recordedAt = evn2.iso ?? msh7.iso;
  if (recordedSource === undefined || recordedAt === undefined) {
    return {
      ok: false,
      error: {
        code: "101",
        text: "Required field MSH-7 (date/time of message) is missing and EVN-2 is empty",
        location: { segment: "MSH", sequence: 1, field: 7 },
      },
    };
  }
  let occurredAtSource: OccurredAtSource = recordedSource;
  let occurredAt = recordedAt;
  if (evn6.iso !== undefined) {
    occurredAtSource = "EVN-6";
    occurredAt = evn6.iso;
  } else if (ADMIT_KINDS.has(kind) && pv144.iso !== undefined) {
    occurredAtSource = "PV1-44";
    occurredAt = pv144.iso;
  } else if (DISCHARGE_KINDS.has(kind) && pv145.iso !== undefined) {
    occurredAtSource = "PV1-45";
    occurredAt = pv145.iso;
  }
  return {
    ok: true,
    times: {
      occurredAt,
      occurredAtSource,
      recordedAt,
      admittedAt: pv144.iso,
      dischargedAt: pv145.iso,
    },
  };
}
