import type { Pool } from "@homeward/db";

/**
 * The owner of `feed_message_stats`, `feed_error_counts` and `feed_connections`: what each feed
 * sent, per facility, connection and hour, and which connections are open. The listener adds
 * counts every few seconds (increments, so several listeners add up); the api reads them.
 */

type Db = Pick<Pool, "query">;

/** The answers one facility's messages got on one connection in one hour, since the last flush. */
export interface FeedCount {
  sendingFacility: string;
  sendingApplication: string;
  listenerId: string;
  remoteAddress: string;
  /** The start of the hour (UTC). */
  hour: Date;
  /** AA (or CA), including resends of messages already stored. */
  accepted: number;
  /** AE (or CE): the message itself is wrong; the sender must not resend it as is. */
  errors: number;
  /** AR (or CR): refused (unknown facility, application, version…) or "resend later". */
  rejected: number;
  firstMessageAt: Date;
  lastMessageAt: Date;
  /** ERR-3 codes of the AE/AR answers, with the text of the latest of each. */
  errorCodes: readonly { code: string; text: string; count: number }[];
}

/** Adds counts (one statement per table, whatever the number of rows). */
export async function addFeedCounts(db: Db, counts: readonly FeedCount[]): Promise<void> {
  if (counts.length === 0) return;
  await db.query(
    `INSERT INTO feed_message_stats AS s (sending_facility, sending_application, listener_id, remote_address, hour,
                                          accepted, errors, rejected, first_message_at, last_message_at)
     SELECT f, a, l, r, h, acc, err, rej, first_at, last_at
       FROM jsonb_to_recordset($1::jsonb)
         AS x(f text, a text, l text, r text, h timestamptz, acc int, err int, rej int, first_at timestamptz, last_at timestamptz)
     ON CONFLICT (sending_facility, sending_application, listener_id, remote_address, hour) DO UPDATE
        SET accepted = s.accepted + excluded.accepted, errors = s.errors + excluded.errors,
            rejected = s.rejected + excluded.rejected,
            first_message_at = least(s.first_message_at, excluded.first_message_at),
            last_message_at = greatest(s.last_message_at, excluded.last_message_at)`,
    [
      JSON.stringify(
        counts.map((c) => ({
          f: c.sendingFacility,
          a: c.sendingApplication,
          l: c.listenerId,
          r: c.remoteAddress,
          h: c.hour.toISOString(),
          acc: c.accepted,
          err: c.errors,
          rej: c.rejected,
          first_at: c.firstMessageAt.toISOString(),
          last_at: c.lastMessageAt.toISOString(),
        })),
      ),
    ],
  );
  const errors = counts.flatMap((c) =>
    c.errorCodes.map((e) => ({
      f: c.sendingFacility,
      a: c.sendingApplication,
      l: c.listenerId,
      r: c.remoteAddress,
      h: c.hour.toISOString(),
      code: e.code,
      text: e.text,
      n: e.count,
    })),
  );
  if (errors.length === 0) return;
  await db.query(
    `INSERT INTO feed_error_counts AS s (sending_facility, sending_application, listener_id, remote_address, hour,
                                         error_code, error_text, count)
     SELECT f, a, l, r, h, code, text, n
       FROM jsonb_to_recordset($1::jsonb) AS x(f text, a text, l text, r text, h timestamptz, code text, text text, n int)
     ON CONFLICT (sending_facility, sending_application, listener_id, remote_address, hour, error_code) DO UPDATE
        SET count = s.count + excluded.count, error_text = excluded.error_text`,
    [JSON.stringify(errors)],
  );
}

/** One MLLP connection of a listener process, once it has sent a message. */
export interface FeedConnectionState {
  connectionId: string;
  listenerId: string;
  remoteAddress: string;
  tls: boolean;
  clientCertificateSubject?: string;
  /** MSH-4 and MSH-3 of the latest message on it. */
  sendingFacility: string;
  sendingApplication: string;
  openedAt: Date;
  lastMessageAt: Date;
  /** Messages on it so far (a total, not an increment). */
  messages: number;
  closedAt?: Date;
}

/**
 * Writes the state of a listener process's connections that changed, and marks every connection of
 * the process still open as seen at `seenAt`: an open row not seen for a while belongs to a
 * listener that stopped without closing it, and no longer counts as connected.
 */
export async function recordConnections(
  db: Db,
  listenerInstance: string,
  changed: readonly FeedConnectionState[],
  seenAt: Date,
): Promise<void> {
  if (changed.length > 0) {
    await db.query(
      `INSERT INTO feed_connections AS c (listener_instance, connection_id, listener_id, remote_address, tls,
                                         client_certificate_subject, sending_facility, sending_application,
                                         opened_at, last_message_at, messages, seen_at, closed_at)
       SELECT $1, id, l, r, tls, cert, f, a, opened, last_at, n, $2, closed
         FROM jsonb_to_recordset($3::jsonb)
           AS x(id text, l text, r text, tls boolean, cert text, f text, a text, opened timestamptz,
                last_at timestamptz, n int, closed timestamptz)
       ON CONFLICT (listener_instance, connection_id) DO UPDATE
          SET sending_facility = excluded.sending_facility, sending_application = excluded.sending_application,
              last_message_at = excluded.last_message_at, messages = excluded.messages,
              seen_at = excluded.seen_at, closed_at = excluded.closed_at`,
      [
        listenerInstance,
        seenAt.toISOString(),
        JSON.stringify(
          changed.map((c) => ({
            id: c.connectionId,
            l: c.listenerId,
            r: c.remoteAddress,
            tls: c.tls,
            cert: c.clientCertificateSubject ?? null,
            f: c.sendingFacility,
            a: c.sendingApplication,
            opened: c.openedAt.toISOString(),
            last_at: c.lastMessageAt.toISOString(),
            n: c.messages,
            closed: c.closedAt?.toISOString() ?? null,
          })),
        ),
      ],
    );
  }
  await db.query(
    "UPDATE feed_connections SET seen_at = $2 WHERE listener_instance = $1 AND closed_at IS NULL",
    [listenerInstance, seenAt.toISOString()],
  );
}

/** Closes what a stopping listener process still has open. */
export async function closeListenerConnections(db: Db, listenerInstance: string, at: Date): Promise<void> {
  await db.query(
    "UPDATE feed_connections SET closed_at = $2 WHERE listener_instance = $1 AND closed_at IS NULL",
    [listenerInstance, at.toISOString()],
  );
}

/** Drops counts and closed connections older than `before` (the listener calls it now and then). */
export async function purgeFeedStats(db: Db, before: Date): Promise<void> {
  const at = before.toISOString();
  await db.query("DELETE FROM feed_message_stats WHERE hour < $1", [at]);
  await db.query("DELETE FROM feed_error_counts WHERE hour < $1", [at]);
  await db.query("DELETE FROM feed_connections WHERE closed_at < $1 OR seen_at < $1", [at]);
}
