import { createLogger } from "@homeward/logger";
import { startMatcher } from "./app.ts";
import { loadMatcherEnv } from "./env.ts";

const config = loadMatcherEnv(process.env);
const logger = createLogger({ service: "matcher", level: config.LOG_LEVEL });
const matcher = await startMatcher(config, logger);
logger.info({ opsPort: matcher.opsPort }, "matcher ready");

let stopping = false;
const shutdown = (signal: string) => {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, "stopping: finishing the event in hand, committing, closing");
  matcher.stop().then(
    () => process.exit(0),
    (err: unknown) => {
      logger.error({ err }, "unclean stop");
      process.exit(1);
    },
  );
};
process.on("SIGTERM", () => shutdown("SIGTERM"));
process.on("SIGINT", () => shutdown("SIGINT"));
