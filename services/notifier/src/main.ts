import { installShutdown } from "@homeward/http";
import { createLogger } from "@homeward/logger";
import { startNotifier } from "./app.ts";
import { loadNotifierEnv } from "./env.ts";

const config = loadNotifierEnv(process.env);
const logger = createLogger({ service: "notifier", level: config.LOG_LEVEL });
const notifier = await startNotifier(config, logger);
logger.info({ opsPort: notifier.opsPort }, "notifier ready");

// Stop taking matched records, let the workers finish the sends in hand, close; exit 0 (1 if that failed).
installShutdown({ logger, stop: () => notifier.stop() });
