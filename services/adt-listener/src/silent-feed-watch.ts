import type { Pool } from "@homeward/db";
import {
  claimAlarmNotice,
  clearSilentAlarm,
  openSilentAlarm,
  recordAlarmNotice,
  type WatchedFacility,
  watchedFacilities,
} from "@homeward/facilities";
import type { Logger } from "@homeward/logger";
import { DateTime } from "luxon";
import type { Gauge } from "prom-client";
import type { FeedMailer } from "./feed-mailer.ts";
import { silenceDecision } from "./silent-feed.ts";

/** An alarm's email is tried this many times (once per check), then left to the dashboard. */
const MAX_NOTICE_ATTEMPTS = 5;

export interface SilentFeedWatchOptions {
  pool: Pool;
  mailer: FeedMailer;
  /** `homeward_feed_silent{facility}`: 1 while the facility's alarm is open (configured facilities only). */
  gauge: Gauge<"facility">;
  /** The dashboard's address, for the link in the email. */
  dashboardUrl: string;
  now: () => Date;
  logger: Logger;
}

export interface SilentFeedReport {
  opened: string[];
  cleared: string[];
  notified: string[];
}

/**
 * The silent-feed alarm: each check opens an alarm for every watched facility that has sent
 * nothing for its threshold within its expected hours (silent-feed.ts), emails its interface
 * contact once (retried at later checks if the mail relay refused), and clears the alarm when
 * messages resume. Several listeners may check at once: the database lets one open each alarm and
 * one send each email. The clock is injected, so tests step through a silence.
 */
export class SilentFeedWatch {
  constructor(private readonly options: SilentFeedWatchOptions) {}

  async check(): Promise<SilentFeedReport> {
    const { pool, logger } = this.options;
    const now = this.options.now();
    const report: SilentFeedReport = { opened: [], cleared: [], notified: [] };
    const silent = new Map<string, boolean>();
    for (const f of await watchedFacilities(pool)) {
      const decision = silenceDecision({
        now,
        lastMessageAt: f.lastMessageAt,
        createdAt: f.createdAt,
        silenceMinutes: f.watch.silenceMinutes,
        expectedHours: f.watch.expectedHours,
        timeZone: f.timeZone,
        openAlarm: f.openAlarm,
      });
      let open = f.openAlarm !== null;
      if (decision === "open") {
        const id = await openSilentAlarm(pool, {
          facilityId: f.facilityId,
          openedAt: now,
          lastMessageAt: f.lastMessageAt,
          contactEmail: f.watch.interfaceContactEmail,
        });
        open = true;
        if (id !== undefined) {
          report.opened.push(f.sendingFacility);
          logger.warn({ facility: f.sendingFacility, alarmId: id }, "feed silent: alarm opened");
          if (await this.#notify(f, id, 0, now)) report.notified.push(f.sendingFacility);
        }
      } else if (decision === "clear" && f.openAlarm !== null) {
        await clearSilentAlarm(pool, f.openAlarm.id, { at: now, messageAt: f.lastMessageAt });
        open = false;
        report.cleared.push(f.sendingFacility);
        logger.info(
          { facility: f.sendingFacility, alarmId: f.openAlarm.id },
          "feed sending again: alarm cleared",
        );
      } else if (
        f.openAlarm !== null &&
        f.openAlarm.notifiedAt === null &&
        f.openAlarm.notifyAttempts < MAX_NOTICE_ATTEMPTS
      ) {
        if (await this.#notify(f, f.openAlarm.id, f.openAlarm.notifyAttempts, now))
          report.notified.push(f.sendingFacility);
      }
      silent.set(f.sendingFacility, (silent.get(f.sendingFacility) ?? false) || open);
    }
    this.options.gauge.reset();
    for (const [facility, isSilent] of silent) this.options.gauge.set({ facility }, isSilent ? 1 : 0);
    return report;
  }

  /** Emails the contact, if the facility has one and this listener wins the attempt. */
  async #notify(f: WatchedFacility, alarmId: string, attempts: number, now: Date): Promise<boolean> {
    const to = f.openAlarm?.contactEmail ?? f.watch.interfaceContactEmail;
    if (to === null) return false;
    if (!(await claimAlarmNotice(this.options.pool, alarmId, attempts))) return false;
    try {
      await this.options.mailer.send({ to, ...silentFeedEmail(f, now, this.options.dashboardUrl) });
      await recordAlarmNotice(this.options.pool, alarmId, { at: now });
      return true;
    } catch (err) {
      const reason = err instanceof Error ? err.message.slice(0, 300) : "mail not sent";
      this.options.logger.warn(
        { facility: f.sendingFacility, alarmId, err },
        "silent-feed email not sent; retried at the next check",
      );
      await recordAlarmNotice(this.options.pool, alarmId, { at: now, error: reason });
      return false;
    }
  }
}

/** The email: which feed, since when (in the facility's zone), what to check. No patient data. */
export function silentFeedEmail(f: WatchedFacility, now: Date, dashboardUrl: string) {
  const name = f.displayName ? `${f.displayName} (${f.sendingFacility})` : f.sendingFacility;
  const local = (d: Date) =>
    DateTime.fromJSDate(d, { zone: f.timeZone }).toFormat("ccc d LLL yyyy, HH:mm ZZZZ");
  const hours = f.watch.expectedHours;
  const days = hours?.days.map((d) => ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"][d]).join(", ");
  return {
    subject: `Homeward: no ADT messages from ${name} for ${f.watch.silenceMinutes} minutes`,
    text: [
      `Homeward has received no HL7 messages from ${name}${f.sendingApplication ? ` (MSH-3 ${f.sendingApplication})` : ""} for at least ${f.watch.silenceMinutes} minutes.`,
      "",
      `Last message: ${f.lastMessageAt === null ? "none received yet" : local(f.lastMessageAt)}`,
      `Checked:      ${local(now)}`,
      `Expected:     ${hours === null ? "at all hours" : `${days}, ${hours.start}–${hours.end} (${f.timeZone})`}`,
      "",
      "Please check the interface engine's outbound connection and queue for this feed. This alarm clears by",
      "itself when messages arrive again; you will not be emailed again for this silence.",
      "",
      `Feed operations: ${new URL("/admin/feeds", dashboardUrl).href}`,
    ].join("\n"),
  };
}
