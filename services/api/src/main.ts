import { installShutdown } from "@homeward/http";
import { createLogger } from "@homeward/logger";
import { startApi } from "./app.ts";
import { loadApiEnv } from "./env.ts";

const config = loadApiEnv(process.env);
const logger = createLogger({ service: "api", level: config.LOG_LEVEL });
const api = await startApi(config, logger);
logger.info({ port: api.port, opsPort: api.opsPort }, "api ready");

// Stop taking requests, let those in flight finish, close the pool; exit 0 (1 if that failed).
installShutdown({ logger, stop: () => api.stop() });
