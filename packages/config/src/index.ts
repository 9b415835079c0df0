export { ConfigError, parseEnv } from "./parse-env.ts";
export { StackEnv, stackSettingsFromEnv, type StackSettings } from "./stack-env.ts";
