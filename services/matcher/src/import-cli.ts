import { createReadStream, readFileSync, statSync } from "node:fs";
import { basename } from "node:path";
import { parseArgs } from "node:util";
import { ConfigError, parseEnv, StackEnv, stackSettingsFromEnv } from "@homeward/config";
import { ADT_EVENT_KINDS } from "@homeward/contracts";
import { createPool, migrate } from "@homeward/db";
import {
  AnyReferenceMapping,
  ColumnMapping,
  findPreset,
  findReferencePreset,
  type ImportProgress,
  type ImportReport,
  importReferenceList,
  importRoster,
  REFERENCE_PRESETS,
  ReferenceKind,
  type ReferencePresetName,
  ROSTER_PRESETS,
  RosterImportError,
  RosterKind,
  type RosterPresetName,
} from "@homeward/rosters";
import cliProgress from "cli-progress";
import type { z } from "zod";

const KINDS = [...RosterKind.options, ...ReferenceKind.options];
const USAGE = `usage: npm run import -w @homeward/matcher -- --kind KIND [--source NAME] [--org CODE] --file list.csv
         [--preset NAME | --mapping mapping.json] [--allow-missing FIELD[,FIELD]] [--dry-run]
         [--as-of YYYY-MM-DD] [--errors N]
Imports a CSV into the reference data (DATABASE_URL, DATABASE_SCHEMA), as of --as-of (default today).
KIND is attribution, panel or enrollment (rosters: --source and --org required), consent (--org:
whose list; --source optional), notification-rule (--org: whose rules; --source optional) or
sensitive-facility (system-wide, no --org; a file is the complete list of its --source).
--dry-run validates and counts without writing. Prints a summary and the first N row errors (default 20).
A file is rejected when a field the matcher relies on (a roster's names, birth date and sex; any
list's identifier) is empty in every row, or when a column looks like a field (birth, dob, member,
zip…) but is not mapped; --allow-missing FIELD (repeatable, or a comma list) imports it anyway.
Exit status 1 if any row was refused or the file was rejected, 2 on a usage or configuration error.
Presets: ${[...Object.keys(ROSTER_PRESETS), ...Object.keys(REFERENCE_PRESETS)].join(", ")}.`;

function fail(message: string): never {
  console.error(`${message}\n\n${USAGE}`);
  process.exit(2);
}

const { values } = (() => {
  try {
    return parseArgs({
      options: {
        kind: { type: "string" },
        source: { type: "string" },
        org: { type: "string" },
        file: { type: "string" },
        preset: { type: "string" },
        mapping: { type: "string" },
        "allow-missing": { type: "string", multiple: true, default: [] },
        "dry-run": { type: "boolean", default: false },
        "as-of": { type: "string" },
        errors: { type: "string", default: "20" },
        help: { type: "boolean", default: false },
      },
    });
  } catch (err) {
    return fail(err instanceof Error ? err.message : String(err));
  }
})();
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
if (values.kind === undefined || !(KINDS as readonly string[]).includes(values.kind))
  fail(`--kind must be ${KINDS.slice(0, -1).join(", ")} or ${KINDS.at(-1)}`);
const rosterKind = RosterKind.safeParse(values.kind);
const referenceKind = ReferenceKind.safeParse(values.kind);
if (rosterKind.success && !values.source) fail("--source is required for a roster");
if (values.kind === "sensitive-facility") {
  if (values.org !== undefined) fail("sensitive facilities are system-wide: leave out --org");
} else if (!values.org) fail("--org is required");
if (!values.file) fail("--file is required");
if (values.preset !== undefined) {
  const presetKind = (findPreset(values.preset) ?? findReferencePreset(values.preset))?.kind;
  if (presetKind === undefined) fail(`unknown preset ${values.preset}`);
  if (presetKind !== values.kind && !(presetKind === "attribution" && values.kind === "panel"))
    fail(`preset ${values.preset} is for ${presetKind} files, not ${values.kind}`);
}
const shownErrors = Number(values.errors);
if (!Number.isInteger(shownErrors) || shownErrors < 0) fail("--errors must be a whole number");
let size: number;
try {
  size = statSync(values.file).size;
} catch {
  fail(`cannot read ${values.file}`);
}
/** A mapping file, checked against the fields of the kind being imported. */
function readMapping<T>(path: string, schema: z.ZodType<T>): T {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, "utf8"));
  } catch (err) {
    fail(`cannot read mapping ${path}: ${err instanceof Error ? err.message : String(err)}`);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) fail(`bad mapping file for --kind ${values.kind}: ${parsed.error.message}`);
  return parsed.data;
}
const rosterMapping =
  rosterKind.success && values.mapping !== undefined ? readMapping(values.mapping, ColumnMapping) : undefined;
const referenceMapping =
  referenceKind.success && values.mapping !== undefined
    ? readMapping(values.mapping, AnyReferenceMapping)
    : undefined;
const allowMissing = values["allow-missing"].flatMap((v) =>
  v
    .split(",")
    .map((f) => f.trim())
    .filter((f) => f !== ""),
);
// The roster's date is the operator's calendar day unless given.
const asOf = values["as-of"] ?? new Date().toLocaleDateString("en-CA");

let settings: ReturnType<typeof stackSettingsFromEnv>;
try {
  settings = stackSettingsFromEnv(parseEnv(StackEnv, process.env));
} catch (err) {
  if (err instanceof ConfigError) fail(err.message);
  throw err;
}

await migrate(settings.postgres);
const pool = createPool({ ...settings.postgres, max: 2 });
const bar = new cliProgress.SingleBar(
  {
    stream: process.stderr,
    format: "{phase} [{bar}] {percentage}% | {rows} rows",
    hideCursor: true,
  },
  cliProgress.Presets.shades_classic,
);
bar.start(size, 0, { phase: "reading", rows: 0 });
const common = {
  pool,
  input: createReadStream(values.file),
  fileName: basename(values.file),
  dryRun: values["dry-run"],
  asOf,
  allowMissing,
  maxReportedErrors: shownErrors,
  onProgress: (p: ImportProgress) =>
    bar.update(p.phase === "done" ? size : p.bytesRead, { phase: p.phase, rows: p.rowsRead }),
};
/** The import the kind calls for: a roster, or a reference list. */
function importFile(): Promise<ImportReport> {
  if (rosterKind.success)
    return importRoster({
      ...common,
      kind: rosterKind.data,
      source: values.source ?? "",
      organization: values.org ?? "",
      ...(rosterMapping !== undefined
        ? { mapping: rosterMapping }
        : values.preset !== undefined
          ? { mapping: values.preset as RosterPresetName }
          : {}),
    });
  if (referenceKind.success)
    return importReferenceList({
      ...common,
      kind: referenceKind.data,
      source: values.source,
      organization: values.org,
      // Rules may name the contracts' event kinds, and only those.
      eventKinds: ADT_EVENT_KINDS,
      mapping: referenceMapping ?? (values.preset as ReferencePresetName | undefined),
    });
  return fail(`--kind ${values.kind} is not importable`);
}
let report: ImportReport;
try {
  report = await importFile();
} catch (err) {
  bar.stop();
  await pool.end();
  if (err instanceof RosterImportError) fail(err.message);
  throw err;
}
bar.stop();
await pool.end();

const r = report;
const what = rosterKind.success
  ? `${values.kind} roster ${values.source}`
  : values.kind === "notification-rule"
    ? `notification rules of ${values.org} (${values.source ?? values.kind})`
    : `${values.kind} list ${values.source ?? values.kind}`;
console.log(
  `${what} as of ${asOf}${r.dryRun ? " (dry run: nothing written)" : ""}, run ${r.runId}: ${r.status}`,
);
if (r.message !== undefined) console.log(r.message);
const endedAs = rosterKind.success ? "ended" : values.kind === "consent" ? "opt-outs closed" : "deactivated";
console.log(
  `${r.read} read, ${r.valid} valid: ${r.inserted} inserted, ${r.updated} updated, ${r.ended} ${endedAs}, ` +
    `${r.unchanged} unchanged${rosterKind.success ? `, ${r.patientsCreated} new patients` : ""}; ` +
    `${r.errorCount} errors in ${r.rejectedRows} rows`,
);
if (r.unmappedColumns.length > 0) console.log(`columns not imported: ${r.unmappedColumns.join(", ")}`);
for (const e of r.errors) {
  const where =
    e.column === null ? "" : `, ${e.column}${e.value === null ? "" : ` ${JSON.stringify(e.value)}`}`;
  console.log(`line ${e.line}${where}: ${e.reason}`);
}
if (r.errorCount > r.errors.length)
  console.log(`… and ${r.errorCount - r.errors.length} more (import_row_errors)`);
process.exitCode = r.status === "rejected" || r.errorCount > 0 ? 1 : 0;
