import type { Pool } from "@homeward/db";

/**
 * Reads of the import runs (import_runs, import_row_errors, written by @homeward/rosters' imports):
 * the upload history and each run's row-error report, with who uploaded from the audit log.
 */

export interface ImportRunRow {
  id: string;
  kind: string;
  source: string;
  organizationId: string | null;
  organizationName: string | null;
  fileName: string | null;
  preset: string | null;
  asOf: string;
  dryRun: boolean;
  status: string;
  startedAt: string;
  finishedAt: string | null;
  read: number;
  valid: number;
  inserted: number;
  updated: number;
  ended: number;
  unchanged: number;
  errorCount: number;
  message: string | null;
  /** The e-mail of the user whose upload started the run (null for the CLI or the demo seed). */
  uploadedBy: string | null;
}

export interface RowError {
  line: number;
  column: string | null;
  value: string | null;
  reason: string;
}

const SELECT = `SELECT r.id::text, r.kind, r.source, r.organization_id::text AS "organizationId", o.name AS "organizationName",
                       r.file_name AS "fileName", r.preset, to_char(r.as_of, 'YYYY-MM-DD') AS "asOf", r.dry_run AS "dryRun",
                       r.status, r.started_at AS "startedAt", r.finished_at AS "finishedAt", r.rows_read AS read,
                       r.rows_valid AS valid, r.inserted, r.updated, r.ended, r.unchanged, r.error_count AS "errorCount",
                       r.message,
                       (SELECT u.email FROM audit_log a JOIN users u ON a.actor = 'user:' || u.id::text
                         WHERE a.subject_type = 'import_run' AND a.subject_id = r.id::text ORDER BY a.id LIMIT 1)
                         AS "uploadedBy"
                  FROM import_runs r LEFT JOIN organizations o ON o.id = r.organization_id`;

type Row = Omit<ImportRunRow, "startedAt" | "finishedAt"> & { startedAt: Date; finishedAt: Date | null };
const toRun = (r: Row): ImportRunRow => ({
  ...r,
  startedAt: r.startedAt.toISOString(),
  finishedAt: r.finishedAt?.toISOString() ?? null,
});

/**
 * Runs of these organizations (every run, system-wide ones included, when null), newest first, and
 * how many there are in all.
 */
export async function listImportRuns(
  pool: Pool,
  filter: { organizationIds: readonly string[] | null; kind?: string | undefined },
  page: { limit: number; offset: number },
): Promise<{ items: ImportRunRow[]; total: number }> {
  const where = `($1::bigint[] IS NULL OR r.organization_id = ANY($1::bigint[])) AND ($2::text IS NULL OR r.kind = $2)`;
  const params = [filter.organizationIds, filter.kind ?? null];
  const [{ rows }, count] = await Promise.all([
    pool.query<Row>(`${SELECT} WHERE ${where} ORDER BY r.started_at DESC, r.id DESC LIMIT $3 OFFSET $4`, [
      ...params,
      page.limit,
      page.offset,
    ]),
    pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM import_runs r WHERE ${where}`, params),
  ]);
  return { items: rows.map(toRun), total: count.rows[0]?.n ?? 0 };
}

export async function findImportRun(pool: Pool, id: string): Promise<ImportRunRow | undefined> {
  const { rows } = await pool.query<Row>(`${SELECT} WHERE r.id = $1`, [id]);
  const row = rows[0];
  return row === undefined ? undefined : toRun(row);
}

/** A run's refused rows by line (at most `limit`; the run counts them all). */
export async function listRowErrors(pool: Pool, runId: string, limit: number): Promise<RowError[]> {
  const { rows } = await pool.query<RowError>(
    `SELECT line, column_name AS "column", value, reason FROM import_row_errors
      WHERE import_run_id = $1 ORDER BY line, id LIMIT $2`,
    [runId, limit],
  );
  return rows;
}
