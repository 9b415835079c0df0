/**
 * `node --conditions=source --import tsx infra/demo/seed-cli.ts [--out-dir DIR] [--as-of YYYY-MM-DD]
 *  [--reset-demo-passwords] [--allow-remote-database]`
 * Seeds the demo into the database the stack environment names (DATABASE_URL, DATABASE_SCHEMA;
 * `npm run stack -- env` prints them, `npm start` passes them), writes the roster CSVs and
 * patients.json (for the feed simulator) under .stack/demo/, and prints counts, never patient data,
 * and the demo accounts' passwords the one time they are set. Only into a database on this machine,
 * unless --allow-remote-database: the demo's accounts and invented patients do not belong anywhere else.
 */
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { ConfigError, parseEnv, StackEnv, stackSettingsFromEnv } from "@homeward/config";
import type { DemoSignIn } from "./demo-users.ts";
import { databaseHosts, isLocalDatabase } from "./local-database.ts";
import { seedDemo } from "./seed.ts";

const DEFAULT_OUT = fileURLToPath(new URL("../../.stack/demo", import.meta.url));

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      "out-dir": { type: "string", default: DEFAULT_OUT },
      "as-of": { type: "string" },
      "reset-demo-passwords": { type: "boolean", default: false },
      "allow-remote-database": { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    console.log(
      "usage: seed-cli.ts [--out-dir .stack/demo] [--as-of YYYY-MM-DD] [--reset-demo-passwords]\n" +
        "                   [--allow-remote-database]  (DATABASE_URL, DATABASE_SCHEMA)",
    );
    return 0;
  }
  let settings: ReturnType<typeof stackSettingsFromEnv>;
  try {
    settings = stackSettingsFromEnv(parseEnv(StackEnv, process.env));
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      return 2;
    }
    throw err;
  }
  if (!isLocalDatabase(settings.postgres.url, process.env) && !values["allow-remote-database"]) {
    const hosts = databaseHosts(settings.postgres.url, process.env).join(", ");
    console.error(
      `refusing to seed the demo into the database on ${hosts}: the demo's accounts and invented ` +
        "patients belong in a database on this machine (127.0.0.1, localhost, ::1 or a unix socket). " +
        "If that database is a throwaway one, run again with --allow-remote-database.",
    );
    return 2;
  }
  const t0 = performance.now();
  const data = await seedDemo(settings, {
    outDir: values["out-dir"],
    ...(values["as-of"] === undefined ? {} : { asOf: values["as-of"] }),
    resetDemoPasswords: values["reset-demo-passwords"],
  });
  const tiers = { I: 0, II: 0, III: 0 };
  for (const p of data.patients) if (p.riskTier !== undefined) tiers[p.riskTier]++;
  console.log(
    `demo data in schema ${settings.postgres.schema} (${((performance.now() - t0) / 1000).toFixed(1)} s): ` +
      `${data.practice.name} (${data.practice.code}) and ${data.plan.name} (${data.plan.code}), ` +
      `${data.patients.length} patients, care-management tiers I ${tiers.I} / II ${tiers.II} / III ${tiers.III}`,
  );
  for (const i of data.imports) {
    console.log(
      `  ${i.source}: ${i.read} rows, ${i.inserted} new, ${i.unchanged} unchanged, ${i.errors} errors`,
    );
  }
  for (const c of data.caseloads)
    console.log(`  care manager ${c.email}: Priority I ${c.I} / II ${c.II} / III ${c.III}`);
  console.log(
    `  tracking list: ${data.trackingList.patients} patients, ${data.trackingList.reviewsDueSoon} six-month reviews ` +
      "due within two weeks or overdue (the notifier opens them)",
  );
  console.log(
    `  the feed simulator first replays the demo's recent past (${data.scenario.cast.length} patients): in the ED ` +
      "and in hospital now, discharges to reach, a frequent ED user, a 30-day readmission, tracking-list " +
      "admissions, an ED visit that opens no task, a monitor copy",
  );
  if (data.history !== undefined) {
    const calls = data.history.work.filter(
      (w) => w.stepId === "follow-up-call" || w.stepId === "interactive-contact",
    );
    const inTime = calls.filter((w) => w.verdict === "in-time").length;
    console.log(
      `  and before it six months of history (${data.history.from} to ${data.history.to}): ${data.history.visits.length} ` +
        `visits (${data.history.messages} messages) and the care team's work on their tasks, ${inTime} of ` +
        `${calls.length} ED calls and discharge contacts in time (sent and recorded once the services run)`,
    );
  }
  if (data.signIns.length > 0) printSignIns(data.signIns);
  else
    console.log(
      "  demo sign-ins: already there; their passwords were printed when they were made " +
        "(npm run demo:seed -- --reset-demo-passwords gives them new ones)",
    );
  console.log(`  rosters and patients.json in ${values["out-dir"]}`);
  return 0;
}

/** The one time a demo password is shown: it is stored only as a hash. */
function printSignIns(signIns: readonly DemoSignIn[]): void {
  const width = Math.max(...signIns.map((u) => u.email.length));
  console.log(`
  ┌ DEMO ACCOUNTS: synthetic data, for this local demo only. Their passwords were made at random
  │ just now and are shown this once (the database keeps only their hashes): note them now, or
  │ run \`npm run demo:seed -- --reset-demo-passwords\` for new ones. Never seed a real deployment.`);
  for (const u of signIns) console.log(`  │   ${u.email.padEnd(width)}  ${u.password}  (${u.role})`);
  console.log("  └");
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
  },
);
