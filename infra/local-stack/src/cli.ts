import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { createLogger } from "@homeward/logger";
import { REPO_ROOT, STACK_DIR, stackPath } from "./paths.ts";
import { superviseServices } from "./run-services.ts";
import { readyzProbe, spawnService } from "./service-process.ts";
import {
  builtEntry,
  DEMO_MLLP_HOST,
  type EnvSources,
  nodeArgs,
  type RunMode,
  SERVICES,
  serviceEnv,
} from "./services.ts";
import { stackEnv, startStack, stopStack } from "./stack.ts";

const USAGE = `usage: npm run stack -- <start|stop|status|env>
  start   start every engine that is not running, wait until each answers, print settings
          (--with-services: then the demo and the services, from source; --built: npm run build's JavaScript)
  stop    stop the engines the stack started (Kafka, ElasticMQ, MailDev, a Redis it started)
  status  check every engine and print settings (starts nothing... except what is missing)
  env     print the settings as shell exports`;

async function main(argv: string[]): Promise<number> {
  const command = argv[0] ?? "start";
  const logger = createLogger({ service: "stack", level: process.env.LOG_LEVEL ?? "info" });
  switch (command) {
    case "start":
    case "status":
    case "env": {
      const t0 = performance.now();
      const stack = await startStack(logger);
      const seconds = ((performance.now() - t0) / 1000).toFixed(1);
      const env = stackEnv(stack);
      if (command === "env") {
        for (const [k, v] of Object.entries(env)) console.log(`export ${k}=${JSON.stringify(v)}`);
        return 0;
      }
      console.log(
        `\nHomeward local stack is up (${seconds}s; started: ${stack.started.join(", ") || "nothing, all were running"})`,
      );
      console.log(`  Kafka        ${env.KAFKA_BROKERS}`);
      console.log(`  SQS          ${env.SQS_ENDPOINT} (ElasticMQ)`);
      console.log(`  PostgreSQL   ${env.DATABASE_URL} (schema ${env.DATABASE_SCHEMA})`);
      console.log(`  Redis        ${env.REDIS_URL}`);
      console.log(`  SMTP         ${env.SMTP_URL}   mail inbox: ${stack.mailWebUrl}`);
      console.log(`  data & logs  ${STACK_DIR}`);
      console.log("\nEnvironment for services:");
      for (const [k, v] of Object.entries(env)) console.log(`  ${k}=${v}`);
      if (argv.includes("--with-services"))
        return runServices(env, argv.includes("--built") ? "built" : "source");
      return 0;
    }
    case "stop": {
      const stopped = await stopStack();
      console.log(stopped.length > 0 ? `stopped: ${stopped.join(", ")}` : "nothing was running");
      return 0;
    }
    default:
      console.error(USAGE);
      return 2;
  }
}

/**
 * A secret of the local stack: random, made once and kept in `.stack/conf/<name>`, so it survives a
 * restart (the api's sessions stay valid, sealed endpoint secrets stay readable). Production sets
 * its own API_TOKEN_SECRET and OUTBOUND_SECRET_KEY.
 */
function localSecret(name: string, make: () => string): string {
  const file = stackPath("conf", name);
  if (!existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, make(), { mode: 0o600 });
  }
  return readFileSync(file, "utf8").trim();
}

/** Starts a one-shot script (the demo seed, the demo's history) with the stack's settings and no secret. */
function spawnOnce(entry: string, args: readonly string[], sources: EnvSources): ChildProcess {
  return spawn(process.execPath, nodeArgs(entry, args, "source"), {
    env: serviceEnv({ env: {} }, sources),
    stdio: "inherit",
  });
}

/** Runs a one-shot script; resolves with its exit code. */
function runOnce(entry: string, sources: EnvSources): Promise<number> {
  const child = spawnOnce(entry, [], sources);
  return new Promise((resolve) => child.on("exit", (code) => resolve(code ?? 1)));
}

/**
 * The demo's six months of history (infra/demo/demo-history-cli.ts), beside the services: it waits
 * for the listener, sends the history and records the care team's work on its tasks, then exits.
 * A failure is reported and the demo goes on without it; npm start's end stops it.
 */
function startHistory(sources: EnvSources): { stop(): void } {
  const host = ["0.0.0.0", "::"].includes(DEMO_MLLP_HOST) ? "127.0.0.1" : DEMO_MLLP_HOST;
  const child = spawnOnce("infra/demo/demo-history-cli.ts", ["--host", host, "--port", "2575"], sources);
  child.on("exit", (code) => {
    if (code !== 0 && code !== null)
      console.error(`demo history: exited with code ${code}; the demo runs without it`);
  });
  return { stop: () => child.exitCode === null && child.kill("SIGTERM") };
}

/** How long `npm start` gives every service to be ready: a migration lock wait (60 s by default) and more. */
const SERVICES_READY_TIMEOUT_MS = 120_000;

/**
 * Loads the demo data, then runs the services until Ctrl-C (the stack keeps running; `npm stop`
 * stops it), or until one of them fails to come up or stops: then all stop and npm start fails.
 * `built` runs the services from `npm run build`'s dist/ with plain node; the demo's seed and
 * history, tools rather than services, run from source either way.
 */
async function runServices(stackSettings: Record<string, string>, mode: RunMode): Promise<number> {
  if (mode === "built") {
    const missing = SERVICES.map((s) => builtEntry(s.entry)).filter((e) => !existsSync(join(REPO_ROOT, e)));
    if (missing.length > 0) {
      console.error(`npm start --built: no ${missing.join(", ")}; run \`npm run build\` first`);
      return 1;
    }
  }
  const sources: EnvSources = {
    inherited: process.env,
    shared: stackSettings,
    // Each secret goes only to the services that list it (services.ts): the token key to the api.
    secrets: {
      API_TOKEN_SECRET:
        process.env.API_TOKEN_SECRET ??
        localSecret("api-token-secret", () => randomBytes(32).toString("base64url")),
      // The api seals outbound endpoints' secrets with it and the notifier opens them: the same key for both.
      OUTBOUND_SECRET_KEY:
        process.env.OUTBOUND_SECRET_KEY ??
        localSecret("outbound-secret-key", () => randomBytes(32).toString("hex")),
    },
  };
  const seeded = await runOnce("infra/demo/seed-cli.ts", sources);
  if (seeded !== 0) return seeded;
  const history = startHistory(sources);
  console.log("");
  for (const s of SERVICES) for (const line of s.hint) console.log(line);
  console.log(`
Where to look:
  mail inbox (alerts and pages)   http://127.0.0.1:1080
  care manager's census, tasks    http://127.0.0.1:8080   sign in as cm@springvale.example (or cm2@, cm3@)
  plan's care manager             http://127.0.0.1:8080   sign in as cm@harborview.example (the high-risk list)
  supervisor's caseloads          http://127.0.0.1:8080   sign in as admin@springvale.example
  quality dashboard               http://127.0.0.1:8080   sign in as quality@springvale.example
  system admin                    http://127.0.0.1:8080   sign in as admin@homeward.example
  (the demo seed printed these accounts' passwords the first time it ran, and only then;
   \`npm run demo:seed -- --reset-demo-passwords\` gives them new ones)
Ctrl-C stops the services; \`npm stop\` stops the stack.
`);
  const stopRequested = new Promise<void>((resolve) => {
    process.once("SIGINT", () => resolve());
    process.once("SIGTERM", () => resolve());
  });
  // All or none: a service that exits, or has no ready /readyz within the bound (which covers a
  // migration lock wait, MIGRATION_LOCK_TIMEOUT_SECONDS), stops the rest and fails npm start.
  const code = await superviseServices(
    SERVICES.map((s) => {
      const readyAt = s.env.OPS_PORT === undefined ? undefined : `http://127.0.0.1:${s.env.OPS_PORT}/readyz`;
      return { ...s, ...(readyAt === undefined ? {} : { readyAt, ready: readyzProbe(readyAt) }) };
    }),
    {
      start: (s) =>
        spawnService(process.execPath, nodeArgs(s.entry, s.args ?? [], mode), serviceEnv(s, sources)),
      readyTimeoutMs: SERVICES_READY_TIMEOUT_MS,
      pollMs: 500,
      stopGraceMs: 15_000,
      stopRequested,
      log: { info: (text) => console.log(text), error: (text) => console.error(text) },
    },
  );
  history.stop();
  return code;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
