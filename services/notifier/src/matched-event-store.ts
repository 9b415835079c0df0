import type { MatchedEvent } from "@homeward/contracts";
import type { NoTaskReason } from "@homeward/protocols";
import type { Tx } from "./notifier-store.ts";

/**
 * Keeps an announcement as the organization's care team will read it on the event page: the whole
 * record, and why it opened no task when it opened none. The same record handled twice keeps the
 * first row (the match id is derived from the event and the practice).
 */
export async function recordMatchedEvent(
  tx: Tx,
  matched: MatchedEvent,
  noTaskReason: NoTaskReason | undefined,
): Promise<void> {
  await tx.query(
    `INSERT INTO matched_events (match_id, organization_id, patient_id, event_id, event_kind, facility,
                                 visit_number, occurred_at, copy, record, no_task_reason)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
     ON CONFLICT (match_id) DO NOTHING`,
    [
      matched.matchId,
      matched.practice.organizationId,
      matched.patientId,
      matched.event.eventId,
      matched.event.kind,
      matched.encounter.facility,
      matched.encounter.visitNumber,
      matched.event.occurredAt,
      matched.enrollment?.copy ?? "lead",
      JSON.stringify(matched),
      noTaskReason ?? null,
    ],
  );
}

/** Marks the announcement a retraction takes back, with the hospital's reason. */
export async function markRetracted(tx: Tx, matchId: string, reason: string): Promise<void> {
  await tx.query(
    `UPDATE matched_events SET retracted_at = coalesce(retracted_at, now()), retraction_reason = $2
      WHERE match_id = $1`,
    [matchId, reason],
  );
}

/**
 * An inpatient admission (not an observation stay, not retracted) of the patient that the practice
 * was told of, on `fromDay` or within `withinDays` days after it in `timeZone`: the earliest, with its
 * day and kind. For an ED visit announced after the admission it led to (feeds from two hospitals
 * keep no order between them), so its follow-up opens already excluded.
 */
export async function admissionWithin(
  tx: Tx,
  where: {
    organizationId: string;
    patientId: string;
    timeZone: string;
    fromDay: string;
    withinDays: number;
    /** The visit's own time: an admission before it (a discharge's index admission) is not a later one. */
    notBefore: Date;
  },
): Promise<{ day: string; kind: string; trigger: string } | undefined> {
  const { rows } = await tx.query<{ day: string; kind: string; trigger: string }>(
    `SELECT to_char((occurred_at AT TIME ZONE $3)::date, 'YYYY-MM-DD') AS day, event_kind AS kind,
            record #>> '{event,trigger}' AS trigger
       FROM matched_events
      WHERE organization_id = $1 AND patient_id = $2 AND retracted_at IS NULL
        AND event_kind IN ('inpatient-admit', 'ed-to-inpatient', 'outpatient-to-inpatient')
        AND coalesce((record #>> '{event,flags,isObservation}')::boolean, false) = false
        AND occurred_at >= $4::date - interval '1 day'
        AND (occurred_at AT TIME ZONE $3)::date BETWEEN $4::date AND $4::date + $5::int
        AND occurred_at >= $6::timestamptz
      ORDER BY occurred_at LIMIT 1`,
    [where.organizationId, where.patientId, where.timeZone, where.fromDay, where.withinDays, where.notBefore],
  );
  return rows[0];
}
