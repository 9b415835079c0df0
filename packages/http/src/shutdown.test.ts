import { createLogger } from "@homeward/logger";
import { describe, expect, it, vi } from "vitest";
import { installShutdown } from "./shutdown.ts";

function harness(stop: () => Promise<void>) {
  const handlers = new Map<string, () => void>();
  const exit = vi.fn<(code: number) => void>();
  const logger = createLogger({ service: "test", level: "fatal" });
  installShutdown({ logger, stop, exit, on: (signal, handler) => handlers.set(signal, handler) });
  return { handlers, exit };
}

describe("installShutdown", () => {
  it("stops once on SIGTERM or SIGINT and exits 0", async () => {
    const stop = vi.fn(async () => {});
    const { handlers, exit } = harness(stop);
    expect([...handlers.keys()]).toEqual(["SIGTERM", "SIGINT"]);
    handlers.get("SIGTERM")?.();
    handlers.get("SIGINT")?.();
    await vi.waitFor(() => expect(exit).toHaveBeenCalledWith(0));
    expect(stop).toHaveBeenCalledTimes(1);
  });

  it("exits 1 when stopping fails", async () => {
    const { handlers, exit } = harness(async () => {
      throw new Error("Kafka would not close");
    });
    handlers.get("SIGTERM")?.();
    await vi.waitFor(() => expect(exit).toHaveBeenCalledWith(1));
  });
});
