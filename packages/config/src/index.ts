export { ConfigError, parseEnv } from "./parse-env.ts";
export { StackEnv, type StackSettings, stackSettingsFromEnv } from "./stack-env.ts";
