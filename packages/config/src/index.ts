export { ConfigError, parseEnv } from "./parse-env.ts";
export { looksSecret, secret, secretVariableNames } from "./secret-env.ts";
export { StackEnv, type StackSettings, stackSettingsFromEnv } from "./stack-env.ts";
