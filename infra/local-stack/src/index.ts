export { type LocalStack, stackEnv, startStack, stopStack } from "./stack.ts";
export { PORTS, STACK_DIR } from "./paths.ts";
