import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream, mkdirSync, type WriteStream } from "node:fs";
import { join } from "node:path";

/**
 * One Homeward service as its own OS process, as production runs it, so a soak can kill it with
 * SIGKILL (no shutdown hook runs, nothing is flushed) and start it again. Output goes to a log file.
 */
export class ServiceProcess {
  #child: ChildProcess | undefined;
  #log: WriteStream;
  kills = 0;
  starts = 0;
  /** Times it exited before it was ready (and was started again). */
  exitsWhileStarting = 0;

  constructor(
    readonly name: string,
    private readonly entry: string,
    private readonly env: Record<string, string>,
    private readonly opsPort: number,
    private readonly repoRoot: string,
    logDir: string,
  ) {
    mkdirSync(logDir, { recursive: true });
    this.#log = createWriteStream(join(logDir, `${name}.log`), { flags: "a" });
  }

  /** The current process's pid (for CPU accounting), while it runs. */
  get pid(): number | undefined {
    return this.running ? this.#child?.pid : undefined;
  }

  get running(): boolean {
    return this.#child !== undefined && this.#child.exitCode === null && this.#child.signalCode === null;
  }

  /**
   * Starts the process and waits until its /readyz answers 200. A process that exits while
   * starting (a dependency it needs at start, such as SQS, is down) is started again after a
   * pause, as a supervisor (systemd, Kubernetes) would, until `timeoutMs`.
   */
  async start(timeoutMs = 120_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      this.#spawn();
      while (Date.now() < deadline && this.running) {
        if (await this.ready()) return;
        await new Promise((r) => setTimeout(r, 250));
      }
      if (!this.running) {
        this.exitsWhileStarting++;
        await new Promise((r) => setTimeout(r, 2000));
      }
    }
    throw new Error(`${this.name} not ready within ${timeoutMs} ms (see its log)`);
  }

  #spawn(): void {
    const child = spawn(process.execPath, ["--conditions=source", "--import", "tsx", this.entry], {
      cwd: this.repoRoot,
      env: { ...this.env, OPS_PORT: String(this.opsPort), PATH: process.env.PATH ?? "" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout?.pipe(this.#log, { end: false });
    child.stderr?.pipe(this.#log, { end: false });
    this.#child = child;
    this.starts++;
  }

  async ready(): Promise<boolean> {
    try {
      const res = await fetch(`http://127.0.0.1:${this.opsPort}/readyz`, {
        signal: AbortSignal.timeout(1000),
      });
      return res.status === 200;
    } catch {
      return false;
    }
  }

  /** SIGKILL: the process gets no chance to finish anything. Resolves once it is gone. */
  async kill9(): Promise<void> {
    const child = this.#child;
    if (child === undefined || !this.running) return;
    const gone = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    child.kill("SIGKILL");
    this.kills++;
    await gone;
  }

  /** SIGTERM and wait (the service's own shutdown), for the end of a run. */
  async stop(): Promise<void> {
    const child = this.#child;
    if (child === undefined || !this.running) return;
    const gone = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
    await gone;
    clearTimeout(timer);
  }

  close(): void {
    this.#log.end();
  }
}
