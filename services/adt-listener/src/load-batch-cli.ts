import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { createLogger } from "@homeward/logger";
import { createIngestPipeline } from "./app.ts";
import { loadListenerEnv } from "./env.ts";
import { loadBatch } from "./load-batch.ts";

const USAGE = `usage: npm run load-batch -w @homeward/adt-listener -- <file.hl7>
Takes an HL7 batch file (FHS/BHS … BTS/FTS, or messages one after another) into Homeward as if
each message had arrived over MLLP. Exit status 1 if any message was refused or not stored.`;

const { positionals, values } = parseArgs({ allowPositionals: true, options: { help: { type: "boolean" } } });
const file = positionals[0];
if (values.help || file === undefined) {
  console.error(USAGE);
  process.exit(file === undefined ? 2 : 0);
}
const config = loadListenerEnv(process.env);
const logger = createLogger({
  service: "load-batch",
  level: config.LOG_LEVEL === "info" ? "warn" : config.LOG_LEVEL,
});
const pipeline = await createIngestPipeline(config, logger);
try {
  const report = await loadBatch(pipeline.ingest, file, readFileSync(file), new Date());
  console.log(
    `${report.messages} messages: ${Object.entries(report.byOutcome)
      .map(([k, v]) => `${v} ${k}`)
      .join(", ")}`,
  );
  for (const w of report.warnings) console.log(`warning: ${w}`);
  for (const r of report.refused) console.log(`refused ${r}`);
  process.exitCode = report.refused.length > 0 ? 1 : 0;
} finally {
  await pipeline.close();
}
