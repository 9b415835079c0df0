import type { Pool } from "@homeward/db";

/**
 * Reads of the audit log (written through @homeward/audit: by `recordPatientAccess` /
 * `recordAdminAction` in audit.ts, by the matcher and by the demo's history): who read or changed
 * what, newest first, limited to the organizations the caller administers.
 */

export interface AccessLogFilter {
  /** null: every organization's rows and those of no organization (a system admin). */
  organizationIds: readonly string[] | null;
  patientId?: string | undefined;
  /** `user:<id>`, `matcher`, `notifier`… */
  actor?: string | undefined;
  /** A signed-in user's e-mail, any case. */
  userEmail?: string | undefined;
  action?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
}

export interface AccessLogRow {
  id: string;
  at: string;
  actor: string;
  /** The user's e-mail when the actor is a signed-in user. */
  actorName: string | null;
  action: string;
  subjectType: string;
  subjectId: string;
  organizationId: string | null;
  organizationName: string | null;
  detail: unknown;
}

const WHERE = `($1::bigint[] IS NULL OR a.organization_id = ANY($1::bigint[]))
   AND ($2::text IS NULL OR (a.subject_type = 'patient' AND a.subject_id = $2))
   AND ($3::text IS NULL OR a.actor = $3) AND ($4::text IS NULL OR a.action = $4)
   AND ($5::timestamptz IS NULL OR a.at >= $5) AND ($6::timestamptz IS NULL OR a.at < $6)
   AND ($7::text IS NULL OR lower(u.email) = lower($7))`;
const FROM = "FROM audit_log a LEFT JOIN users u ON a.actor = 'user:' || u.id::text";

const params = (f: AccessLogFilter) => [
  f.organizationIds,
  f.patientId ?? null,
  f.actor ?? null,
  f.action ?? null,
  f.from ?? null,
  f.to ?? null,
  f.userEmail ?? null,
];

/** One page of the log, newest first, and how many rows match in all. */
export async function readAccessLog(
  pool: Pool,
  filter: AccessLogFilter,
  page: { limit: number; offset: number },
): Promise<{ items: AccessLogRow[]; total: number }> {
  const [{ rows }, count] = await Promise.all([
    pool.query<{
      id: string;
      at: Date;
      actor: string;
      email: string | null;
      action: string;
      subject_type: string;
      subject_id: string;
      organization_id: string | null;
      organization_name: string | null;
      detail: unknown;
    }>(
      `SELECT a.id::text, a.at, a.actor, u.email, a.action, a.subject_type, a.subject_id,
              a.organization_id::text, o.name AS organization_name, a.detail
         ${FROM} LEFT JOIN organizations o ON o.id = a.organization_id
        WHERE ${WHERE}
        ORDER BY a.at DESC, a.id DESC LIMIT $8 OFFSET $9`,
      [...params(filter), page.limit, page.offset],
    ),
    pool.query<{ n: number }>(`SELECT count(*)::int AS n ${FROM} WHERE ${WHERE}`, params(filter)),
  ]);
  return {
    items: rows.map((r) => ({
      id: r.id,
      at: r.at.toISOString(),
      actor: r.actor,
      actorName: r.email,
      action: r.action,
      subjectType: r.subject_type,
      subjectId: r.subject_id,
      organizationId: r.organization_id,
      organizationName: r.organization_name,
      detail: r.detail,
    })),
    total: count.rows[0]?.n ?? 0,
  };
}

/** The actions recorded in these organizations' rows, for the screen's filter. */
export async function accessLogActions(
  pool: Pool,
  organizationIds: readonly string[] | null,
): Promise<string[]> {
  const { rows } = await pool.query<{ action: string }>(
    `SELECT DISTINCT action FROM audit_log
      WHERE $1::bigint[] IS NULL OR organization_id = ANY($1::bigint[]) ORDER BY action`,
    [organizationIds],
  );
  return rows.map((r) => r.action);
}
