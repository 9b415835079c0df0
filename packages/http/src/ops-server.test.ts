import { Counter, Registry } from "prom-client";
import { afterEach, describe, expect, it } from "vitest";
import { type OpsServer, startOpsServer } from "./index.ts";

let server: OpsServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe("ops server", () => {
  it("serves liveness, readiness with failing checks named, and Prometheus metrics", async () => {
    const registry = new Registry();
    const counter = new Counter({ name: "homeward_test_total", help: "test counter", registers: [registry] });
    counter.inc(3);
    let kafkaUp = false;
    server = await startOpsServer({
      port: 0,
      registry,
      checks: {
        redis: async () => {},
        kafka: async () => {
          if (!kafkaUp) throw new Error("no broker answered");
        },
      },
    });
    const base = `http://127.0.0.1:${server.port}`;
    expect((await fetch(`${base}/healthz`)).status).toBe(200);

    const notReady = await fetch(`${base}/readyz`);
    expect(notReady.status).toBe(503);
    expect(await notReady.json()).toEqual({
      ok: false,
      checks: { redis: "ok", kafka: "no broker answered" },
    });
    kafkaUp = true;
    expect((await fetch(`${base}/readyz`)).status).toBe(200);

    const metrics = await fetch(`${base}/metrics`);
    expect(metrics.headers.get("content-type")).toMatch(/^text\/plain/);
    const text = await metrics.text();
    expect(text).toContain("# TYPE homeward_test_total counter");
    expect(text).toContain("homeward_test_total 3");
    expect(text).toContain("process_cpu_user_seconds_total");
    expect((await fetch(`${base}/nope`)).status).toBe(404);
  });
});
