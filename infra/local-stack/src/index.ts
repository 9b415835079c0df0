export {
  type ElasticMqNode,
  resetElasticMqNode,
  startElasticMqNode,
  stopElasticMqNode,
} from "./elasticmq.ts";
export { type KafkaNode, resetKafkaNode, startKafkaNode, stopKafkaNode } from "./kafka.ts";
export {
  type KafkaSecureClient,
  type KafkaSecureNode,
  type KafkaTestUser,
  startKafkaSecureNode,
  stopKafkaSecureNode,
} from "./kafka-secure-node.ts";
export { PORTS, STACK_DIR } from "./paths.ts";
export { type LocalStack, stackEnv, startStack, stopStack } from "./stack.ts";
