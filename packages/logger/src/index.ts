export { createLogger, type Logger, type LoggerOptions, PHI_REDACT_PATHS } from "./logger.ts";
