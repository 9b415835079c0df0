export { Registry } from "prom-client";
export { type HealthCheck, type OpsServer, startOpsServer } from "./ops-server.ts";
export { type Sample, sampledGauge } from "./sampled-gauge.ts";
export { installShutdown } from "./shutdown.ts";
