import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { fileURLToPath } from "node:url";
import { STACK_DIR } from "@homeward/local-stack";

const DOC = fileURLToPath(new URL("../../../docs/benchmarks.md", import.meta.url));
const HEADER = `# Benchmarks

Numbers from the bench scripts (\`npm run bench\`, or each script named in its section). Each script
rewrites only its own section, between its markers.
`;

/** "2026-11-23, 2 cores (model), Node v20…, linux/x64": where and when a number was measured. */
export function machineLine(): string {
  const cores = cpus();
  return `${new Date().toISOString().slice(0, 10)}, ${cores.length} cores (${cores[0]?.model.trim() ?? "unknown"}), Node ${process.version}, ${process.platform}/${process.arch}`;
}

/**
 * Replaces the section `name` of docs/benchmarks.md (between `<!-- name:begin -->` and
 * `<!-- name:end -->`), appending it when absent and creating the file when needed.
 * With BENCH_NO_WRITE=1 it writes nothing (trial runs, profiling): the numbers are only printed.
 */
export function writeBenchmarkSection(name: string, markdown: string): void {
  if (process.env.BENCH_NO_WRITE === "1") return;
  const begin = `<!-- ${name}:begin -->`;
  const end = `<!-- ${name}:end -->`;
  const section = `${begin}\n${markdown.trim()}\n${end}`;
  mkdirSync(fileURLToPath(new URL("../../../docs", import.meta.url)), { recursive: true });
  const doc = existsSync(DOC) ? readFileSync(DOC, "utf8") : HEADER;
  const from = doc.indexOf(begin);
  const to = doc.indexOf(end, from);
  const next =
    from === -1 || to === -1
      ? `${doc.trimEnd()}\n\n${section}\n`
      : `${doc.slice(0, from)}${section}${doc.slice(to + end.length)}`;
  writeFileSync(DOC, next);
}

/** CPU seconds (user + system) process `pid` has used so far, from /proc; undefined where unreadable. */
export function processCpuSeconds(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
    return (Number(fields[11]) + Number(fields[12])) / 100; // clock ticks, 100 per second on Linux
  } catch {
    return undefined;
  }
}

/** The local stack's Kafka broker process, when this machine runs it (not under Docker). */
export function kafkaBrokerPid(): number | undefined {
  try {
    return Number(readFileSync(`${STACK_DIR}/run/kafka.pid`, "utf8").trim()) || undefined;
  } catch {
    return undefined;
  }
}
