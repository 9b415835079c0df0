import { spawn } from "node:child_process";
import { mkdirSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { stackPath } from "./paths.ts";

const pidFile = (name: string) => stackPath("run", `${name}.pid`);

/** The pid this stack recorded for `name`, if that process is still alive. */
export function runningPid(name: string): number | undefined {
  try {
    const pid = Number(readFileSync(pidFile(name), "utf8").trim());
    process.kill(pid, 0);
    return pid;
  } catch {
    return undefined;
  }
}

/** Starts a long-running engine detached from this process, output to `.stack/logs/<name>.log`. */
export function spawnDetached(
  name: string,
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv = {},
): number {
  mkdirSync(stackPath("run"), { recursive: true });
  mkdirSync(stackPath("logs"), { recursive: true });
  const log = openSync(stackPath("logs", `${name}.log`), "a");
  const child = spawn(command, args, {
    detached: true,
    stdio: ["ignore", log, log],
    env: { ...process.env, ...env },
  });
  if (child.pid === undefined) throw new Error(`could not start ${name} (${command})`);
  child.unref();
  writeFileSync(pidFile(name), String(child.pid));
  return child.pid;
}

/** SIGTERM, wait up to `graceMs`, then SIGKILL; removes the pid file. True if something was stopped. */
export async function stopProcess(name: string, graceMs = 15_000): Promise<boolean> {
  const pid = runningPid(name);
  rmSync(pidFile(name), { force: true });
  if (pid === undefined) return false;
  const group = -pid; // detached: the engine leads its own process group
  try {
    process.kill(group, "SIGTERM");
  } catch {
    return false;
  }
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    try {
      process.kill(group, 0);
    } catch {
      return true;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  try {
    process.kill(group, "SIGKILL");
  } catch {
    // already gone
  }
  return true;
}

/** Names of the engines with a pid file (running or not). */
export function runningEngines(): string[] {
  try {
    return readdirSync(stackPath("run"))
      .filter((f) => f.endsWith(".pid"))
      .map((f) => f.slice(0, -".pid".length));
  } catch {
    return [];
  }
}
