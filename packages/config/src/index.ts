export {
  KAFKA_SASL_MECHANISMS,
  type KafkaSaslMechanism,
  type KafkaSaslSettings,
  type KafkaTlsSettings,
} from "./kafka-env.ts";
export { ConfigError, parseEnv } from "./parse-env.ts";
export {
  POSTGRES_SSL_MODES,
  type PostgresSslMode,
  type PostgresTlsSettings,
  postgresEnvProblems,
} from "./postgres-env.ts";
export { type RedisTlsSettings, redisEnvProblems } from "./redis-env.ts";
export { looksSecret, secret, secretVariableNames } from "./secret-env.ts";
export { regionOfQueueUrl, type SqsQueueUrls, sqsEnvProblems } from "./sqs-env.ts";
export { StackEnv, type StackSettings, stackSettingsFromEnv } from "./stack-env.ts";
