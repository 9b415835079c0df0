import type { AdtEventKind, DeliveryChannel } from "@homeward/contracts";
import { DateTime } from "luxon";

type Tier = "I" | "II" | "III";

/** First rule whose event kinds and tiers match picks the channels (a missing list matches all). */
export interface ChannelRule {
  eventKinds?: readonly AdtEventKind[];
  riskTiers?: readonly Tier[];
  channels: readonly DeliveryChannel[];
}

/** A recipient as the notifier plans for them: addresses and preferences, never the patient. */
export interface RecipientProfile {
  recipientId: string;
  organizationId: string;
  role: "care_manager" | "pcp" | "supervisor";
  email?: string;
  pagerId?: string;
  timeZone: string;
  active: boolean;
  channelRules: readonly ChannelRule[];
  emailMode: "realtime" | "digest";
  /** Local hour of the daily digest. */
  digestHour: number;
  /** Local "HH:MM" window; may wrap midnight (22:00–07:00). */
  quietHours?: { start: string; end: string };
  pagePriorityOneInQuietHours: boolean;
}

/**
 * Without preferences a recipient gets every alert by email and, for Priority I patients (immediate
 * danger), a page as well: the case-study programme paged on every transition of its sickest patients.
 */
export const DEFAULT_CHANNEL_RULES: readonly ChannelRule[] = [
  { riskTiers: ["I"], channels: ["email", "pager"] },
  { channels: ["email"] },
];

export interface PlannedSend {
  recipientId: string;
  channel: DeliveryChannel;
  /** queued: now; scheduled: a page waiting out quiet hours; held: an email waiting for the digest. */
  status: "queued" | "scheduled" | "held";
  sendAfter?: Date;
}

/**
 * Decides, for one recipient of one alert, which channels and when: the first matching channel rule,
 * only channels the person can be reached on, monitor copies by email only (a page is for the team
 * that acts), pages held until quiet hours end unless Priority I may page through, and emails held
 * for the daily digest when the recipient asked for one (Priority I always goes out in real time).
 */
export function planSends(
  recipient: RecipientProfile,
  alert: { eventKind: AdtEventKind; riskTier?: Tier | undefined; copy: "lead" | "monitor" },
  now: Date,
): PlannedSend[] {
  if (!recipient.active) return [];
  const rules = recipient.channelRules.length > 0 ? recipient.channelRules : DEFAULT_CHANNEL_RULES;
  const rule = rules.find(
    (r) =>
      (r.eventKinds === undefined || r.eventKinds.includes(alert.eventKind)) &&
      (r.riskTiers === undefined || (alert.riskTier !== undefined && r.riskTiers.includes(alert.riskTier))),
  );
  const sends: PlannedSend[] = [];
  const priorityOne = alert.riskTier === "I";
  for (const channel of new Set(rule?.channels ?? [])) {
    if (channel === "email" && recipient.email !== undefined) {
      if (recipient.emailMode === "digest" && !priorityOne) {
        sends.push({
          recipientId: recipient.recipientId,
          channel,
          status: "held",
          sendAfter: nextDigestAt(recipient, now),
        });
      } else {
        sends.push({ recipientId: recipient.recipientId, channel, status: "queued" });
      }
    }
    if (channel === "pager" && recipient.pagerId !== undefined && alert.copy === "lead") {
      const quiet = recipient.quietHours;
      const pageThrough = priorityOne && recipient.pagePriorityOneInQuietHours;
      if (quiet !== undefined && !pageThrough && inQuietHours(now, recipient.timeZone, quiet)) {
        const sendAfter = nextLocalTime(now, recipient.timeZone, quiet.end);
        sends.push({ recipientId: recipient.recipientId, channel, status: "scheduled", sendAfter });
      } else {
        sends.push({ recipientId: recipient.recipientId, channel, status: "queued" });
      }
    }
  }
  return sends;
}

const minutesOf = (hhmm: string): number => {
  const [h, m] = hhmm.split(":").map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
};

/** Whether `now` falls in the local window [start, end), which may wrap past midnight. */
export function inQuietHours(now: Date, timeZone: string, window: { start: string; end: string }): boolean {
  const local = DateTime.fromJSDate(now, { zone: timeZone });
  const minute = local.hour * 60 + local.minute;
  const start = minutesOf(window.start);
  const end = minutesOf(window.end);
  if (start === end) return false;
  return start < end ? minute >= start && minute < end : minute >= start || minute < end;
}

/** The next instant strictly after `now` at local wall time `hhmm` in `timeZone` (DST-safe via luxon). */
export function nextLocalTime(now: Date, timeZone: string, hhmm: string): Date {
  const local = DateTime.fromJSDate(now, { zone: timeZone });
  const minutes = minutesOf(hhmm);
  let at = local.startOf("day").set({ hour: Math.floor(minutes / 60), minute: minutes % 60 });
  if (at <= local) at = at.plus({ days: 1 }).set({ hour: Math.floor(minutes / 60), minute: minutes % 60 });
  return at.toJSDate();
}

/** When the recipient's next daily digest goes out. */
export function nextDigestAt(recipient: Pick<RecipientProfile, "timeZone" | "digestHour">, now: Date): Date {
  return nextLocalTime(now, recipient.timeZone, `${String(recipient.digestHour).padStart(2, "0")}:00`);
}
