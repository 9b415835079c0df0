import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

// The alert rules shipped in infra/prometheus name metrics by string; a renamed or removed metric
// would leave a rule that never fires. Each name must be one a service or package registers.
const root = join(import.meta.dirname, "..", "..");
const rulesDir = join(root, "infra", "prometheus");

function* sources(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === "node_modules" || entry.name === "dist") continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* sources(path);
    else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts")) yield path;
  }
}

const registered = new Set<string>();
for (const top of ["services", "packages"]) {
  for (const file of sources(join(root, top))) {
    for (const [, name] of readFileSync(file, "utf8").matchAll(/name: "(homeward_[a-z0-9_]+)"/g))
      registered.add(name as string);
  }
}
/** Series a histogram exposes besides its own name. */
const base = (series: string) => series.replace(/_(bucket|sum|count)$/, "");

describe("Prometheus rules in infra/prometheus", () => {
  const files = readdirSync(rulesDir).filter((f) => f.endsWith(".rules.yml"));

  it("ship the feed and pipeline rules", () => {
    expect(files.sort()).toEqual(["homeward-feeds.rules.yml", "homeward-pipeline.rules.yml"]);
    expect(statSync(join(rulesDir, "prometheus.example.yml")).isFile()).toBe(true);
  });

  for (const file of files) {
    it(`${file} names only metrics Homeward registers`, () => {
      const text = readFileSync(join(rulesDir, file), "utf8");
      const exprs = [...text.matchAll(/expr:\s*(?:>-\s*)?([\s\S]*?)\n\s+(?:for|labels):/g)].map(
        (m) => m[1] ?? "",
      );
      expect(exprs.length).toBeGreaterThan(0);
      const named = new Set(exprs.flatMap((e) => [...e.matchAll(/\bhomeward_[a-z0-9_]+/g)].map((m) => m[0])));
      expect(named.size).toBeGreaterThan(0);
      const unknown = [...named].filter((n) => !registered.has(n) && !registered.has(base(n)));
      expect(unknown).toEqual([]);
    });
  }
});
