// Runs before `npm start` and `npm test` so a fresh clone needs no manual install.
// Plain Node with no dependencies: it must work before node_modules exists.
import { execSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const lock = join(root, "package-lock.json");
const installed = join(root, "node_modules", ".package-lock.json");

const [major, minor] = process.versions.node.split(".").map(Number);
if (major < 20 || (major === 20 && minor < 19)) {
  console.error(`Homeward needs Node.js >= 20.19; this is ${process.versions.node}.`);
  process.exit(1);
}

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
