import type { Readable } from "node:stream";
import { type Pool, REFERENCE_CHANGED_CHANNEL } from "@homeward/db";
import { type ColumnMapping, type ColumnPlan, planColumns } from "./column-mapping.ts";
import { readCsvRecords } from "./csv-records.ts";
import { mergeEffectiveDated } from "./effective-dated-merge.ts";
import {
  finishImportRun,
  type ImportCounts,
  type RowError,
  startImportRun,
  storeRowErrors,
} from "./import-runs.ts";
import { DEFAULT_PRESET, findPreset, type RosterPresetName } from "./presets.ts";
import { loadReferenceLookup } from "./reference-lookup.ts";
import { rejectDuplicates, resolvePatients } from "./resolve-patients.ts";
import type { RosterField, RosterKind } from "./roster-row.ts";
import { checkRow, type RowCheck } from "./row-check.ts";
import type { SqlClient } from "./sql-client.ts";
import { createStage, StageWriter } from "./staging.ts";
import { parseRosterDate } from "./values.ts";

export interface ImportProgress {
  phase: "reading" | "merging" | "done";
  /** Data rows read so far (header excluded). */
  rowsRead: number;
  /** Bytes of the file consumed so far, for a bar against the file size. */
  bytesRead: number;
}

export interface ImportRosterOptions {
  pool: Pool;
  kind: RosterKind;
  /** The roster feed, e.g. `bluecare-medicaid-attribution`: re-imports of one source replace each other. */
  source: string;
  /**
   * Code of the organization sending the roster: the payer of an attribution file (default
   * authority of its member ids), the practice of a panel, the plan or practice owning an enrollment list.
   */
  organization: string;
  input: Readable;
  fileName?: string;
  /** A preset name or a custom mapping; the kind's default preset when absent. */
  mapping?: RosterPresetName | ColumnMapping;
  /** Validate and count everything, then roll back: the reference data is left as it was. */
  dryRun?: boolean;
  /** The roster's date `YYYY-MM-DD`: changes and ends take effect on it. */
  asOf: string;
  onProgress?: (progress: ImportProgress) => void;
  /** How many row errors the report carries (all are counted; the first 10,000 are stored). */
  maxReportedErrors?: number;
  /** Rows per staging INSERT. */
  batchSize?: number;
}

export interface ImportReport extends ImportCounts {
  /** The `import_runs` row. */
  runId: string;
  status: "completed" | "rejected";
  dryRun: boolean;
  patientsCreated: number;
  /** Rows refused (a row can carry several errors). */
  rejectedRows: number;
  /** The first `maxReportedErrors` errors in line order. */
  errors: RowError[];
  /** Header columns the mapping ignores. */
  unmappedColumns: string[];
  /** Why the whole file was refused (status `rejected`). */
  message?: string;
}

/** A mistake in how the import was called (unknown organization, preset or date): nothing was started. */
export class RosterImportError extends Error {
  override name = "RosterImportError";
}

const PROGRESS_EVERY = 5_000;

/**
 * Imports one roster file: streams and validates every row (a bad row becomes a row error, never
 * an abort), stages the good rows in batches, then merges them into attributions or enrollments
 * effective-dated as of `asOf` in one transaction, locked per source. The CLI and the API both call
 * this. A re-import of the same file changes nothing; a member the source no longer lists is
 * ended; a changed PCP (or enrollment detail) ends the old row and opens a new one.
 */
export async function importRoster(opts: ImportRosterOptions): Promise<ImportReport> {
  const { pool, kind, source } = opts;
  const asOf = parseRosterDate(opts.asOf);
  if (asOf === undefined || asOf !== opts.asOf)
    throw new RosterImportError(`as-of must be YYYY-MM-DD: ${opts.asOf}`);
  if (source.trim() === "") throw new RosterImportError("source must not be empty");
  const mapping =
    typeof opts.mapping === "object" ? opts.mapping : findPreset(opts.mapping ?? DEFAULT_PRESET[kind]);
  if (mapping === undefined) throw new RosterImportError(`unknown preset: ${String(opts.mapping)}`);
  const presetName = typeof opts.mapping === "object" ? "custom" : (opts.mapping ?? DEFAULT_PRESET[kind]);
  const presetKind = findPreset(presetName)?.kind;
  if (
    presetKind !== undefined &&
    presetKind !== kind &&
    !(presetKind === "attribution" && kind === "panel")
  ) {
    throw new RosterImportError(`preset ${presetName} is for ${presetKind} rosters, not ${kind}`);
  }
  const lookup = await loadReferenceLookup(pool);
  const org = lookup.organization(opts.organization);
  if (org === undefined) throw new RosterImportError(`unknown organization: ${opts.organization}`);

  const dryRun = opts.dryRun ?? false;
  const maxReported = opts.maxReportedErrors ?? 100;
  const runId = await startImportRun(pool, {
    kind,
    source,
    organizationId: org.id,
    fileName: opts.fileName ?? null,
    preset: presetName,
    asOf,
    dryRun,
  });
  const contextDefaults: Partial<Record<RosterField, string>> = { identifierAuthority: org.code };
  if (org.kind === "practice" && kind !== "attribution") contextDefaults.practice = org.code;

  const errors = new ErrorLog();
  let read = 0;
  let rejectedRows = 0;
  let bytesRead = 0;
  let plan: ColumnPlan | undefined;
  let rejection: string | undefined;
  const report = (phase: ImportProgress["phase"]) => opts.onProgress?.({ phase, rowsRead: read, bytesRead });

  const client = await pool.connect();
  let counts = {
    inserted: 0,
    updated: 0,
    ended: 0,
    unchanged: 0,
    patientsCreated: 0,
    valid: 0,
    lateRejected: 0,
  };
  try {
    await client.query("BEGIN");
    await client.query("SELECT pg_advisory_xact_lock(hashtext('homeward.roster:' || $1))", [source]);
    await createStage(client);
    const stage = new StageWriter(client, opts.batchSize ?? 5_000);
    const check: RowCheck = { kind, lookup, listedBy: org };
    for await (const record of readCsvRecords(opts.input)) {
      if (record.kind === "header") {
        const planned = planColumns(kind, mapping, record.cells, contextDefaults);
        if (!planned.ok) {
          rejection = planned.reason;
          opts.input.destroy();
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
      const result = checkRow(check, plan, record.line, record.cells);
      if (result.errors.length > 0) {
        rejectedRows++;
        for (const e of result.errors) errors.add(e);
      }
      if (result.stage !== undefined) await stage.add(result.stage);
    }
    if (plan === undefined && rejection === undefined) rejection = "the file has no header row";
    if (rejection !== undefined) {
      await client.query("ROLLBACK");
    } else {
      await stage.flush();
      report("merging");
      counts = await mergeStage(client, kind, { source, asOf, runId, listedBy: org.id }, errors);
      rejectedRows += counts.lateRejected;
      // The NOTIFY is delivered at COMMIT (and dropped by a dry run's ROLLBACK): matchers reload.
      if (!dryRun) await client.query(`NOTIFY ${REFERENCE_CHANGED_CHANNEL}`);
      await client.query(dryRun ? "ROLLBACK" : "COMMIT");
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
    valid: counts.valid,
    inserted: counts.inserted,
    updated: counts.updated,
    ended: counts.ended,
    unchanged: counts.unchanged,
    errorCount: errors.count,
  };
  await finishImportRun(pool, runId, { status, ...totals, message: rejection ?? null });
  report("done");
  return {
    runId,
    status,
    dryRun,
    ...totals,
    patientsCreated: counts.patientsCreated,
    rejectedRows,
    errors: errors.sorted().slice(0, maxReported),
    unmappedColumns: plan?.unmapped ?? [],
    ...(rejection === undefined ? {} : { message: rejection }),
  };
}

/** Counts every error, keeps the first `MAX_STORED_ERRORS`-worth for storage and the report. */
class ErrorLog {
  count = 0;
  readonly kept: RowError[] = [];
  add(e: RowError): void {
    this.count++;
    if (this.kept.length < 10_000) this.kept.push(e);
  }
  sorted(): RowError[] {
    return [...this.kept].sort((a, b) => a.line - b.line);
  }
}

const FIELD_LABEL = { identifierValue: "identifier", secondaryIdentifierValue: "second identifier" } as const;

async function mergeStage(
  client: SqlClient,
  kind: RosterKind,
  ctx: { source: string; asOf: string; runId: string; listedBy: string },
  errors: ErrorLog,
) {
  await client.query("ANALYZE roster_stage");
  const late = await rejectDuplicates(client, kind === "enrollment" ? "program" : "practice_org_id");
  const { created, conflicts } = await resolvePatients(client);
  for (const e of [...late, ...conflicts]) {
    errors.add({ line: e.line, column: `(${FIELD_LABEL[e.field]})`, value: e.value, reason: e.reason });
  }
  const { rows } = await client.query<{ n: string }>(
    "SELECT count(*)::text AS n FROM roster_stage WHERE valid",
  );
  const valid = Number(rows[0]?.n ?? 0);
  const merge = { source: ctx.source, asOf: ctx.asOf, runId: ctx.runId, endMissing: valid > 0 };
  let counts: Awaited<ReturnType<typeof mergeEffectiveDated>>;
  if (kind === "enrollment") {
    await client.query(
      `CREATE TEMP TABLE roster_desired ON COMMIT DROP AS
       SELECT DISTINCT ON (p.patient_id, s.program)
              p.patient_id, s.program, $1::bigint AS listed_by_org_id, s.practice_org_id, s.risk_tier,
              s.care_manager_recipient_id, s.lead_organization, s.status, s.goal, s.goal_met,
              s.plan_risk_score::numeric(10, 4) AS plan_risk_score, s.practice_flag, s.effective_from
         FROM roster_stage s JOIN roster_patients p USING (id_authority, id_type, id_value)
        WHERE s.valid
        ORDER BY p.patient_id, s.program, s.line`,
      [ctx.listedBy],
    );
    counts = await mergeEffectiveDated(client, ENROLLMENTS, merge);
  } else {
    await client.query(
      `INSERT INTO clinicians (npi, family_name, given_name)
       SELECT DISTINCT ON (pcp_npi) pcp_npi, pcp_family_name, pcp_given_name
         FROM roster_stage WHERE valid AND pcp_npi IS NOT NULL ORDER BY pcp_npi, line
       ON CONFLICT (npi) DO NOTHING`,
    );
    await client.query(
      `CREATE TEMP TABLE roster_desired ON COMMIT DROP AS
       SELECT DISTINCT ON (p.patient_id, s.practice_org_id)
              p.patient_id, s.practice_org_id, c.id AS pcp_clinician_id, s.effective_from
         FROM roster_stage s JOIN roster_patients p USING (id_authority, id_type, id_value)
         LEFT JOIN clinicians c ON c.npi = s.pcp_npi
        WHERE s.valid
        ORDER BY p.patient_id, s.practice_org_id, s.line`,
    );
    counts = await mergeEffectiveDated(client, { ...ATTRIBUTIONS, constants: { kind } }, merge);
  }
  return { ...counts, valid, patientsCreated: created, lateRejected: late.length + conflicts.length };
}

const ATTRIBUTIONS = {
  table: "attributions",
  keyColumns: ["patient_id", "practice_org_id"],
  trackedColumns: ["pcp_clinician_id"],
} as const;

const ENROLLMENTS = {
  table: "care_management_enrollments",
  keyColumns: ["patient_id", "program"],
  trackedColumns: [
    "listed_by_org_id",
    "practice_org_id",
    "risk_tier",
    "care_manager_recipient_id",
    "lead_organization",
    "status",
    "goal",
    "goal_met",
    "plan_risk_score",
    "practice_flag",
  ],
  constants: {},
} as const;
