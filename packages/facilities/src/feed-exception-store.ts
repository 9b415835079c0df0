import type { AdtEvent, RejectedAdtRecord, UnmatchedEvent } from "@homeward/contracts";
import { inTransaction, type Pool } from "@homeward/db";
import { notifyFeedChanged } from "./feed-channel.ts";

/**
 * The owner of `feed_exceptions`: messages the listener refused (adt.rejected.v1) and events the
 * matcher could not match (adt.unmatched.v1, no-match and review), copied from Kafka by the
 * listener for the interface analysts' browser, with what was done about each (handled, or sent
 * again after the mapping was fixed). Listing never returns the message itself; only
 * `feedExceptionContent` does, for the role allowed to see raw HL7.
 */

type Db = Pick<Pool, "query">;

/** Where a record was read from: its Kafka coordinates make the copy idempotent. */
export interface ExceptionSource {
  topic: string;
  partition: number;
  offset: string;
}

export type FeedExceptionStatus = "open" | "handled" | "resend_requested" | "resent" | "resend_failed";

/** One exception, without the message or the event (no PHI). */
export interface FeedException {
  id: string;
  kind: "rejected" | "unmatched";
  sendingFacility: string | null;
  sendingApplication: string | null;
  controlId: string | null;
  messageType: string | null;
  receivedAt: string;
  decidedAt: string;
  /** Rejected: the answer sent (AE/AR/CE/CR) and ERR-3. */
  ackCode: string | null;
  errorCode: string | null;
  /** For people, no patient data: the ERR text, or why the matcher matched nobody. */
  reason: string;
  unmatchedReason: "no-match" | "review" | null;
  eventId: string | null;
  eventKind: string | null;
  /** The listener kept only the start of a message too large to store: it cannot be sent again. */
  truncated: boolean;
  status: FeedExceptionStatus;
  handledAt: string | null;
  handledBy: string | null;
  handledNote: string | null;
  resendRequestedAt: string | null;
  resendRequestedBy: string | null;
  resentAt: string | null;
  resentEventId: string | null;
  resendError: string | null;
}

const COLUMNS = `id::text, kind, sending_facility AS "sendingFacility", sending_application AS "sendingApplication",
  control_id AS "controlId", message_type AS "messageType", received_at AS "receivedAt", decided_at AS "decidedAt",
  ack_code AS "ackCode", error_code AS "errorCode", reason, unmatched_reason AS "unmatchedReason",
  event_id AS "eventId", event_kind AS "eventKind", truncated_from IS NOT NULL AS truncated, status,
  handled_at AS "handledAt", handled_by AS "handledBy", handled_note AS "handledNote",
  resend_requested_at AS "resendRequestedAt", resend_requested_by AS "resendRequestedBy",
  resent_at AS "resentAt", resent_event_id AS "resentEventId", resend_error AS "resendError"`;

const DATE_FIELDS = ["receivedAt", "decidedAt", "handledAt", "resendRequestedAt", "resentAt"] as const;
function exceptionOf(row: Record<string, unknown>): FeedException {
  const out = { ...row } as Record<string, unknown>;
  for (const f of DATE_FIELDS) if (out[f] instanceof Date) out[f] = (out[f] as Date).toISOString();
  return out as unknown as FeedException;
}

/** Copies one adt.rejected.v1 record (a second copy of the same Kafka record is ignored). */
export async function recordRejected(
  db: Db,
  source: ExceptionSource,
  record: RejectedAdtRecord,
): Promise<void> {
  await db.query(
    `INSERT INTO feed_exceptions (kind, source_topic, source_partition, source_offset, sending_facility,
            sending_application, control_id, message_type, received_at, decided_at, ack_code, error_code, reason,
            raw_base64, raw_charset, truncated_from)
     VALUES ('rejected', $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
     ON CONFLICT (source_topic, source_partition, source_offset) DO NOTHING`,
    [
      source.topic,
      source.partition,
      source.offset,
      record.header.sendingFacility ?? null,
      record.header.sendingApplication ?? null,
      record.header.controlId ?? null,
      record.header.messageType ?? null,
      record.receivedAt,
      record.rejectedAt,
      record.ackCode,
      record.error.code,
      record.error.text,
      record.message.base64,
      record.message.charset ?? null,
      record.truncatedFrom ?? null,
    ],
  );
}

/**
 * Copies one adt.unmatched.v1 record. Suppressed events (consent, sensitive facility) are never
 * copied: their patients asked, or the law requires, that nobody is told; false for those.
 */
export async function recordUnmatched(
  db: Db,
  source: ExceptionSource,
  record: UnmatchedEvent,
): Promise<boolean> {
  if (record.reason === "suppressed") return false;
  const e = record.event;
  const reason =
    record.reason === "review"
      ? `held for review${record.detail ? `: ${record.detail}` : ""}`
      : (record.detail ?? "no attributed or enrolled patient matched");
  await db.query(
    `INSERT INTO feed_exceptions (kind, source_topic, source_partition, source_offset, sending_facility,
            sending_application, control_id, message_type, received_at, decided_at, reason, unmatched_reason,
            event_id, event_kind, event)
     VALUES ('unmatched', $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
     ON CONFLICT (source_topic, source_partition, source_offset) DO NOTHING`,
    [
      source.topic,
      source.partition,
      source.offset,
      e.facility.sendingFacility,
      e.facility.sendingApplication === "" ? null : e.facility.sendingApplication,
      e.controlId,
      `ADT^${e.trigger}${e.messageStructure ? `^${e.messageStructure}` : ""}`,
      e.receivedAt ?? e.recordedAt,
      record.decidedAt,
      reason,
      record.reason,
      e.eventId,
      e.kind,
      JSON.stringify(e),
    ],
  );
  return true;
}

export interface FeedExceptionFilter {
  kind?: "rejected" | "unmatched";
  /** `unhandled`: open, resend requested or failed (the default worklist). */
  status?: FeedExceptionStatus | "unhandled";
  sendingFacility?: string;
  /** Only exceptions with a smaller id (the next page). */
  before?: string;
  limit: number;
}

/** Exceptions, newest first, with the number that match the filter. */
export async function listFeedExceptions(
  db: Db,
  filter: FeedExceptionFilter,
): Promise<{ items: FeedException[]; total: number }> {
  const statuses =
    filter.status === undefined
      ? null
      : filter.status === "unhandled"
        ? ["open", "resend_requested", "resend_failed"]
        : [filter.status];
  const where = `($1::text IS NULL OR kind = $1) AND ($2::text[] IS NULL OR status = ANY($2))
                 AND ($3::text IS NULL OR sending_facility = $3)`;
  const params = [filter.kind ?? null, statuses, filter.sendingFacility ?? null];
  const [items, total] = await Promise.all([
    db.query(
      `SELECT ${COLUMNS} FROM feed_exceptions WHERE ${where} AND ($4::bigint IS NULL OR id < $4)
        ORDER BY id DESC LIMIT $5`,
      [...params, filter.before ?? null, filter.limit],
    ),
    db.query<{ n: number }>(`SELECT count(*)::int AS n FROM feed_exceptions WHERE ${where}`, params),
  ]);
  return { items: items.rows.map(exceptionOf), total: total.rows[0]?.n ?? 0 };
}

const validId = (id: string) => /^\d{1,18}$/.test(id);

export async function findFeedException(db: Db, id: string): Promise<FeedException | undefined> {
  if (!validId(id)) return undefined;
  const { rows } = await db.query(`SELECT ${COLUMNS} FROM feed_exceptions WHERE id = $1`, [id]);
  return rows[0] === undefined ? undefined : exceptionOf(rows[0]);
}

/** The message as received (rejected) or the normalized event (unmatched): PHI, for the allowed role only. */
export interface FeedExceptionContent {
  raw: { base64: string; charset: string | null; truncatedFrom: number | null } | null;
  event: AdtEvent | null;
}

export async function feedExceptionContent(db: Db, id: string): Promise<FeedExceptionContent | undefined> {
  if (!validId(id)) return undefined;
  const { rows } = await db.query<{
    raw_base64: string | null;
    raw_charset: string | null;
    truncated_from: number | null;
    event: AdtEvent | null;
  }>("SELECT raw_base64, raw_charset, truncated_from, event FROM feed_exceptions WHERE id = $1", [id]);
  const row = rows[0];
  if (row === undefined) return undefined;
  return {
    raw:
      row.raw_base64 === null
        ? null
        : { base64: row.raw_base64, charset: row.raw_charset, truncatedFrom: row.truncated_from },
    event: row.event,
  };
}

/** Marks an exception handled (nothing more to do), with an optional note; handled again is a no-op. */
export async function markFeedExceptionHandled(
  db: Db,
  id: string,
  by: { actor: string; at: Date; note: string | null },
): Promise<FeedException | undefined> {
  if (!validId(id)) return undefined;
  const { rows } = await db.query(
    `UPDATE feed_exceptions SET status = 'handled', handled_at = coalesce(handled_at, $2), handled_by = coalesce(handled_by, $3),
            handled_note = coalesce($4, handled_note)
      WHERE id = $1 RETURNING ${COLUMNS}`,
    [id, by.at, by.actor, by.note],
  );
  return rows[0] === undefined ? undefined : exceptionOf(rows[0]);
}

export type ResendRequest =
  | { ok: true; exception: FeedException }
  | { ok: false; reason: "not-found" | "truncated" | "pending" };

/**
 * Asks the listeners to send the message to the matcher again with the facility mappings in force
 * (NOTIFY "resend"; they also look for requests on a timer). A message kept truncated cannot be.
 */
export async function requestFeedExceptionResend(
  pool: Pool,
  id: string,
  by: { actor: string; at: Date },
): Promise<ResendRequest> {
  const current = await findFeedException(pool, id);
  if (current === undefined) return { ok: false, reason: "not-found" };
  if (current.truncated) return { ok: false, reason: "truncated" };
  if (current.status === "resend_requested") return { ok: false, reason: "pending" };
  return inTransaction(pool, async (tx) => {
    const { rows } = await tx.query(
      `UPDATE feed_exceptions SET status = 'resend_requested', resend_requested_at = $2, resend_requested_by = $3,
              resend_claimed_at = NULL, resend_error = NULL
        WHERE id = $1 AND status <> 'resend_requested' RETURNING ${COLUMNS}`,
      [id, by.at, by.actor],
    );
    if (rows[0] === undefined) return { ok: false as const, reason: "pending" as const };
    await notifyFeedChanged(tx, "resend");
    return { ok: true as const, exception: exceptionOf(rows[0]) };
  });
}

/** A resend request a listener has taken, with what it needs to send the message again. */
export interface ClaimedResend {
  id: string;
  kind: "rejected" | "unmatched";
  receivedAt: Date;
  raw: { base64: string; charset: string | null } | null;
  event: AdtEvent | null;
}

/**
 * Takes up to `limit` resend requests for this listener: those no one has taken, or taken more
 * than `staleSeconds` ago by a listener that stopped. Sending twice is harmless (event ids are
 * stable and every consumer is idempotent), so at-least-once is enough.
 */
export async function claimFeedResends(
  db: Db,
  options: { now: Date; limit: number; staleSeconds: number },
): Promise<ClaimedResend[]> {
  const { rows } = await db.query<{
    id: string;
    kind: "rejected" | "unmatched";
    received_at: Date;
    raw_base64: string | null;
    raw_charset: string | null;
    event: AdtEvent | null;
  }>(
    `UPDATE feed_exceptions SET resend_claimed_at = $1
      WHERE id IN (SELECT id FROM feed_exceptions
                    WHERE status = 'resend_requested'
                      AND (resend_claimed_at IS NULL OR resend_claimed_at < $1::timestamptz - make_interval(secs => $3))
                    ORDER BY resend_requested_at LIMIT $2 FOR UPDATE SKIP LOCKED)
      RETURNING id::text, kind, received_at, raw_base64, raw_charset, event`,
    [options.now, options.limit, options.staleSeconds],
  );
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    receivedAt: r.received_at,
    raw: r.raw_base64 === null ? null : { base64: r.raw_base64, charset: r.raw_charset },
    event: r.event,
  }));
}

/** What came of a resend: the event id published, or why it could not be (no patient data). */
export async function recordFeedResend(
  db: Db,
  id: string,
  outcome: { at: Date; eventId: string } | { at: Date; error: string },
): Promise<void> {
  if ("eventId" in outcome) {
    await db.query(
      `UPDATE feed_exceptions SET status = 'resent', resent_at = $2, resent_event_id = $3, resend_error = NULL
        WHERE id = $1 AND status = 'resend_requested'`,
      [id, outcome.at, outcome.eventId],
    );
  } else {
    await db.query(
      `UPDATE feed_exceptions SET status = 'resend_failed', resend_error = $2
        WHERE id = $1 AND status = 'resend_requested'`,
      [id, outcome.error],
    );
  }
}

/** Drops exceptions received before `before` (their PHI is not kept longer than it is useful). */
export async function purgeFeedExceptions(db: Db, before: Date): Promise<number> {
  const { rowCount } = await db.query("DELETE FROM feed_exceptions WHERE received_at < $1", [before]);
  return rowCount ?? 0;
}
