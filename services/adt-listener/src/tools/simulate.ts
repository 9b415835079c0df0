/**
 * Hospital feed simulator: `npm run simulate -w @homeward/adt-listener -- --rate 30/min`.
 * The composition root of the tool: reads the command line and the patients file, runs the feed,
 * prints the totals. See simulate-options.ts for the options.
 */
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import {
  type DemoScenario,
  formatTotals,
  parsePatientsFile,
  runSimulation,
  type SimPatient,
} from "@homeward/simulator";
import { parseSimulateArgs, runTagFor, SIMULATE_USAGE } from "./simulate-options.ts";

/** Where `infra/demo/seed-cli.ts` writes the demo roster's patients. */
const DEFAULT_PATIENTS = fileURLToPath(new URL("../../../../.stack/demo/patients.json", import.meta.url));

const parsed = parseSimulateArgs(process.argv.slice(2));
if (!parsed.ok) {
  console.error(`${parsed.problems.join("\n")}\n\n${SIMULATE_USAGE}`);
  process.exit(2);
}
const args = parsed.args;
if (args.help) {
  console.log(SIMULATE_USAGE);
  process.exit(0);
}

// npm runs workspace scripts in the workspace; a relative path means the caller's directory.
const patientsPath =
  args.patientsFile === undefined
    ? DEFAULT_PATIENTS
    : resolve(process.env.INIT_CWD ?? process.cwd(), args.patientsFile);
let patients: SimPatient[] = [];
let scenario: DemoScenario | undefined;
if (args.patientsFile !== undefined || existsSync(patientsPath)) {
  let text: string;
  try {
    text = readFileSync(patientsPath, "utf8");
  } catch {
    console.error(`cannot read the patients file ${patientsPath}`);
    process.exit(2);
  }
  const file = parsePatientsFile(text);
  if (!file.ok) {
    console.error(`bad patients file ${patientsPath}:\n  ${file.problems.slice(0, 20).join("\n  ")}`);
    process.exit(2);
  }
  patients = file.patients;
  scenario = file.scenario;
}
const runTag = args.runTag ?? runTagFor(new Date());
console.log(
  `simulating a hospital feed to ${args.host}:${args.port} at ${args.ratePerMinute.toFixed(1)} messages/min` +
    `${args.count === undefined ? " until Ctrl-C" : `, ${args.count} messages`}; run ${runTag}, seed ${args.seed}, ` +
    `${patients.length} roster patients${patients.length === 0 ? " (no patients file: strangers only)" : ""}` +
    (scenario === undefined ? "" : `; first the demo's recent past (${scenario.cast.length} patients)`),
);

const stop = new AbortController();
process.once("SIGINT", () => stop.abort());
process.once("SIGTERM", () => stop.abort());
try {
  const totals = await runSimulation(
    {
      host: args.host,
      port: args.port,
      ratePerMinute: args.ratePerMinute,
      count: args.count,
      seed: args.seed,
      runTag,
      patients,
      strangerShare: args.strangerShare,
      ackTimeoutMs: args.ackTimeoutMs,
      connectTimeoutMs: args.connectTimeoutMs,
      scenario,
    },
    { print: (line) => console.log(line), signal: stop.signal },
  );
  for (const line of formatTotals(totals)) console.log(line);
  // Refused messages fail the run; a missing ACK only if nobody interrupted it (Ctrl-C also stops the listener).
  const refused = Object.entries(totals.byAck).filter(
    ([code]) => code !== "AA" && code !== "CA" && (code !== "none" || !stop.signal.aborted),
  );
  process.exit(refused.length > 0 ? 1 : 0);
} catch (err) {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
}
