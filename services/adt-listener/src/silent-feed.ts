import type { ExpectedHours } from "@homeward/facilities";
import { DateTime } from "luxon";

/** What the silent-feed check should do about one facility now. */
export type SilenceDecision = "open" | "clear" | "none";

export interface SilenceFacts {
  now: Date;
  /** The facility's last message (any answer), null when it never sent one. */
  lastMessageAt: Date | null;
  /** When the facility was created: a new feed is silent from then on, not from the epoch. */
  createdAt: Date;
  silenceMinutes: number;
  expectedHours: ExpectedHours | null;
  /** The facility mapping's time zone: expected hours are the hospital's wall-clock hours. */
  timeZone: string;
  /** The open alarm, with the last message before the silence it is about. */
  openAlarm: { lastMessageAt: Date | null } | null;
}

const minutesOf = (clock: string) => {
  const [h = "0", m = "0"] = clock.split(":");
  return Number(h) * 60 + Number(m);
};

/**
 * Where `at` falls in the expected hours: the start of the window it is in (the hospital's
 * wall-clock start today, as an instant; luxon does the zone and DST arithmetic), or undefined
 * outside them. With no expected hours, messages are expected at all times and there is no start.
 */
export function expectedWindowStart(
  at: Date,
  hours: ExpectedHours | null,
  timeZone: string,
): Date | null | undefined {
  if (hours === null) return null;
  const local = DateTime.fromJSDate(at, { zone: timeZone });
  const weekday = local.weekday % 7; // luxon: Monday 1 … Sunday 7; ours: Sunday 0 … Saturday 6
  const minute = local.hour * 60 + local.minute;
  if (!hours.days.includes(weekday)) return undefined;
  const start = minutesOf(hours.start);
  if (minute < start || minute >= minutesOf(hours.end)) return undefined;
  return local.startOf("day").plus({ minutes: start }).toJSDate();
}

/**
 * The silent-feed rule. An open alarm clears as soon as a message came after the one it was opened
 * on (whatever the hour). Otherwise, within the expected hours, the feed is silent once
 * `silenceMinutes` have passed since its last message (or its creation), counting only from the
 * start of today's window: a clinic feed quiet all night is not "silent" at 07:01.
 */
export function silenceDecision(f: SilenceFacts): SilenceDecision {
  if (f.openAlarm !== null) {
    const before = f.openAlarm.lastMessageAt;
    const resumed = f.lastMessageAt !== null && (before === null || f.lastMessageAt > before);
    return resumed ? "clear" : "none";
  }
  const windowStart = expectedWindowStart(f.now, f.expectedHours, f.timeZone);
  if (windowStart === undefined) return "none";
  let since = (f.lastMessageAt ?? f.createdAt).getTime();
  if (windowStart !== null) since = Math.max(since, windowStart.getTime());
  return f.now.getTime() - since >= f.silenceMinutes * 60_000 ? "open" : "none";
}
