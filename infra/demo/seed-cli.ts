/**
 * `node --conditions=source --import tsx infra/demo/seed-cli.ts [--out-dir DIR] [--as-of YYYY-MM-DD]`
 * Seeds the demo into the database the stack environment names (DATABASE_URL, DATABASE_SCHEMA;
 * `npm run stack -- env` prints them, `npm start` passes them), writes the roster CSVs and
 * patients.json (for the feed simulator) under .stack/demo/, and prints counts, never patient data.
 */
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { ConfigError, parseEnv, StackEnv, stackSettingsFromEnv } from "@homeward/config";
import { DEMO_PASSWORD } from "./demo-users.ts";
import { seedDemo } from "./seed.ts";

const DEFAULT_OUT = fileURLToPath(new URL("../../.stack/demo", import.meta.url));

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      "out-dir": { type: "string", default: DEFAULT_OUT },
      "as-of": { type: "string" },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    console.log(
      "usage: seed-cli.ts [--out-dir .stack/demo] [--as-of YYYY-MM-DD]  (DATABASE_URL, DATABASE_SCHEMA)",
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
  const t0 = performance.now();
  const data = await seedDemo(settings, {
    outDir: values["out-dir"],
    ...(values["as-of"] === undefined ? {} : { asOf: values["as-of"] }),
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
  console.log(
    data.usersCreated.length > 0
      ? `  sign-ins created: ${data.usersCreated.join(", ")} (password "${DEMO_PASSWORD}")`
      : `  sign-ins: already there (password "${DEMO_PASSWORD}")`,
  );
  console.log(`  rosters and patients.json in ${values["out-dir"]}`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
  },
);
