export { type HealthCheck, type OpsServer, startOpsServer } from "./ops-server.ts";
export { Registry } from "prom-client";
