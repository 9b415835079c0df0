import type { SoakResult } from "./soak-run.ts";

const percentile = (values: readonly number[], p: number) => {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
};
const maxOf = (values: readonly number[]) => (values.length === 0 ? Number.NaN : Math.max(...values));
const seconds = (ms: number) => (Number.isNaN(ms) ? "–" : `${(ms / 1000).toFixed(2)} s`);

/** A soak run as a Markdown table: what was done to it, and what it proves. */
export function soakTable(runs: readonly SoakResult[]): string {
  const lines = [
    "| run | messages | rate | faults injected | AA | on topic (extra copies) | tasks once / expected | alerts once / expected | lost | duplicated | resent after a kill (same key) | stuck | ADT→alert p50 / p99 / max, calm | during faults |",
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
  ];
  runs.forEach((r, i) => {
    const f = r.findings;
    const byKind = new Map<string, number>();
    for (const x of r.faultsDone) byKind.set(x.kind, (byKind.get(x.kind) ?? 0) + 1);
    const faults = [...byKind].map(([k, n]) => `${k} ×${n}`).join(", ") || "none";
    const lost = f.eventsOnTopic.missing + f.tasks.missing + f.alerts.lost + f.notAccepted;
    const duplicated = f.tasks.duplicated + f.alerts.duplicated + f.alerts.unexpected;
    const stuck = f.stuck.deliveriesNotSent + f.stuck.queued + f.stuck.inFlight + f.stuck.deadLettered;
    const lat = (v: number[]) =>
      `${seconds(percentile(v, 50))} / ${seconds(percentile(v, 99))} / ${seconds(maxOf(v))}`;
    lines.push(
      `| ${i + 1} | ${r.sent.length} | ${(r.sent.length / r.feedSeconds).toFixed(1)}/s | ${faults} | ${f.accepted} | ${f.accepted - f.eventsOnTopic.missing} (${f.eventsOnTopic.extraCopies}) | ${f.tasks.exactlyOnce} / ${f.tasks.expected} | ${f.alerts.exactlyOnce} / ${f.alerts.expected} | ${lost} | ${duplicated} | ${f.alerts.resentAfterCrash} | ${stuck} | ${lat(f.latency.calm)} | ${lat(f.latency.faulted)} |`,
    );
  });
  return lines.join("\n");
}

/** Capacity runs (no faults) as a table: rate, latency, and CPU per message of each process. */
export function capacityTable(runs: readonly SoakResult[]): string {
  const names = Object.keys(runs[0]?.cpuSeconds ?? {});
  const lines = [
    `| offered rate | achieved | messages | alerts | ADT→alert p50 / p99 / max | ${names.map((n) => `${n} CPU ms/msg`).join(" | ")} | lost / duplicated |`,
    `| --- | --- | --- | --- | --- | ${names.map(() => "---").join(" | ")} | --- |`,
  ];
  for (const r of runs) {
    const f = r.findings;
    const n = r.sent.length;
    const v = f.latency.calm;
    const cpu = names.map((name) => ((r.cpuSeconds[name] ?? Number.NaN) * 1000) / n).map((x) => x.toFixed(2));
    const lost = f.eventsOnTopic.missing + f.tasks.missing + f.alerts.lost + f.notAccepted;
    const dup = f.tasks.duplicated + f.alerts.duplicated + f.alerts.unexpected;
    lines.push(
      `| ${r.offeredRate}/s | ${(n / r.feedSeconds).toFixed(1)}/s | ${n} | ${f.alerts.exactlyOnce} | ${seconds(percentile(v, 50))} / ${seconds(percentile(v, 99))} / ${seconds(maxOf(v))} | ${cpu.join(" | ")} | ${lost} / ${dup} |`,
    );
  }
  return lines.join("\n");
}
