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

let stopping = false;
const shutdown = (signal: string) => {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, "stopping: answering received frames, then closing");
  listener.stop().then(
    () => process.exit(0),
    (err: unknown) => {
      logger.error({ err }, "unclean stop");
      process.exit(1);
    },
  );
};
process.on("SIGTERM", () => shutdown("SIGTERM"));
process.on("SIGINT", () => shutdown("SIGINT"));
