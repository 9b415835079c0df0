import { describe, expect, it } from "vitest";
import {
  type Ending,
  type ServiceProcess,
  type SupervisedService,
  superviseServices,
} from "./run-services.ts";
import { LineTail } from "./service-process.ts";

/** A service process that ends when told to (or on the signals it obeys), recording what it was sent. */
class FakeProcess implements ServiceProcess {
  readonly signals: NodeJS.Signals[] = [];
  readonly ended: Promise<Ending>;
  end!: (ending: Ending) => void;

  constructor(
    private readonly lines: string[] = [],
    private readonly obeys: readonly NodeJS.Signals[] = ["SIGTERM", "SIGKILL"],
  ) {
    this.ended = new Promise((resolve) => {
      this.end = resolve;
    });
  }

  kill(signal: NodeJS.Signals): void {
    this.signals.push(signal);
    if (this.obeys.includes(signal)) this.end({ code: signal === "SIGTERM" ? 0 : null, signal: null });
  }

  lastLines(): readonly string[] {
    return this.lines;
  }
}

const FAST = { readyTimeoutMs: 200, pollMs: 5, stopGraceMs: 50 };

/** The four services with probes and the feed without one, as `npm start` runs them. */
function launch(
  overrides: Partial<Record<string, { process?: FakeProcess; ready?: () => Promise<boolean> }>> = {},
  stopRequested: Promise<void> = new Promise(() => {}),
) {
  const names = ["adt-listener", "matcher", "notifier", "api", "feed-simulator"];
  const processes = new Map(names.map((n) => [n, overrides[n]?.process ?? new FakeProcess()]));
  const services: SupervisedService[] = names.map((name) => ({
    name,
    ...(name === "feed-simulator"
      ? {}
      : { ready: overrides[name]?.ready ?? (async () => true), readyAt: `http://127.0.0.1/${name}/readyz` }),
  }));
  const info: string[] = [];
  const errors: string[] = [];
  const code = superviseServices(services, {
    ...FAST,
    start: (s) => processes.get(s.name) as FakeProcess,
    stopRequested,
    log: { info: (t) => info.push(t), error: (t) => errors.push(t) },
  });
  return { code, processes, info, errors };
}

describe("npm start runs every service or none", () => {
  it("stops the others and fails, naming the service and its last lines, when one exits during startup", async () => {
    const notifier = new FakeProcess(['{"msg":"starting"}', "Error: Another migration is already running"]);
    const run = launch({ notifier: { process: notifier, ready: async () => false } });
    notifier.end({ code: 1, signal: null });

    expect(await run.code).toBe(1);
    expect(run.errors[0]).toBe(
      [
        "npm start: notifier exited with code 1 before it was ready. Its last lines:",
        '  | {"msg":"starting"}',
        "  | Error: Another migration is already running",
      ].join("\n"),
    );
    for (const [name, p] of run.processes)
      expect(p.signals, name).toEqual(name === "notifier" ? [] : ["SIGTERM"]);
    expect(run.info).toEqual([]);
  });

  it("stops every service and fails when one is not ready within the bound", async () => {
    const run = launch({ api: { ready: async () => false } });

    expect(await run.code).toBe(1);
    expect(run.errors[0]).toBe(
      "npm start: api was not ready within 0.2s (http://127.0.0.1/api/readyz). It wrote nothing.",
    );
    for (const p of run.processes.values()) expect(p.signals).toEqual(["SIGTERM"]);
  });

  it("kills a service that does not stop within the grace", async () => {
    const stuck = new FakeProcess([], ["SIGKILL"]);
    const notifier = new FakeProcess();
    const run = launch({ matcher: { process: stuck }, notifier: { process: notifier } });
    notifier.end({ code: null, signal: "SIGKILL" });

    expect(await run.code).toBe(1);
    expect(run.errors[0]).toMatch(/^npm start: notifier was ended by SIGKILL before it was ready/);
    expect(stuck.signals).toEqual(["SIGTERM", "SIGKILL"]);
  });

  it("waits for a slow service, says when all are up, and stops them all with exit 0 on Ctrl-C", async () => {
    let asked = 0;
    let stop = () => {};
    const stopRequested = new Promise<void>((resolve) => {
      stop = resolve;
    });
    const run = launch({ api: { ready: async () => ++asked >= 5 } }, stopRequested);
    await expect.poll(() => run.info.length).toBe(1);
    expect(run.info[0]).toMatch(/^npm start: all 5 services are up \(\d+\.\ds\); Ctrl-C stops them$/);
    expect(asked).toBe(5);
    for (const p of run.processes.values()) expect(p.signals).toEqual([]);

    stop();
    expect(await run.code).toBe(0);
    for (const p of run.processes.values()) expect(p.signals).toEqual(["SIGTERM"]);
    expect(run.errors).toEqual([]);
  });

  it("fails loudly when a service stops after everything came up", async () => {
    const feed = new FakeProcess(["could not connect to 127.0.0.1:2575 within 60000 ms"]);
    const run = launch({ "feed-simulator": { process: feed } });
    await expect.poll(() => run.info.length).toBe(1);
    feed.end({ code: 1, signal: null });

    expect(await run.code).toBe(1);
    expect(run.errors[0]).toBe(
      [
        "npm start: feed-simulator exited with code 1 after it came up. Its last lines:",
        "  | could not connect to 127.0.0.1:2575 within 60000 ms",
      ].join("\n"),
    );
    expect(run.errors[1]).toBe("npm start: stopping the other services");
  });
});

describe("LineTail", () => {
  it("keeps the last lines across chunks, with the unfinished one, each cut to its width", () => {
    const tail = new LineTail(3, 10);
    tail.push("one\ntw");
    tail.push("o\nthree\nfour\nfive is a long line\nsi");
    expect(tail.lines()).toEqual(["four", "five is a ", "si"]);
    tail.push("x\n");
    expect(tail.lines()).toEqual(["four", "five is a ", "six"]);
  });
});
