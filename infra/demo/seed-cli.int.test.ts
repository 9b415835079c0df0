import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createPool } from "@homeward/db";
import { authenticate } from "@homeward/directory";
import { isolation } from "@homeward/testing";
import { describe, expect, it } from "vitest";
import { DEMO_USERS } from "./demo-users.ts";

const REPO_ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** `npm run demo:seed` as a person runs it, with the given database settings and arguments. */
function seedCli(env: Record<string, string>, args: string[] = []): Promise<{ code: number; out: string }> {
  const child = spawn(
    process.execPath,
    ["--conditions=source", "--import", "tsx", "infra/demo/seed-cli.ts", ...args],
    { cwd: REPO_ROOT, env: { ...process.env, ...env }, timeout: 120_000 },
  );
  let out = "";
  child.stdout.on("data", (d: Buffer) => {
    out += d.toString();
  });
  child.stderr.on("data", (d: Buffer) => {
    out += d.toString();
  });
  child.stdin.end();
  return new Promise((resolve) => child.on("close", (code) => resolve({ code: code ?? -1, out })));
}

describe("demo:seed", () => {
  it("refuses a database on another host, before connecting, unless told", async () => {
    // .invalid never resolves: had the CLI tried to connect, it would fail with another message and code.
    const refused = await seedCli({
      DATABASE_URL: "postgres://homeward:db-secret@db.homeward.invalid:5432/homeward",
      DATABASE_SCHEMA: "demo_remote",
    });
    expect(refused.code).toBe(2);
    expect(refused.out).toMatch(/refusing to seed the demo into the database on db\.homeward\.invalid/);
    expect(refused.out).toContain("--allow-remote-database");
    expect(refused.out).not.toContain("db-secret");

    // Told, it goes ahead: 127.0.0.2 is not one of the local names, yet a loopback address where
    // nothing listens, so the run gets as far as connecting and fails there instead.
    const allowed = await seedCli(
      { DATABASE_URL: "postgres://homeward:db-secret@127.0.0.2:1/homeward", DATABASE_SCHEMA: "demo_remote" },
      ["--allow-remote-database"],
    );
    expect(allowed.code).toBe(1);
    expect(allowed.out).not.toContain("refusing");
  });

  it("prints each demo account's own password once, with a warning, and never again", async () => {
    const iso = isolation("demo-cli");
    const env = { DATABASE_URL: iso.settings.postgres.url, DATABASE_SCHEMA: iso.settings.postgres.schema };
    const outDir = mkdtempSync(join(tmpdir(), "seed-cli-"));
    const first = await seedCli(env, ["--out-dir", outDir, "--as-of", "2026-11-23"]);
    expect(first.code).toBe(0);
    expect(first.out).toMatch(/DEMO ACCOUNTS: synthetic data, for this local demo only/);
    const printed = new Map(
      [...first.out.matchAll(/│ {3}(\S+@\S+) +([\w-]{24}) {2}\((\w+)\)/g)].map((m) => [
        m[1] ?? "",
        m[2] ?? "",
      ]),
    );
    expect([...printed.keys()]).toEqual(DEMO_USERS.map((u) => u.email));
    expect(first.out).not.toContain("homeward-demo");
    // What the demo holds for the workspace, in counts (never a patient).
    expect(first.out).toMatch(/care manager cm3@springvale\.example: Priority I \d+ \/ II \d+ \/ III \d+/);
    expect(first.out).toMatch(/tracking list: \d+ patients, \d+ six-month reviews/);
    expect(first.out).toMatch(/replays the demo's recent past \(\d+ patients\)/);

    const pool = createPool({ ...iso.settings.postgres, max: 1 });
    try {
      for (const [email, password] of printed)
        expect(await authenticate(pool, email, password), email).toBeDefined();
    } finally {
      await pool.end();
    }

    const second = await seedCli(env, ["--out-dir", outDir, "--as-of", "2026-11-23"]);
    expect(second.code).toBe(0);
    expect(second.out).toContain("demo sign-ins: already there");
    for (const password of printed.values()) expect(second.out).not.toContain(password);
  });
});
