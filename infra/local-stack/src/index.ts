export { PORTS, STACK_DIR } from "./paths.ts";
export { type LocalStack, stackEnv, startStack, stopStack } from "./stack.ts";
