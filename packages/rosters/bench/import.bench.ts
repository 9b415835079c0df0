/**
 * Roster import benchmark (issue 4: "a million-row roster imports in minutes, not hours").
 *
 *   node --conditions=source --import tsx packages/rosters/bench/import.bench.ts [rows]
 *
 * Writes a synthetic payer attribution CSV (default 1,000,000 rows; streamed to a temp file, never
 * held in memory), then imports it into a fresh schema of the local PostgreSQL (DATABASE_URL, default
 * postgres://postgres:postgres@127.0.0.1:5432/homeward) three times: the first import (every patient,
 * identifier and attribution new), the same file again (all unchanged), and a next month's file
 * with 1% of members gone and 1% with a new PCP. Prints rows/s and seconds for each; drops the schema.
 */

import { once } from "node:events";
import { createReadStream, createWriteStream, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { createPool, migrate } from "@homeward/db";
import { ensureOrganization } from "@homeward/directory";
import { machineLine, writeBenchmarkSection } from "@homeward/testing/bench";
import { importRoster, isValidNpi } from "../src/index.ts";

const ROWS = Number(process.argv[2] ?? 1_000_000);
const URL_ = process.env.DATABASE_URL ?? "postgres://postgres:postgres@127.0.0.1:5432/homeward";
const SCHEMA = `bench_rosters_${Date.now().toString(36)}`;
const PRACTICES = 200;
const PCPS = 2_000;

const npi = (stem: number) => {
  const s = String(100_000_000 + stem);
  for (let d = 0; d <= 9; d++) if (isValidNpi(`${s}${d}`)) return `${s}${d}`;
  throw new Error("no check digit");
};
const pcpNpis = Array.from({ length: PCPS }, (_, i) => npi(i));
const FAMILY = ["Alder", "Birch", "Cedar", "Dogwood", "Elm", "Fir", "Gum", "Hazel", "Ironwood", "Juniper"];
const GIVEN = ["Ada", "Bo", "Cy", "Di", "Ed", "Flo", "Gus", "Hal", "Ivy", "Jo"];

/** Deterministic synthetic roster; `variant` 1 drops every 100th member and moves every 100th+1 to another PCP. */
async function writeRoster(path: string, variant: 0 | 1): Promise<void> {
  const out = createWriteStream(path);
  out.write(
    "Member ID,Member Last Name,Member First Name,DOB,Gender,Zip,Phone,Attributed Practice ID,PCP NPI\n",
  );
  let chunk = "";
  for (let i = 0; i < ROWS; i++) {
    if (variant === 1 && i % 100 === 0) continue;
    const practice = i % PRACTICES;
    const pcp = pcpNpis[(practice * 10 + (i % 10) + (variant === 1 && i % 100 === 1 ? 1 : 0)) % PCPS];
    const dob = `19${30 + (i % 70)}-${String(1 + (i % 12)).padStart(2, "0")}-${String(1 + (i % 28)).padStart(2, "0")}`;
    chunk += `BC${String(i).padStart(9, "0")},${FAMILY[i % 10]}${i % 997},${GIVEN[(i >> 3) % 10]},${dob},${i % 2 ? "F" : "M"},${String(1000 + (i % 90_000)).padStart(5, "0")},617555${String(i % 10_000).padStart(4, "0")},P${practice},${pcp}\n`;
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await once(out, "drain");
      chunk = "";
    }
  }
  out.end(chunk);
  await once(out, "finish");
}

const settings = { url: URL_, schema: SCHEMA };
await migrate(settings);
const pool = createPool({ ...settings, max: 4 });
const files = [join(tmpdir(), `${SCHEMA}-m1.csv`), join(tmpdir(), `${SCHEMA}-m2.csv`)] as const;
try {
  const organization = { npi: null, tin: null, timeZone: "America/New_York", parentId: null };
  for (let g = 0; g < PRACTICES; g++)
    await ensureOrganization(pool, {
      ...organization,
      kind: "practice",
      code: `P${g}`,
      name: `Practice ${g}`,
    });
  await ensureOrganization(pool, {
    ...organization,
    kind: "health_plan",
    code: "BLUECARE",
    name: "BlueCare",
  });
  await writeRoster(files[0], 0);
  await writeRoster(files[1], 1);
  console.log(`roster import benchmark, ${machineLine()}`);
  console.log(
    `${ROWS.toLocaleString("en-US")} rows, ${(statSync(files[0]).size / 1e6).toFixed(0)} MB CSV, schema ${SCHEMA}`,
  );
  const runs: [string, string, string][] = [
    ["first import (all new)", files[0], "2024-04-01"],
    ["same file again (unchanged)", files[0], "2024-05-01"],
    ["next month (1% ended, 1% new PCP)", files[1], "2024-06-01"],
  ];
  const rows: string[] = [];
  for (const [label, file, asOf] of runs) {
    let mergeStarted = 0;
    const t0 = performance.now();
    const r = await importRoster({
      pool,
      kind: "attribution",
      source: "bluecare-attribution",
      organization: "BLUECARE",
      input: createReadStream(file),
      asOf,
      onProgress: (p) => {
        if (p.phase === "merging") mergeStarted = performance.now();
      },
    });
    const seconds = (performance.now() - t0) / 1000;
    console.log(
      `${label}: ${seconds.toFixed(1)} s total (read+stage ${((mergeStarted - t0) / 1000).toFixed(1)} s, merge ${((performance.now() - mergeStarted) / 1000).toFixed(1)} s), ` +
        `${Math.round(r.read / seconds).toLocaleString("en-US")} rows/s; inserted ${r.inserted}, updated ${r.updated}, ` +
        `ended ${r.ended}, unchanged ${r.unchanged}, errors ${r.errorCount}`,
    );
    rows.push(
      `| ${label} | ${seconds.toFixed(1)} | ${((mergeStarted - t0) / 1000).toFixed(1)} | ${((performance.now() - mergeStarted) / 1000).toFixed(1)} | ${Math.round(r.read / seconds).toLocaleString("en-US")} | ${r.inserted} / ${r.updated} / ${r.ended} / ${r.unchanged} |`,
    );
  }
  writeBenchmarkSection(
    "roster-import",
    [
      "## roster import",
      "",
      `${machineLine()}. ${ROWS.toLocaleString("en-US")}-row payer attribution roster (${(statSync(files[0]).size / 1e6).toFixed(0)} MB CSV, synthetic), local PostgreSQL, fresh schema.`,
      "Run: `node --conditions=source --import tsx packages/rosters/bench/import.bench.ts [rows]`.",
      "",
      "| run | total s | read + check + stage s | merge s | rows/s | inserted / updated / ended / unchanged |",
      "| --- | ---: | ---: | ---: | ---: | --- |",
      ...rows,
      "",
      "Target (issue 4): a million-row roster imports in minutes, not hours.",
    ].join("\n"),
  );
} finally {
  await pool.query(`DROP SCHEMA ${SCHEMA} CASCADE`);
  await pool.end();
  for (const f of files) rmSync(f, { force: true });
}
