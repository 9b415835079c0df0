import type { SqlClient } from "./sql-client.ts";

/** One refused row: where, which column as the file names it, the value as sent, and why. */
export interface RowError {
  line: number;
  /** `null` when the whole line is at fault (a broken quote, a wrong number of fields). */
  column: string | null;
  value: string | null;
  reason: string;
}

/** How many refused rows a run keeps in `import_row_errors` (the count is always exact). */
export const MAX_STORED_ERRORS = 10_000;

/**
 * Holds the transaction-scoped advisory lock of `key` (one import of a source at a time), until the
 * import's transaction commits or rolls back.
 */
export async function lockImportSource(db: SqlClient, key: string): Promise<void> {
  await db.query("SELECT pg_advisory_xact_lock(hashtext($1))", [key]);
}

export async function startImportRun(
  db: SqlClient,
  run: {
    kind: string;
    source: string;
    organizationId: string | null;
    fileName: string | null;
    preset: string | null;
    asOf: string;
    dryRun: boolean;
  },
): Promise<string> {
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO import_runs (kind, source, organization_id, file_name, preset, as_of, dry_run)
     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id::text`,
    [run.kind, run.source, run.organizationId, run.fileName, run.preset, run.asOf, run.dryRun],
  );
  const id = rows[0]?.id;
  if (id === undefined) throw new Error("import_runs insert returned no id");
  return id;
}

/** What an import did to the rows, as the run record and the report both give it. */
export interface ImportCounts {
  /** Data rows read, header excluded. */
  read: number;
  /** Rows that passed validation and were merged. */
  valid: number;
  inserted: number;
  updated: number;
  ended: number;
  unchanged: number;
  errorCount: number;
}

export interface RunOutcome extends ImportCounts {
  status: "completed" | "rejected" | "failed";
  message: string | null;
}

export async function finishImportRun(db: SqlClient, runId: string, outcome: RunOutcome): Promise<void> {
  await db.query(
    `UPDATE import_runs SET status = $2, finished_at = now(), rows_read = $3, rows_valid = $4, inserted = $5,
            updated = $6, ended = $7, unchanged = $8, error_count = $9, message = $10
      WHERE id = $1`,
    [
      runId,
      outcome.status,
      outcome.read,
      outcome.valid,
      outcome.inserted,
      outcome.updated,
      outcome.ended,
      outcome.unchanged,
      outcome.errorCount,
      outcome.message,
    ],
  );
}

/** Stores the first `MAX_STORED_ERRORS` errors of a run, in line order, a few thousand per statement. */
export async function storeRowErrors(
  db: SqlClient,
  runId: string,
  errors: readonly RowError[],
): Promise<void> {
  const sorted = [...errors].sort((a, b) => a.line - b.line).slice(0, MAX_STORED_ERRORS);
  for (let i = 0; i < sorted.length; i += 2000) {
    const batch = sorted.slice(i, i + 2000);
    await db.query(
      `INSERT INTO import_row_errors (import_run_id, line, column_name, value, reason)
       SELECT $1, * FROM unnest($2::int[], $3::text[], $4::text[], $5::text[])`,
      [
        runId,
        batch.map((e) => e.line),
        batch.map((e) => e.column),
        batch.map((e) => e.value),
        batch.map((e) => e.reason),
      ],
    );
  }
}
