import { installShutdown } from "@homeward/http";
import { createLogger } from "@homeward/logger";
import { startMatcher } from "./app.ts";
import { loadMatcherEnv } from "./env.ts";

const config = loadMatcherEnv(process.env);
const logger = createLogger({ service: "matcher", level: config.LOG_LEVEL });
const matcher = await startMatcher(config, logger);
logger.info({ opsPort: matcher.opsPort }, "matcher ready");

// Stop reading new input, finish what is in hand, commit, close; exit 0 (1 if that failed).
installShutdown({ logger, stop: () => matcher.stop() });
