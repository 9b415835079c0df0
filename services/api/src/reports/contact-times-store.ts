import type { Pool } from "@homeward/db";

/** The moments a task is timed between, besides its contact (which the follow-up rows carry). */
export interface ContactTimings {
  /** The earliest attempt recorded on the task (`tasks.first_attempt_at`). */
  firstAttemptAt: Date | null;
  openedAt: Date;
  /** The first alert about the task's event that went out to the task's organization; null if none did. */
  alertSentAt: Date | null;
}

/**
 * For each task: its first attempt, its opening, and the first alert sent for its event to its
 * organization: the earliest `sent_at` of a delivery with purpose `alert` and status `sent` for the
 * announcement that opened the task (`deliveries.match_id = tasks.trigger_match_id`), whoever in
 * the organization it went to. The tasks themselves are the follow-up measure's (loadFollowUpTasks).
 */
export async function loadContactTimings(
  pool: Pool,
  taskIds: readonly string[],
): Promise<Map<string, ContactTimings>> {
  const { rows } = await pool.query<ContactTimings & { taskId: string }>(
    `SELECT t.id AS "taskId", t.first_attempt_at AS "firstAttemptAt", t.opened_at AS "openedAt",
            (SELECT min(d.sent_at) FROM deliveries d
              WHERE d.match_id = t.trigger_match_id AND d.organization_id = t.organization_id
                AND d.purpose = 'alert' AND d.status = 'sent') AS "alertSentAt"
       FROM tasks t WHERE t.id = ANY($1::text[])`,
    [[...taskIds]],
  );
  return new Map(rows.map(({ taskId, ...timings }) => [taskId, timings]));
}
