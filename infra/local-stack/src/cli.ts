import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { createLogger } from "@homeward/logger";
import { REPO_ROOT, STACK_DIR, stackPath } from "./paths.ts";
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

interface ServiceSpec {
  name: string;
  entry: string;
  args?: string[];
  env: Record<string, string>;
  hint: string[];
}

/** The services `npm start` runs in the foreground, with the stack's settings. */
const SERVICES: ServiceSpec[] = [
  {
    name: "adt-listener",
    entry: "services/adt-listener/src/main.ts",
    env: { MLLP_PORT: "2575", OPS_PORT: "9464" },
    hint: [
      "adt-listener: MLLP on 127.0.0.1:2575, health and metrics on http://127.0.0.1:9464/readyz and /metrics",
    ],
  },
  {
    name: "matcher",
    entry: "services/matcher/src/main.ts",
    env: { OPS_PORT: "9465" },
    hint: ["matcher: adt.events.v1 → adt.matched.v1 / adt.unmatched.v1, metrics on http://127.0.0.1:9465"],
  },
  {
    name: "notifier",
    entry: "services/notifier/src/main.ts",
    // Pages go to MailDev through the email-to-pager gateway, so the demo shows them beside the emails.
    env: { OPS_PORT: "9466", PAGER_EMAIL_GATEWAY_DOMAIN: "pager.homeward.local" },
    hint: ["notifier: tasks (PostgreSQL) and alerts (SQS → SMTP / pager), metrics on http://127.0.0.1:9466"],
  },
  {
    name: "api",
    entry: "services/api/src/main.ts",
    env: { API_PORT: "8080", OPS_PORT: "9467" },
    hint: ["api: http://127.0.0.1:8080 (dashboard), OpenAPI at http://127.0.0.1:8080/api/openapi.json"],
  },
  {
    name: "feed-simulator",
    entry: "services/adt-listener/src/tools/simulate.ts",
    args: [
      "--rate",
      process.env.DEMO_FEED_RATE ?? "12/min",
      "--patients",
      join(STACK_DIR, "demo", "patients.json"),
    ],
    env: {},
    hint: [
      "feed simulator: a synthetic ADT feed over MLLP to 127.0.0.1:2575 at 12 messages/min (DEMO_FEED_RATE), one line per message, no patient data",
    ],
  },
];

/**
 * The api's token signing key for the local stack: random, made once and kept in `.stack/conf`, so
 * tokens survive a restart. Production sets API_TOKEN_SECRET itself.
 */
function localTokenSecret(): string {
  const file = stackPath("conf", "api-token-secret");
  if (!existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, randomBytes(32).toString("base64url"), { mode: 0o600 });
  }
  return readFileSync(file, "utf8").trim();
}

/** Runs a one-shot script (the demo seed) with the stack's settings; resolves with its exit code. */
function runOnce(entry: string, env: Record<string, string>): Promise<number> {
  const child = spawn(process.execPath, ["--conditions=source", "--import", "tsx", join(REPO_ROOT, entry)], {
    env: { ...process.env, ...env },
    stdio: "inherit",
  });
  return new Promise((resolve) => child.on("exit", (code) => resolve(code ?? 1)));
}

/** Loads the demo data, then runs the services until Ctrl-C (the stack keeps running; `npm stop` stops it). */
async function runServices(stackSettings: Record<string, string>): Promise<number> {
  const env = {
    ...stackSettings,
    API_TOKEN_SECRET: process.env.API_TOKEN_SECRET ?? localTokenSecret(),
    // The AWS SDK's notice about its future Node 22 requirement, once per process, is noise in the demo.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
  };
  const seeded = await runOnce("infra/demo/seed-cli.ts", env);
  if (seeded !== 0) return seeded;
  console.log("");
  for (const s of SERVICES) for (const line of s.hint) console.log(line);
  console.log(`
Where to look:
  mail inbox (alerts and pages)   http://127.0.0.1:1080
  care manager's inbox            http://127.0.0.1:8080   sign in as cm@springvale.example / homeward-demo
  quality dashboard               http://127.0.0.1:8080   sign in as quality@springvale.example / homeward-demo
  system admin                    admin@homeward.example / homeward-demo
Ctrl-C stops the services; \`npm stop\` stops the stack.
`);
  const children = SERVICES.map((s) =>
    spawn(
      process.execPath,
      ["--conditions=source", "--import", "tsx", join(REPO_ROOT, s.entry), ...(s.args ?? [])],
      {
        env: { ...process.env, ...env, ...s.env },
        stdio: "inherit",
      },
    ),
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
