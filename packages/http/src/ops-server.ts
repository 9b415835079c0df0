import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { collectDefaultMetrics, Registry } from "prom-client";

/** Resolves when the dependency answers; rejects (with a reason, no PHI) when it does not. */
export type HealthCheck = () => Promise<void>;

export interface OpsServer {
  readonly port: number;
  readonly registry: Registry;
  close(): Promise<void>;
}

/**
 * The operations endpoint every service exposes:
 * `GET /healthz` (process is up), `GET /readyz` (every dependency check passes, else 503 with
 * the failing names), `GET /metrics` (Prometheus text format from this process's registry).
 */
export async function startOpsServer(options: {
  host?: string;
  port: number;
  checks?: Record<string, HealthCheck>;
  registry?: Registry;
  defaultMetrics?: boolean;
}): Promise<OpsServer> {
  const registry = options.registry ?? new Registry();
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });
  const checks = options.checks ?? {};

  const server: Server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    if (req.method !== "GET") {
      res.writeHead(405).end();
      return;
    }
    if (path === "/healthz") {
      res.writeHead(200, { "content-type": "application/json" }).end('{"status":"ok"}');
    } else if (path === "/readyz") {
      void readiness(checks).then((result) => {
        res
          .writeHead(result.ok ? 200 : 503, { "content-type": "application/json" })
          .end(JSON.stringify(result));
      });
    } else if (path === "/metrics") {
      void registry.metrics().then(
        (text) => res.writeHead(200, { "content-type": registry.contentType }).end(text),
        () => res.writeHead(500).end(),
      );
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host ?? "127.0.0.1", () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    registry,
    close: () => new Promise((resolve, reject) => server.close((err) => (err ? reject(err) : resolve()))),
  };
}

async function readiness(checks: Record<string, HealthCheck>) {
  const entries = await Promise.all(
    Object.entries(checks).map(async ([name, check]) => {
      try {
        await check();
        return [name, "ok"] as const;
      } catch (err) {
        return [name, err instanceof Error ? err.message : "failed"] as const;
      }
    }),
  );
  return { ok: entries.every(([, s]) => s === "ok"), checks: Object.fromEntries(entries) };
}
