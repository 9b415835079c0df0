export {
  KAFKA_SASL_MECHANISMS,
  type KafkaSaslMechanism,
  type KafkaSaslSettings,
  type KafkaTlsSettings,
} from "./kafka-env.ts";
export { ConfigError, parseEnv } from "./parse-env.ts";
export { looksSecret, secret, secretVariableNames } from "./secret-env.ts";
export { StackEnv, type StackSettings, stackSettingsFromEnv } from "./stack-env.ts";
