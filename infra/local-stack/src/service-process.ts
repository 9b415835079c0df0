import { spawn } from "node:child_process";
import type { Ending, ServiceProcess } from "./run-services.ts";

/** The last `max` lines of a stream of text chunks (each cut to `width` characters). */
export class LineTail {
  readonly #lines: string[] = [];
  #partial = "";

  constructor(
    private readonly max: number,
    private readonly width = 500,
  ) {}

  push(chunk: string): void {
    const parts = (this.#partial + chunk).split("\n");
    this.#partial = parts.pop() ?? "";
    for (const line of parts) this.#lines.push(line.slice(0, this.width));
    this.#lines.splice(0, Math.max(0, this.#lines.length - this.max));
  }

  lines(): string[] {
    const all = this.#partial === "" ? this.#lines : [...this.#lines, this.#partial.slice(0, this.width)];
    return all.slice(-this.max);
  }
}

/** Starts a service as a child process whose output goes on to ours and whose last lines are kept. */
export function spawnService(
  command: string,
  args: readonly string[],
  env: Record<string, string>,
  tailLines = 20,
): ServiceProcess {
  const child = spawn(command, args, { env, stdio: ["ignore", "pipe", "pipe"] });
  const tail = new LineTail(tailLines);
  for (const [stream, out] of [
    [child.stdout, process.stdout],
    [child.stderr, process.stderr],
  ] as const) {
    stream.setEncoding("utf8");
    stream.on("data", (chunk: string) => {
      out.write(chunk);
      tail.push(chunk);
    });
  }
  const ended = new Promise<Ending>((resolve) => {
    child.on("error", (err) => {
      tail.push(`\ncould not start ${command}: ${err.message}\n`);
      resolve({ code: null, signal: null });
    });
    // "close", not "exit": its output is read to the end, so the last lines are the last.
    child.on("close", (code, signal) => resolve({ code, signal }));
  });
  return {
    ended,
    kill: (signal) => void child.kill(signal),
    lastLines: () => tail.lines(),
  };
}

/** A readiness probe for a service's `GET /readyz`: true on 200, false on anything else. */
export function readyzProbe(url: string): () => Promise<boolean> {
  return async () => {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      await res.body?.cancel();
      return res.ok;
    } catch {
      return false;
    }
  };
}
