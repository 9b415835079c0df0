import type { Readable } from "node:stream";
import type { Pool } from "@homeward/db";
import type { ColumnMapping } from "./column-mapping.ts";
import { type ImportProgress, type ImportReport, RosterImportError, runCsvImport } from "./csv-import.ts";
import { DEFAULT_PRESET, findPreset, type RosterPresetName } from "./presets.ts";
import { loadReferenceLookup } from "./reference-lookup.ts";
import { mergeStage } from "./roster-merge-store.ts";
import { type RosterField, type RosterKind, requiredFields } from "./roster-row.ts";
import { checkRow, type RowCheck } from "./row-check.ts";
import { ROSTER_STAGE } from "./staging-store.ts";
import { parseRosterDate } from "./values.ts";

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
  /** Fields the file may leave empty in every row although the matcher relies on them or a column looks like them. */
  allowMissing?: readonly string[];
  /** The roster's date `YYYY-MM-DD`: changes and ends take effect on it. */
  asOf: string;
  onProgress?: (progress: ImportProgress) => void;
  /** How many row errors the report carries (all are counted; the first 10,000 are stored). */
  maxReportedErrors?: number;
  /** Rows per staging INSERT. */
  batchSize?: number;
}

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

  const contextDefaults: Partial<Record<RosterField, string>> = { identifierAuthority: org.code };
  if (org.kind === "practice" && kind !== "attribution") contextDefaults.practice = org.code;
  const check: RowCheck = { kind, lookup, listedBy: org };
  return runCsvImport({
    pool,
    input: opts.input,
    run: {
      kind,
      source,
      organizationId: org.id,
      fileName: opts.fileName ?? null,
      preset: presetName,
      asOf,
      dryRun: opts.dryRun ?? false,
    },
    lockKey: `homeward.roster:${source}`,
    required: requiredFields(kind),
    mapping,
    contextDefaults,
    stage: ROSTER_STAGE,
    checkRow: (plan, line, cells) => checkRow(check, plan, line, cells),
    merge: (client, { runId, errors }) =>
      mergeStage(client, kind, { source, asOf, runId, listedBy: org.id, listedByCode: org.code }, errors),
    allowMissing: opts.allowMissing,
    onProgress: opts.onProgress,
    maxReportedErrors: opts.maxReportedErrors,
    batchSize: opts.batchSize,
  });
}
