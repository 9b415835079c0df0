/** How a process ended: its exit code, or the signal that ended it. */
export interface Ending {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A started service as `superviseServices` sees it (a child process, or a fake in tests). */
export interface ServiceProcess {
  /** Resolves once, when the process has ended and its output is read to the end. */
  readonly ended: Promise<Ending>;
  kill(signal: NodeJS.Signals): void;
  /** Its last lines of output (stdout and stderr), oldest first. */
  lastLines(): readonly string[];
}

export interface SupervisedService {
  name: string;
  /** One readiness probe (its `/readyz`); a service without one counts as up once started. */
  ready?: () => Promise<boolean>;
  /** What the probe asks, for the message when it never says yes. */
  readyAt?: string;
}

export interface SuperviseOptions<S extends SupervisedService> {
  start: (service: S) => ServiceProcess;
  /** Every service must be ready this long after the start, or none is kept. */
  readyTimeoutMs: number;
  pollMs: number;
  /** SIGTERM, then SIGKILL for whatever is still running after this long. */
  stopGraceMs: number;
  /** Resolves when the operator asks to stop (Ctrl-C). */
  stopRequested: Promise<void>;
  log: { info: (text: string) => void; error: (text: string) => void };
}

/**
 * Runs the services `npm start` starts, all or none: if one exits, or is not ready within
 * `readyTimeoutMs`, or stops later on, the others are stopped and the result is 1, with the
 * service's name and its last lines; a demo without its api or, silently, without its notifier
 * is worse than no demo. Resolves with the exit code for `npm start`.
 */
export async function superviseServices<S extends SupervisedService>(
  services: readonly S[],
  options: SuperviseOptions<S>,
): Promise<number> {
  const t0 = Date.now();
  const running = services.map((service) => {
    const child = options.start(service);
    const entry = { service, child, ending: undefined as Ending | undefined };
    void child.ended.then((ending) => {
      entry.ending = ending;
    });
    return entry;
  });
  const firstExit = Promise.race(running.map((r) => r.child.ended.then((ending) => ({ ...r, ending }))));
  const operatorStop = options.stopRequested.then(() => ({ kind: "stop" }) as const);

  const waiting = new AbortController();
  const notReady = new Set(running.filter((r) => r.service.ready !== undefined));
  const startup = await Promise.race([
    Promise.all(
      [...notReady].map(async (r) => {
        if (await pollUntilReady(r.service, options.pollMs, waiting.signal)) notReady.delete(r);
      }),
    ).then(() => ({ kind: "ready" }) as const),
    firstExit.then((exit) => ({ kind: "exited", ...exit }) as const),
    delay(options.readyTimeoutMs, waiting.signal).then(() => ({ kind: "timeout" }) as const),
    operatorStop,
  ]);
  waiting.abort();

  switch (startup.kind) {
    case "stop":
      return stopAll(running, options);
    case "exited":
      options.log.error(
        failure(startup.service.name, `${howItEnded(startup.ending)} before it was ready`, startup.child),
      );
      return stopAll(running, options, 1);
    case "timeout":
      for (const r of notReady)
        options.log.error(
          failure(
            r.service.name,
            `was not ready within ${options.readyTimeoutMs / 1000}s${r.service.readyAt ? ` (${r.service.readyAt})` : ""}`,
            r.child,
          ),
        );
      return stopAll(running, options, 1);
    case "ready":
      break;
  }
  options.log.info(
    `npm start: all ${running.length} services are up (${((Date.now() - t0) / 1000).toFixed(1)}s); Ctrl-C stops them`,
  );

  const later = await Promise.race([
    firstExit.then((exit) => ({ kind: "exited", ...exit }) as const),
    operatorStop,
  ]);
  if (later.kind === "stop") return stopAll(running, options);
  options.log.error(failure(later.service.name, `${howItEnded(later.ending)} after it came up`, later.child));
  return stopAll(running, options, 1);
}

/** Asks the probe every `pollMs` until it says yes (true) or the wait is called off (false). */
async function pollUntilReady(
  service: SupervisedService,
  pollMs: number,
  signal: AbortSignal,
): Promise<boolean> {
  while (!signal.aborted) {
    if (await (service.ready?.() ?? Promise.resolve(true)).catch(() => false)) return true;
    await delay(pollMs, signal);
  }
  return false;
}

/** SIGTERM to every service still running, SIGKILL after the grace; resolves when all have ended. */
async function stopAll(
  running: readonly { child: ServiceProcess; ending: Ending | undefined }[],
  options: Pick<SuperviseOptions<SupervisedService>, "stopGraceMs" | "log">,
  failed?: number,
): Promise<number> {
  const alive = running.filter((r) => r.ending === undefined);
  if (failed !== undefined && alive.length > 0) options.log.error("npm start: stopping the other services");
  for (const r of alive) r.child.kill("SIGTERM");
  const grace = new AbortController();
  const allEnded = Promise.all(running.map((r) => r.child.ended));
  await Promise.race([allEnded, delay(options.stopGraceMs, grace.signal)]);
  grace.abort();
  for (const r of running) if (r.ending === undefined) r.child.kill("SIGKILL");
  const endings = await allEnded;
  return failed ?? endings.find((e) => e.code !== null && e.code !== 0)?.code ?? 0;
}

function howItEnded(ending: Ending): string {
  if (ending.signal !== null) return `was ended by ${ending.signal}`;
  return ending.code === null ? "could not be started" : `exited with code ${ending.code}`;
}

function failure(name: string, what: string, child: ServiceProcess): string {
  const lines = child.lastLines();
  return [
    `npm start: ${name} ${what}. ${lines.length > 0 ? "Its last lines:" : "It wrote nothing."}`,
    ...lines.map((l) => `  | ${l}`),
  ].join("\n");
}

/** Resolves after `ms`, or at once when `signal` aborts (and holds no timer after that). */
function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
  });
}
