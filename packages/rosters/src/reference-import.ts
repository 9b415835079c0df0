import type { Readable } from "node:stream";
import type { Pool } from "@homeward/db";
import type { z } from "zod";
import type { FieldMapping } from "./column-mapping.ts";
import { consentImport } from "./consent-import.ts";
import { type ImportProgress, type ImportReport, RosterImportError, runCsvImport } from "./csv-import.ts";
import { notificationRuleImport } from "./notification-rule-import.ts";
import type { ReferenceImportContext } from "./reference-import-context.ts";
import { loadReferenceLookup } from "./reference-lookup.ts";
import {
  DEFAULT_REFERENCE_PRESET,
  findReferencePreset,
  REFERENCE_MAPPINGS,
  type ReferencePresetName,
} from "./reference-presets.ts";
import type { ReferenceKind } from "./reference-rows.ts";
import { sensitiveFacilityImport } from "./sensitive-facility-import.ts";
import { parseRosterDate } from "./values.ts";

export interface ImportReferenceOptions {
  pool: Pool;
  kind: ReferenceKind;
  /**
   * The feed the file comes from, kept on the run and on every row it writes; the kind's name
   * (`consent`, `sensitive-facility`, `notification-rule`) when absent. For sensitive facilities
   * it matters: a file is the complete list of its source.
   */
  source?: string | undefined;
  /**
   * Code of the importing organization: whose consent list (default authority of its identifiers and
   * default scope of its decisions) or whose notification rules. Sensitive facilities are
   * system-wide and take none.
   */
  organization?: string | undefined;
  input: Readable;
  fileName?: string | undefined;
  /** A preset name or a custom mapping onto the kind's fields; the kind's default preset when absent. */
  mapping?: ReferencePresetName | FieldMapping<string> | undefined;
  /** Validate and count everything, then roll back: the reference data is left as it was. */
  dryRun?: boolean | undefined;
  /** The list's date `YYYY-MM-DD`: a consent row without its own date takes effect on it. */
  asOf: string;
  /**
   * The event kinds a notification rule may name: the contracts' `ADT_EVENT_KINDS` (passed in, as
   * this package does not depend on the contracts). Required for `notification-rule`.
   */
  eventKinds?: readonly string[] | undefined;
  /**
   * The caller may act for `organization` only (a practice admin through the api): its consents
   * must be scoped to it and name its own patients (one without an open roster or list row of it is
   * "unknown"). The CLI and system admins are not scoped.
   */
  scopedToOrganization?: boolean | undefined;
  /** Fields the file may leave empty in every row although the matcher relies on them or a column looks like them. */
  allowMissing?: readonly string[] | undefined;
  /** Who records the consents (`consents.recorded_by`); `import:<source>` when absent. */
  recordedBy?: string | undefined;
  onProgress?: ((progress: ImportProgress) => void) | undefined;
  /** How many row errors the report carries (all are counted; the first 10,000 are stored). */
  maxReportedErrors?: number | undefined;
  /** Rows per staging INSERT. */
  batchSize?: number | undefined;
}

/**
 * Imports a consent list, a sensitive-facility list or an organization's notification rules from
 * CSV, with the machinery of roster imports: presets or a custom mapping, a row error (line,
 * column, value, reason) for every refused row while the good rows are taken, dry run, an
 * `import_runs` record, idempotent re-import, and a NOTIFY on commit that makes every matcher
 * reload its reference data. What a re-import replaces is each kind's own (see `consentImport`,
 * `sensitiveFacilityImport`, `notificationRuleImport`).
 */
export async function importReferenceList(opts: ImportReferenceOptions): Promise<ImportReport> {
  const { pool, kind } = opts;
  const asOf = parseRosterDate(opts.asOf);
  if (asOf === undefined || asOf !== opts.asOf)
    throw new RosterImportError(`as-of must be YYYY-MM-DD: ${opts.asOf}`);
  const source = opts.source ?? kind;
  if (source.trim() === "") throw new RosterImportError("source must not be empty");

  const presetName =
    typeof opts.mapping === "object" ? "custom" : (opts.mapping ?? DEFAULT_REFERENCE_PRESET[kind]);
  const preset = typeof opts.mapping === "object" ? undefined : findReferencePreset(presetName);
  if (typeof opts.mapping !== "object" && preset === undefined)
    throw new RosterImportError(`unknown preset: ${presetName}`);
  if (preset !== undefined && preset.kind !== kind)
    throw new RosterImportError(`preset ${presetName} is for ${preset.kind} lists, not ${kind}`);
  const rawMapping: unknown = preset ?? opts.mapping;
  const common = {
    pool,
    input: opts.input,
    allowMissing: opts.allowMissing,
    onProgress: opts.onProgress,
    maxReportedErrors: opts.maxReportedErrors,
    batchSize: opts.batchSize,
  };
  const run = (organizationId: string | null) => ({
    kind,
    source,
    organizationId,
    fileName: opts.fileName ?? null,
    preset: presetName,
    asOf,
    dryRun: opts.dryRun ?? false,
  });

  if (kind === "sensitive-facility") {
    if (opts.organization !== undefined)
      throw new RosterImportError("sensitive facilities are system-wide: no organization is given");
    const mapping = checkedMapping(REFERENCE_MAPPINGS[kind], rawMapping, kind);
    return runCsvImport({ ...common, run: run(null), mapping, ...sensitiveFacilityImport({ source }) });
  }
  if (opts.organization === undefined)
    throw new RosterImportError(`a ${kind} import needs the importing organization`);
  const lookup = await loadReferenceLookup(pool);
  const importer = lookup.organization(opts.organization);
  if (importer === undefined) throw new RosterImportError(`unknown organization: ${opts.organization}`);
  if (kind === "notification-rule" && (opts.eventKinds === undefined || opts.eventKinds.length === 0))
    throw new RosterImportError("a notification-rule import needs the event kinds rules may name");
  const ctx: ReferenceImportContext = {
    lookup,
    importer,
    scoped: opts.scopedToOrganization ?? false,
    asOf,
    source,
    recordedBy: opts.recordedBy ?? `import:${source}`,
    eventKinds: opts.eventKinds ?? [],
  };
  if (kind === "consent") {
    const mapping = checkedMapping(REFERENCE_MAPPINGS[kind], rawMapping, kind);
    return runCsvImport({ ...common, run: run(importer.id), mapping, ...consentImport(ctx) });
  }
  const mapping = checkedMapping(REFERENCE_MAPPINGS[kind], rawMapping, kind);
  return runCsvImport({ ...common, run: run(importer.id), mapping, ...notificationRuleImport(ctx) });
}

/** A mapping checked against the kind's fields (a custom one may name fields of another kind). */
function checkedMapping<T extends z.ZodType>(schema: T, raw: unknown, kind: ReferenceKind): z.infer<T> {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new RosterImportError(`not a mapping for a ${kind} list: ${problems}`);
  }
  return parsed.data;
}
