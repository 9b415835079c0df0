import type { Pool } from "@homeward/db";
import type { FeedWatch } from "./facility-schemas.ts";

/**
 * The owner of `feed_alarms`: a facility that went silent within its expected hours. One open alarm
 * per facility (a unique index), so of several listeners checking at once only one opens it and
 * sends the email.
 */

type Db = Pick<Pool, "query">;

/** An active facility with a silence threshold, what it last sent, and its open alarm. */
export interface WatchedFacility {
  facilityId: string;
  sendingFacility: string;
  sendingApplication: string | null;
  displayName: string | null;
  timeZone: string;
  watch: FeedWatch & { silenceMinutes: number };
  createdAt: Date;
  /** The last message from it (any answer), null when it never sent one. */
  lastMessageAt: Date | null;
  openAlarm: {
    id: string;
    openedAt: Date;
    /** The last message before the silence: a later one clears the alarm. */
    lastMessageAt: Date | null;
    contactEmail: string | null;
    notifiedAt: Date | null;
    notifyAttempts: number;
  } | null;
}

export async function watchedFacilities(db: Db): Promise<WatchedFacility[]> {
  const { rows } = await db.query<{
    id: string;
    sending_facility: string;
    sending_application: string | null;
    display_name: string | null;
    time_zone: string;
    interface_contact_email: string | null;
    silence_minutes: number;
    expected_hours: FeedWatch["expectedHours"];
    created_at: Date;
    last_message_at: Date | null;
    alarm_id: string | null;
    opened_at: Date | null;
    alarm_last_message_at: Date | null;
    contact_email: string | null;
    notified_at: Date | null;
    notify_attempts: number | null;
  }>(
    `SELECT f.id::text, f.sending_facility, f.sending_application, f.mapping->>'displayName' AS display_name,
            f.mapping->>'timeZone' AS time_zone, f.interface_contact_email, f.silence_minutes, f.expected_hours,
            f.created_at,
            (SELECT max(s.last_message_at) FROM feed_message_stats s
              WHERE s.sending_facility = f.sending_facility
                AND (f.sending_application IS NULL OR s.sending_application = f.sending_application)) AS last_message_at,
            a.id::text AS alarm_id, a.opened_at, a.last_message_at AS alarm_last_message_at, a.contact_email,
            a.notified_at, a.notify_attempts
       FROM facilities f
       LEFT JOIN feed_alarms a ON a.facility_id = f.id AND a.kind = 'silent' AND a.cleared_at IS NULL
      WHERE f.active AND f.silence_minutes IS NOT NULL
      ORDER BY f.id`,
  );
  return rows.map((r) => ({
    facilityId: r.id,
    sendingFacility: r.sending_facility,
    sendingApplication: r.sending_application,
    displayName: r.display_name,
    timeZone: r.time_zone,
    watch: {
      interfaceContactEmail: r.interface_contact_email,
      silenceMinutes: r.silence_minutes,
      expectedHours: r.expected_hours,
    },
    createdAt: r.created_at,
    lastMessageAt: r.last_message_at,
    openAlarm:
      r.alarm_id === null || r.opened_at === null
        ? null
        : {
            id: r.alarm_id,
            openedAt: r.opened_at,
            lastMessageAt: r.alarm_last_message_at,
            contactEmail: r.contact_email,
            notifiedAt: r.notified_at,
            notifyAttempts: r.notify_attempts ?? 0,
          },
  }));
}

/** Opens the facility's silent alarm; undefined when one is open already (another listener won). */
export async function openSilentAlarm(
  db: Db,
  alarm: { facilityId: string; openedAt: Date; lastMessageAt: Date | null; contactEmail: string | null },
): Promise<string | undefined> {
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO feed_alarms (facility_id, kind, opened_at, last_message_at, contact_email)
     VALUES ($1, 'silent', $2, $3, $4)
     ON CONFLICT (facility_id, kind) WHERE cleared_at IS NULL DO NOTHING RETURNING id::text`,
    [alarm.facilityId, alarm.openedAt, alarm.lastMessageAt, alarm.contactEmail],
  );
  return rows[0]?.id;
}

/**
 * Takes the next attempt to email the contact of an alarm not yet notified: true for the one
 * listener whose claim matched `attempts` (the count it read), so two never send the same email.
 */
export async function claimAlarmNotice(db: Db, alarmId: string, attempts: number): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE feed_alarms SET notify_attempts = notify_attempts + 1
      WHERE id = $1 AND notify_attempts = $2 AND notified_at IS NULL AND cleared_at IS NULL`,
    [alarmId, attempts],
  );
  return rowCount === 1;
}

/** Records how a claimed attempt went: sent (`error` absent) or failed, with why (no PHI). */
export async function recordAlarmNotice(
  db: Db,
  alarmId: string,
  outcome: { at: Date; error?: string },
): Promise<void> {
  await db.query(
    `UPDATE feed_alarms SET notified_at = CASE WHEN $3::text IS NULL THEN $2 ELSE notified_at END, notify_error = $3
      WHERE id = $1`,
    [alarmId, outcome.at, outcome.error ?? null],
  );
}

/** Clears an open alarm: the facility sent again at `messageAt`. */
export async function clearSilentAlarm(
  db: Db,
  alarmId: string,
  cleared: { at: Date; messageAt: Date | null },
): Promise<void> {
  await db.query(
    `UPDATE feed_alarms SET cleared_at = $2, cleared_by_message_at = $3 WHERE id = $1 AND cleared_at IS NULL`,
    [alarmId, cleared.at, cleared.messageAt],
  );
}

export interface FeedAlarm {
  id: string;
  facilityId: string;
  sendingFacility: string;
  displayName: string | null;
  openedAt: string;
  lastMessageAt: string | null;
  contactEmail: string | null;
  notifiedAt: string | null;
  notifyAttempts: number;
  notifyError: string | null;
  clearedAt: string | null;
  clearedByMessageAt: string | null;
}

/** Open alarms and those opened since `since`, newest first. */
export async function listFeedAlarms(db: Db, since: Date): Promise<FeedAlarm[]> {
  const { rows } = await db.query<FeedAlarm>(
    `SELECT a.id::text, a.facility_id::text AS "facilityId", f.sending_facility AS "sendingFacility",
            f.mapping->>'displayName' AS "displayName", a.opened_at AS "openedAt", a.last_message_at AS "lastMessageAt",
            a.contact_email AS "contactEmail", a.notified_at AS "notifiedAt", a.notify_attempts AS "notifyAttempts",
            a.notify_error AS "notifyError", a.cleared_at AS "clearedAt", a.cleared_by_message_at AS "clearedByMessageAt"
       FROM feed_alarms a JOIN facilities f ON f.id = a.facility_id
      WHERE a.cleared_at IS NULL OR a.opened_at >= $1
      ORDER BY a.opened_at DESC, a.id DESC LIMIT 200`,
    [since],
  );
  const iso = (v: unknown) => (v instanceof Date ? v.toISOString() : (v as string | null));
  return rows.map((r) => ({
    ...r,
    openedAt: iso(r.openedAt) as string,
    lastMessageAt: iso(r.lastMessageAt),
    notifiedAt: iso(r.notifiedAt),
    clearedAt: iso(r.clearedAt),
    clearedByMessageAt: iso(r.clearedByMessageAt),
  }));
}
