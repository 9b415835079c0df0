import type { Readable } from "node:stream";
import { notifyReferenceChanged, type Pool, type PoolClient } from "@homeward/db";
import {
  type ColumnPlan,
  EmptyFieldWatch,
  emptyFieldsReason,
  type FieldChecks,
  type FieldMapping,
  fieldsToWatch,
  normalizeColumnName,
  planColumns,
} from "./column-mapping.ts";
import { readCsvRecords, type UnreadableCell } from "./csv-records.ts";
import {
  finishImportRun,
  type ImportCounts,
  lockImportSource,
  MAX_STORED_ERRORS,
  type RowError,
  startImportRun,
  storeRowErrors,
} from "./import-runs-store.ts";
import { rosterFieldChecks } from "./presets.ts";
import { REFERENCE_FIELD_CHECKS } from "./reference-presets.ts";
import { ReferenceKind } from "./reference-rows.ts";
import { RosterKind } from "./roster-row.ts";
import type { StageRowOf, StageTable } from "./staging-store.ts";

export interface ImportProgress {
  phase: "reading" | "merging" | "done";
  /** Data rows read so far (header excluded). */
  rowsRead: number;
  /** Bytes of the file consumed so far, for a bar against the file size. */
  bytesRead: number;
}

export interface ImportReport extends ImportCounts {
  /** The `import_runs` row. */
  runId: string;
  status: "completed" | "rejected";
  dryRun: boolean;
  /** Patients a roster created (always 0 for reference lists: they never create patients). */
  patientsCreated: number;
  /** Rows refused (a row can carry several errors). */
  rejectedRows: number;
  /** The first `maxReportedErrors` errors in line order. */
  errors: RowError[];
  /** Header columns the mapping ignores. */
  unmappedColumns: string[];
  /** Why the whole file was refused (status `rejected`), or what the import chose not to do. */
  message?: string;
}

/** A mistake in how an import was called (unknown organization, preset or date): nothing was started. */
export class RosterImportError extends Error {
  override name = "RosterImportError";
}

/** Counts every error, keeps the first `MAX_STORED_ERRORS` for storage and the report. */
export class ErrorLog {
  count = 0;
  readonly kept: RowError[] = [];
  add(e: RowError): void {
    this.count++;
    if (this.kept.length < MAX_STORED_ERRORS) this.kept.push(e);
  }
  sorted(): RowError[] {
    return [...this.kept].sort((a, b) => a.line - b.line);
  }
}

/** What the merge step of an import did. */
export interface MergeOutcome {
  valid: number;
  inserted: number;
  updated: number;
  ended: number;
  unchanged: number;
  patientsCreated: number;
  /** Rows the set-based steps refused after reading (duplicates, unknown patients…), already in the log. */
  lateRejected: number;
  /** Something the report should say although the file was taken (e.g. why nothing was deactivated). */
  note?: string;
}

/** What is the same for every CSV import: the run record, the CSV, the mapping, staging, dry run, NOTIFY. */
export interface CsvImportSpec<F extends string, C extends string> {
  pool: Pool;
  input: Readable;
  run: {
    /** `import_runs.kind`. */
    kind: string;
    source: string;
    organizationId: string | null;
    fileName: string | null;
    preset: string;
    asOf: string;
    dryRun: boolean;
  };
  /** Imports with the same key wait for each other (a transaction-scoped advisory lock). */
  lockKey: string;
  required: readonly F[];
  mapping: FieldMapping<F>;
  /** Defaults that come from the call (the importing organization's code), under the mapping's own. */
  contextDefaults: Partial<Record<F, string>>;
  stage: StageTable<C>;
  /** Refuses a header the mapping fits but the kind cannot use (why, for the whole file), beyond `required`. */
  checkPlan?: (plan: ColumnPlan<F>) => string | undefined;
  /** Validates one record: its errors and what to stage. */
  checkRow(
    plan: ColumnPlan<F>,
    line: number,
    cells: readonly string[],
  ): { errors: RowError[]; stage?: StageRowOf<C> };
  /** Merges the stage into the reference tables, inside the import's transaction. */
  merge(
    client: PoolClient,
    ctx: { runId: string; plan: ColumnPlan<F>; errors: ErrorLog; rejectedRows: number },
  ): Promise<MergeOutcome>;
  /**
   * Fields the caller knows the file leaves empty (names of the kind's fields, any spelling):
   * without this, a field the matcher relies on or a column that looks like a field but is not
   * mapped refuses the whole file (see `FieldChecks`).
   */
  allowMissing?: readonly string[] | undefined;
  onProgress?: ((progress: ImportProgress) => void) | undefined;
  maxReportedErrors?: number | undefined;
  batchSize?: number | undefined;
}

const PROGRESS_EVERY = 5_000;

/**
 * Runs one CSV import: records the run, streams and validates every row (a bad row becomes a row
 * error with line, column, value and reason, never an abort), stages the good rows in batches,
 * then merges them in one transaction under the spec's lock. A dry run does all of it and rolls
 * back; a real one NOTIFYs `homeward_reference` on commit, so every matcher reloads its index.
 */
export async function runCsvImport<F extends string, C extends string>(
  spec: CsvImportSpec<F, C>,
): Promise<ImportReport> {
  const { pool, input, run } = spec;
  const maxReported = spec.maxReportedErrors ?? 100;
  const checks = fieldChecksOf(run.kind) as FieldChecks<F> | undefined;
  const allowMissing = allowedMissing(checks, spec.allowMissing ?? []);
  const runId = await startImportRun(pool, run);

  const errors = new ErrorLog();
  let read = 0;
  let rejectedRows = 0;
  let bytesRead = 0;
  let plan: ColumnPlan<F> | undefined;
  let watch: EmptyFieldWatch<F> | undefined;
  let rowsWithCells = 0;
  let rejection: string | undefined;
  const report = (phase: ImportProgress["phase"]) => spec.onProgress?.({ phase, rowsRead: read, bytesRead });

  const client = await pool.connect();
  let merged: MergeOutcome = {
    valid: 0,
    inserted: 0,
    updated: 0,
    ended: 0,
    unchanged: 0,
    patientsCreated: 0,
    lateRejected: 0,
  };
  try {
    await client.query("BEGIN");
    await lockImportSource(client, spec.lockKey);
    await spec.stage.create(client);
    const stage = spec.stage.writer(client, spec.batchSize ?? 5_000);
    for await (const record of readCsvRecords(input)) {
      if (record.kind === "header") {
        const planned = planColumns(spec.required, spec.mapping, record.cells, spec.contextDefaults);
        let refused = planned.ok ? spec.checkPlan?.(planned.plan) : planned.reason;
        if (planned.ok && refused === undefined && checks !== undefined) {
          watch = new EmptyFieldWatch(planned.plan, fieldsToWatch(planned.plan, checks, allowMissing));
          const empty = watch.withoutColumn();
          if (empty.length > 0) refused = emptyFieldsReason(planned.plan, spec.mapping, empty);
        }
        if (!planned.ok || refused !== undefined) {
          rejection = refused;
          input.destroy();
          break;
        }
        plan = planned.plan;
        continue;
      }
      read++;
      bytesRead = Math.max(bytesRead, record.bytes);
      if (read % PROGRESS_EVERY === 0) report("reading");
      if (record.kind === "broken") {
        rejectedRows++;
        errors.add({ line: record.line, column: null, value: null, reason: record.reason });
        continue;
      }
      if (plan === undefined) continue;
      rowsWithCells++;
      watch?.see(record.cells);
      const result = spec.checkRow(plan, record.line, record.cells);
      const unreadable = record.unreadable;
      const rowErrors =
        unreadable === undefined ? result.errors : unreadableErrors(record.line, unreadable, result.errors);
      if (rowErrors.length > 0) {
        rejectedRows++;
        for (const e of rowErrors) errors.add(e);
      }
      // A row with an unreadable cell is refused, but staged for what it names (a patient not to end).
      if (result.stage !== undefined)
        await stage.add(unreadable === undefined ? result.stage : { ...result.stage, valid: false });
    }
    if (plan === undefined && rejection === undefined) rejection = "the file has no header row";
    const stillEmpty = rowsWithCells > 0 ? (watch?.stillEmpty() ?? []) : [];
    if (plan !== undefined && rejection === undefined && stillEmpty.length > 0)
      rejection = emptyFieldsReason(plan, spec.mapping, stillEmpty);
    if (rejection !== undefined || plan === undefined) {
      await client.query("ROLLBACK");
    } else {
      await stage.flush();
      report("merging");
      await client.query(`ANALYZE ${spec.stage.name}`);
      merged = await spec.merge(client, { runId, plan, errors, rejectedRows });
      rejectedRows += merged.lateRejected;
      // The NOTIFY is delivered at COMMIT (and dropped by a dry run's ROLLBACK): matchers reload.
      if (!run.dryRun) await notifyReferenceChanged(client);
      await client.query(run.dryRun ? "ROLLBACK" : "COMMIT");
    }
  } catch (err) {
    await client.query("ROLLBACK").catch(() => {});
    client.release();
    await finishImportRun(pool, runId, {
      status: "failed",
      read,
      valid: 0,
      inserted: 0,
      updated: 0,
      ended: 0,
      unchanged: 0,
      errorCount: errors.count,
      message: err instanceof Error ? err.message : String(err),
    }).catch(() => {});
    throw err;
  }
  client.release();

  const status = rejection === undefined ? "completed" : "rejected";
  await storeRowErrors(pool, runId, errors.kept);
  const totals: ImportCounts = {
    read,
    valid: merged.valid,
    inserted: merged.inserted,
    updated: merged.updated,
    ended: merged.ended,
    unchanged: merged.unchanged,
    errorCount: errors.count,
  };
  const message = rejection ?? merged.note;
  await finishImportRun(pool, runId, { status, ...totals, message: message ?? null });
  report("done");
  return {
    runId,
    status,
    dryRun: run.dryRun,
    ...totals,
    patientsCreated: merged.patientsCreated,
    rejectedRows,
    errors: errors.sorted().slice(0, maxReported),
    unmappedColumns: plan?.unmapped ?? [],
    ...(message === undefined ? {} : { message }),
  };
}

/** What each kind must say of every row beyond its required columns, by `import_runs.kind`. */
function fieldChecksOf(kind: string): FieldChecks<string> | undefined {
  const roster = RosterKind.safeParse(kind);
  if (roster.success) return rosterFieldChecks(roster.data);
  const reference = ReferenceKind.safeParse(kind);
  return reference.success ? REFERENCE_FIELD_CHECKS[reference.data] : undefined;
}

/** `allowMissing` as the kind's field names (`birth_date` = `birthDate`); an unknown name is a calling mistake. */
function allowedMissing<F extends string>(
  checks: FieldChecks<F> | undefined,
  names: readonly string[],
): Set<F> {
  const byName = new Map((checks?.fields ?? []).map((f) => [normalizeColumnName(f), f]));
  const allowed = new Set<F>();
  for (const name of names) {
    const field = byName.get(normalizeColumnName(name));
    if (field === undefined)
      throw new RosterImportError(
        `allow-missing names no field of this import: ${name} (fields: ${[...byName.values()].join(", ")})`,
      );
    allowed.add(field);
  }
  return allowed;
}

/** A row's unreadable cells as its first errors; the row's own errors about those cells (now blank) are dropped. */
function unreadableErrors(
  line: number,
  cells: readonly UnreadableCell[],
  rowErrors: readonly RowError[],
): RowError[] {
  const columns = new Set(cells.map((c) => c.column));
  return [
    ...cells.map((c) => ({ line, column: c.column, value: null, reason: c.reason })),
    ...rowErrors.filter((e) => e.column === null || !columns.has(e.column)),
  ];
}
