import type { Logger } from "@homeward/logger";

/**
 * Stops a service cleanly on SIGTERM/SIGINT: `stop` runs once (a second signal while stopping is
 * ignored), then the process exits 0, or 1 if stopping failed. Each service's main.ts calls this
 * after everything is started; `stop` undoes the start in reverse order.
 */
export function installShutdown(options: {
  logger: Logger;
  stop: () => Promise<void>;
  signals?: readonly NodeJS.Signals[];
  /** The exit call (tests pass their own). */
  exit?: (code: number) => void;
  on?: (signal: NodeJS.Signals, handler: () => void) => void;
}): void {
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const on = options.on ?? ((signal, handler) => void process.on(signal, handler));
  let stopping = false;
  for (const signal of options.signals ?? ["SIGTERM", "SIGINT"]) {
    on(signal, () => {
      if (stopping) return;
      stopping = true;
      options.logger.info({ signal }, "stopping");
      options.stop().then(
        () => exit(0),
        (err: unknown) => {
          options.logger.error({ err }, "unclean stop");
          exit(1);
        },
      );
    });
  }
}
