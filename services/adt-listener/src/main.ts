import { installShutdown } from "@homeward/http";
import { createLogger } from "@homeward/logger";
import { startAdtListener } from "./app.ts";
import { loadListenerEnv } from "./env.ts";

const config = loadListenerEnv(process.env);
const logger = createLogger({ service: "adt-listener", level: config.LOG_LEVEL });
const listener = await startAdtListener(config, logger);
logger.info(
  { mllpPort: listener.mllpPort, tlsPort: listener.tlsPort, opsPort: listener.opsPort },
  "adt-listener ready",
);

// Stop reading new input, finish what is in hand, commit, close; exit 0 (1 if that failed).
installShutdown({ logger, stop: () => listener.stop() });
