export {
  type ElasticMqNode,
  resetElasticMqNode,
  startElasticMqNode,
  stopElasticMqNode,
} from "./elasticmq.ts";
export { type KafkaNode, resetKafkaNode, startKafkaNode, stopKafkaNode } from "./kafka.ts";
export { PORTS, STACK_DIR } from "./paths.ts";
export { type LocalStack, stackEnv, startStack, stopStack } from "./stack.ts";
