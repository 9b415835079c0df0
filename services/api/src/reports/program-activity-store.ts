import type { Pool } from "@homeward/db";
import type { ActivityRow } from "./program-schemas.ts";

/** Whose activity, and when. */
export interface ActivityFilter {
  /** Organization ids the caller may read; undefined = all (system admin only). */
  scope: readonly string[] | undefined;
  /** First and last day (`YYYY-MM-DD`, inclusive), in each organization's zone. */
  from: string;
  to: string;
  /** Only tasks of this program (the task's own program, as the alert opened it). */
  program?: string | undefined;
}

/**
 * Care-manager activity per week (Monday to Sunday in the organization's zone) on the organization's
 * tasks, each item credited to the person who recorded it:
 * - attempts: every attempt recorded on a task (task_history `attempt`, whatever its result), at
 *   the time the care manager gave for it (`detail.at`, an attempt entered late) else when recorded;
 * - contacts: tasks whose patient was reached in the week (tasks.contacted_at; rows from before
 *   contact times existed: completed_at of a completion `reached_patient`), one per task, credited to
 *   who recorded the first "reached" attempt or completion, else who completed the task;
 * - completed tasks: tasks completed in the week (any outcome), credited to who completed them.
 * A user linked to a recipient (a care manager) is named as the recipient; another user by e-mail.
 * Weeks are clipped to the period: the first and last may hold fewer days.
 */
export async function loadActivity(pool: Pool, filter: ActivityFilter): Promise<ActivityRow[]> {
  const { rows } = await pool.query<ActivityRow>(
    `WITH orgs AS (
       SELECT o.id, o.name, o.time_zone FROM organizations o
        WHERE ($1::bigint[] IS NULL OR o.id = ANY($1::bigint[]))
     ), scoped AS (
       SELECT t.id, t.organization_id, t.status, t.outcome, t.completed_at, t.completed_by, t.contacted_at
         FROM tasks t
        WHERE t.organization_id IN (SELECT id FROM orgs) AND ($4::text IS NULL OR t.program = $4)
     ), items AS (
       SELECT s.organization_id AS org_id, h.actor, a.at, 'attempt' AS kind
         FROM scoped s
         JOIN task_history h ON h.task_id = s.id AND h.action = 'attempt'
         CROSS JOIN LATERAL (SELECT coalesce((h.detail ->> 'at')::timestamptz, h.at) AS at) a
        WHERE a.at >= $2::date - interval '2 days' AND a.at < $3::date + interval '2 days'
       UNION ALL
       SELECT s.organization_id, coalesce(reached.actor, s.completed_by),
              coalesce(s.contacted_at, s.completed_at), 'contact'
         FROM scoped s
         LEFT JOIN LATERAL (
           SELECT h.actor FROM task_history h
            WHERE h.task_id = s.id AND h.action IN ('attempt', 'completed')
              AND h.detail ->> 'outcome' = 'reached_patient'
            ORDER BY coalesce((h.detail ->> 'at')::timestamptz, h.at), h.id LIMIT 1) reached ON true
        WHERE (s.contacted_at IS NOT NULL OR (s.status = 'completed' AND s.outcome = 'reached_patient'))
          AND coalesce(s.contacted_at, s.completed_at) >= $2::date - interval '2 days'
          AND coalesce(s.contacted_at, s.completed_at) < $3::date + interval '2 days'
       UNION ALL
       SELECT s.organization_id, s.completed_by, s.completed_at, 'completed'
         FROM scoped s
        WHERE s.status = 'completed'
          AND s.completed_at >= $2::date - interval '2 days' AND s.completed_at < $3::date + interval '2 days'
     ), local AS (
       SELECT i.org_id, i.actor, i.kind, (i.at AT TIME ZONE o.time_zone)::date AS day
         FROM items i JOIN orgs o ON o.id = i.org_id
     ), people AS (
       SELECT l.*, coalesce('recipient:' || r.id::text, l.actor, 'unknown') AS person_key,
              coalesce(r.display_name, u.email, l.actor, 'Not recorded') AS person
         FROM local l
         LEFT JOIN users u ON l.actor = 'user:' || u.id::text
         LEFT JOIN recipients r ON r.id = u.recipient_id
        WHERE l.day BETWEEN $2::date AND $3::date
     )
     SELECT p.org_id::text AS "organizationId", o.name AS "organizationName",
            to_char(date_trunc('week', p.day::timestamp), 'YYYY-MM-DD') AS "weekStart",
            p.person_key AS "careManagerKey", min(p.person) AS "careManager",
            (count(*) FILTER (WHERE p.kind = 'attempt'))::int AS attempts,
            (count(*) FILTER (WHERE p.kind = 'contact'))::int AS contacts,
            (count(*) FILTER (WHERE p.kind = 'completed'))::int AS "completedTasks"
       FROM people p JOIN orgs o ON o.id = p.org_id
      GROUP BY p.org_id, o.name, date_trunc('week', p.day::timestamp), p.person_key
      ORDER BY o.name, p.org_id, 3, min(p.person), p.person_key`,
    [filter.scope === undefined ? null : [...filter.scope], filter.from, filter.to, filter.program ?? null],
  );
  return rows;
}
