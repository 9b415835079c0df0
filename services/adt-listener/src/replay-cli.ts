import { parseArgs } from "node:util";
import { createEventLog, createKafka, topicName } from "@homeward/kafka";
import { createLogger } from "@homeward/logger";
import { loadListenerEnv } from "./env.ts";
import { openFacilitySource } from "./facility-source.ts";
import { replayRaw } from "./replay.ts";

const USAGE = `usage: npm run replay -w @homeward/adt-listener -- [--since ISO-TIME] [--facility MSH-4] [--dry-run]
Re-normalizes adt.raw.v1 with the facility mappings in force (the database's, or FACILITY_MAPPINGS_FILE
with FACILITY_SOURCE=file) and publishes the events again
to adt.events.v1 (same event ids, header homeward-replay). Stops at the end of the topic.`;

const { values } = parseArgs({
  options: {
    since: { type: "string" },
    facility: { type: "string" },
    "dry-run": { type: "boolean" },
    help: { type: "boolean" },
  },
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const since = values.since === undefined ? undefined : new Date(values.since);
if (since !== undefined && Number.isNaN(since.getTime())) {
  console.error(`--since must be an ISO-8601 time, got ${values.since}\n${USAGE}`);
  process.exit(2);
}
const config = loadListenerEnv(process.env);
const logger = createLogger({ service: "replay", level: "warn" });
const prefix = config.stack.kafka.topicPrefix;
const kafka = createKafka({ ...config.stack.kafka, clientId: "adt-replay" }, logger);
const eventLog = await createEventLog(kafka);
const facilities = await openFacilitySource(config, logger);
try {
  const report = await replayRaw({
    kafka,
    eventLog,
    topics: { raw: topicName(prefix, "adt.raw.v1"), events: topicName(prefix, "adt.events.v1") },
    lookupMapping: facilities.index.lookup,
    logger,
    groupId: `adt-replay-${Date.now()}`,
    ...(since === undefined ? {} : { since }),
    ...(values.facility === undefined ? {} : { facility: values.facility }),
    dryRun: values["dry-run"] ?? false,
    onProgress: (done, total) => {
      if (done % 1000 === 0 || done === total) process.stderr.write(`\r${done}/${total}`);
    },
  });
  process.stderr.write("\n");
  console.log(
    `${report.read} read, ${report.republished} ${values["dry-run"] ? "would be republished" : "republished"}, ${report.skipped} skipped, ${report.failed.length} no longer normalize`,
  );
  for (const f of report.failed) console.log(`  ${f}`);
} finally {
  await eventLog.close();
  await facilities.close();
}
