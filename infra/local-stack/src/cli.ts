import { createLogger } from "@homeward/logger";
import { STACK_DIR } from "./paths.ts";
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
      if (argv.includes("--with-services")) {
        console.log("\nNo Homeward services are built yet; the stack keeps running. Stop it with: npm stop");
      }
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

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
