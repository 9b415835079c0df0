import { Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import { sampledGauge } from "./sampled-gauge.ts";

describe("sampledGauge", () => {
  it("reports what the sample reads at each scrape, dropping series that are gone", async () => {
    const registry = new Registry();
    let depth = [
      { labels: { queue: "alerts" }, value: 4 },
      { labels: { queue: "alerts-dlq" }, value: 1 },
    ];
    sampledGauge({
      registry,
      name: "t_depth",
      help: "h",
      labelNames: ["queue"],
      sample: async () => depth,
      onError: () => {},
    });
    expect(await registry.metrics()).toContain('t_depth{queue="alerts-dlq"} 1');
    depth = [{ labels: { queue: "alerts" }, value: 0 }];
    const text = await registry.metrics();
    expect(text).toContain('t_depth{queue="alerts"} 0');
    expect(text).not.toContain("alerts-dlq");
  });

  it("answers without the gauge's series when the read fails, and reports the failure", async () => {
    const registry = new Registry();
    const errors: unknown[] = [];
    sampledGauge({
      registry,
      name: "t_lag",
      help: "h",
      labelNames: ["topic"],
      sample: async () => {
        throw new Error("broker down");
      },
      onError: (err) => errors.push(err),
    });
    const text = await registry.metrics();
    expect(text).not.toMatch(/^t_lag\{/m);
    expect(errors).toHaveLength(1);
  });
});
