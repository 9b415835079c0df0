import { createReadStream, readFileSync, statSync } from "node:fs";
import { basename } from "node:path";
import { parseArgs } from "node:util";
import { ConfigError, parseEnv, StackEnv, stackSettingsFromEnv } from "@homeward/config";
import { createPool, migrate } from "@homeward/db";
import {
  ColumnMapping,
  findPreset,
  type ImportReport,
  importRoster,
  RosterImportError,
  RosterKind,
  type RosterPresetName,
} from "@homeward/rosters";
import cliProgress from "cli-progress";

const USAGE = `usage: npm run import -w @homeward/matcher -- --kind attribution|panel|enrollment --source NAME
         --org CODE --file roster.csv [--preset NAME | --mapping mapping.json] [--dry-run] [--as-of YYYY-MM-DD]
         [--errors N]
Imports a roster CSV into the reference data (DATABASE_URL, DATABASE_SCHEMA), effective-dated as of
--as-of (default today). --org is the code of the organization sending the roster. --dry-run
validates and counts without writing. Prints a summary and the first N row errors (default 20).
Exit status 1 if any row was refused or the file was rejected, 2 on a usage or configuration error.
Presets: payer-attribution, practice-panel, cm-enrollment.`;

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
const kind = RosterKind.safeParse(values.kind);
if (!kind.success) fail("--kind must be attribution, panel or enrollment");
if (!values.source) fail("--source is required");
if (!values.org) fail("--org is required");
if (!values.file) fail("--file is required");
if (values.preset !== undefined && findPreset(values.preset) === undefined)
  fail(`unknown preset ${values.preset}`);
const shownErrors = Number(values.errors);
if (!Number.isInteger(shownErrors) || shownErrors < 0) fail("--errors must be a whole number");
let size: number;
try {
  size = statSync(values.file).size;
} catch {
  fail(`cannot read ${values.file}`);
}
let mapping: ColumnMapping | undefined;
if (values.mapping !== undefined) {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(values.mapping, "utf8"));
  } catch (err) {
    fail(`cannot read mapping ${values.mapping}: ${err instanceof Error ? err.message : String(err)}`);
  }
  const parsed = ColumnMapping.safeParse(json);
  if (!parsed.success) fail(`bad mapping file: ${parsed.error.message}`);
  mapping = parsed.data;
}
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
let report: ImportReport;
try {
  report = await importRoster({
    pool,
    kind: kind.data,
    source: values.source,
    organization: values.org,
    input: createReadStream(values.file),
    fileName: basename(values.file),
    ...(mapping !== undefined
      ? { mapping }
      : values.preset !== undefined
        ? { mapping: values.preset as RosterPresetName }
        : {}),
    dryRun: values["dry-run"],
    asOf,
    maxReportedErrors: shownErrors,
    onProgress: (p) =>
      bar.update(p.phase === "done" ? size : p.bytesRead, { phase: p.phase, rows: p.rowsRead }),
  });
} catch (err) {
  bar.stop();
  await pool.end();
  if (err instanceof RosterImportError) fail(err.message);
  throw err;
}
bar.stop();
await pool.end();

const r = report;
console.log(
  `${kind.data} roster ${values.source} as of ${asOf}${r.dryRun ? " (dry run: nothing written)" : ""}, run ${r.runId}: ${r.status}`,
);
if (r.message !== undefined) console.log(r.message);
console.log(
  `${r.read} read, ${r.valid} valid: ${r.inserted} inserted, ${r.updated} updated, ${r.ended} ended, ` +
    `${r.unchanged} unchanged, ${r.patientsCreated} new patients; ${r.errorCount} errors in ${r.rejectedRows} rows`,
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
