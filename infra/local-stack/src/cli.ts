import { spawn } from "node:child_process";
import { join } from "node:path";
import { createLogger } from "@homeward/logger";
import { REPO_ROOT, STACK_DIR } from "./paths.ts";
import { stackEnv, startStack, stopStack } from "./stack.ts";

const USAGE = `usage: npm run stack -- <start|stop|status|env>
  start   start every engine that is not running, wait until each answers, print settings
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
      if (argv.includes("--with-services")) return runServices(env);
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

/** The services `npm start` runs in the foreground, with the stack's settings. */
const SERVICES = [
  {
    name: "adt-listener",
    entry: "services/adt-listener/src/main.ts",
    env: { MLLP_PORT: "2575", OPS_PORT: "9464" },
    hint: [
      "adt-listener: MLLP on 127.0.0.1:2575, health and metrics on http://127.0.0.1:9464/readyz and /metrics",
      "  send the sample feed over MLLP: npm run send -w @homeward/adt-listener -- config/sample-feed.hl7",
    ],
  },
  {
    name: "matcher",
    entry: "services/matcher/src/main.ts",
    env: { OPS_PORT: "9465" },
    hint: [
      "matcher: adt.events.v1 → adt.matched.v1 / adt.unmatched.v1, health and metrics on http://127.0.0.1:9465",
    ],
  },
  {
    name: "notifier",
    entry: "services/notifier/src/main.ts",
    // Pages go to MailDev through the email-to-pager gateway, so the demo shows them beside the emails.
    env: { OPS_PORT: "9466", PAGER_EMAIL_GATEWAY_DOMAIN: "pager.homeward.local" },
    hint: [
      "notifier: adt.matched.v1 → tasks (PostgreSQL) and alerts (SQS → SMTP / pager), health and metrics on http://127.0.0.1:9466",
      "  alerts and pages arrive in MailDev: http://127.0.0.1:1080",
    ],
  },
];

/** Runs the services until Ctrl-C (the stack keeps running; `npm stop` stops it). */
async function runServices(env: Record<string, string>): Promise<number> {
  console.log("");
  for (const s of SERVICES) for (const line of s.hint) console.log(line);
  console.log("Ctrl-C stops the services; `npm stop` stops the stack.\n");
  const children = SERVICES.map((s) =>
    spawn(process.execPath, ["--conditions=source", "--import", "tsx", join(REPO_ROOT, s.entry)], {
      env: { ...process.env, ...env, ...s.env },
      stdio: "inherit",
    }),
  );
  const stop = () => {
    for (const c of children) c.kill("SIGTERM");
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  const codes = await Promise.all(
    children.map((c) => new Promise<number>((r) => c.on("exit", (code) => r(code ?? 0)))),
  );
  return codes.find((c) => c !== 0) ?? 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
