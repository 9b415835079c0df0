/**
 * `node --conditions=source --import tsx infra/demo/demo-history-cli.ts [--patients FILE]
 *  [--host 127.0.0.1] [--port 2575]`
 * The demo's six months of history, sent and worked like live data: the visits the seed wrote into
 * patients.json go to the MLLP listener (the matcher and notifier open their tasks), and the care
 * team's planned attempts and completions are recorded on those tasks through the tasks family's
 * command (@homeward/tasks, as the api's routes do), dated in the past (demo-history-replay.ts).
 * Prints progress and, per month, how the ED calls and discharge contacts went. `npm start` runs
 * it once its services are up; a second run sends only duplicates and records nothing new. Counts
 * only, never patient data. Only into a database on this machine, like the seed.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { ConfigError, parseEnv, StackEnv, stackSettingsFromEnv } from "@homeward/config";
import { createPool } from "@homeward/db";
import { parsePatientsFile } from "@homeward/simulator";
import { followUpByMonth } from "@homeward/tasks";
import { HistoryFile } from "./demo-history-data.ts";
import { replayDemoHistory } from "./demo-history-replay.ts";
import { isLocalDatabase } from "./local-database.ts";

const DEFAULT_PATIENTS = fileURLToPath(new URL("../../.stack/demo/patients.json", import.meta.url));

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      patients: { type: "string", default: DEFAULT_PATIENTS },
      host: { type: "string", default: "127.0.0.1" },
      port: { type: "string", default: "2575" },
      "allow-remote-database": { type: "boolean", default: false },
    },
  });
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
    console.error("refusing to record the demo's history in a database that is not on this machine");
    return 2;
  }
  const text = readFileSync(values.patients, "utf8");
  const file = parsePatientsFile(text);
  const parsed = HistoryFile.safeParse(JSON.parse(text));
  if (!file.ok || !parsed.success) {
    const problem = file.ok ? (parsed.error?.issues[0]?.message ?? "") : file.problems[0];
    console.error(`bad patients file ${values.patients}: ${problem}`);
    return 2;
  }
  const history = parsed.data.history;
  if (history === undefined || history.visits.length === 0 || file.scenario === undefined) {
    console.log("demo history: none in the patients file (seeded with historyMonths 0)");
    return 0;
  }
  // One connection per lane of the replay, and one to spare.
  const pool = createPool({ ...settings.postgres, max: 5 });
  const stop = new AbortController();
  process.once("SIGINT", () => stop.abort());
  process.once("SIGTERM", () => stop.abort());
  try {
    const report = await replayDemoHistory(pool, {
      host: values.host,
      port: Number(values.port),
      epoch: new Date(file.scenario.epoch),
      patients: file.patients,
      history,
      print: (line) => console.log(line),
      signal: stop.signal,
    });
    if (stop.signal.aborted) return 0;
    const acks = Object.entries(report.byAck)
      .map(([code, n]) => `${code} ${n}`)
      .join(", ");
    console.log(
      `demo history ${history.from} to ${history.to}: ${report.sent} messages (ACKs ${acks}), ${report.events} of ` +
        `${history.events} events handled; care-team entries: ${report.recorded} recorded now, ` +
        `${report.alreadyThere} already there, ${report.refused} not made (task closed by a later event) ` +
        `(${(report.elapsedMs / 1000).toFixed(1)} s)`,
    );
    const visitNumbers = history.visits.map((v) => v.visitNumber);
    const lines = await followUpByMonth(pool, visitNumbers);
    const part = (organization: string, month: string, stepId: string, what: string) => {
      const l = lines.find(
        (x) => x.organization === organization && x.month === month && x.stepId === stepId,
      );
      if (l === undefined) return `${what} 0`;
      return (
        `${what} ${l.counted}: ${l.inTime} in time, ${l.late} late, ${l.missed} not reached` +
        (l.excluded > 0 ? ` (+${l.excluded} excluded)` : "")
      );
    };
    for (const organization of [...new Set(lines.map((l) => l.organization))])
      for (const month of [
        ...new Set(lines.filter((l) => l.organization === organization).map((l) => l.month)),
      ])
        console.log(
          `  ${organization} ${month}  ${part(organization, month, "follow-up-call", "ED calls")};  ` +
            part(organization, month, "interactive-contact", "discharge contacts"),
        );
    const refused = Object.keys(report.byAck).filter((code) => code !== "AA" && code !== "CA");
    if (refused.length > 0 || report.events < history.events) {
      console.error(
        "demo history: some messages were not taken or not handled; the next start sends them again",
      );
      return 1;
    }
    return 0;
  } finally {
    await pool.end();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
  },
);
