// Finds a Chromium for the browser tests (playwright-core drives it; it never downloads one).
// Order: CHROMIUM_PATH, then Debian's /usr/bin/chromium, then /usr/bin/chromium-browser. When none
// is there and this runs as root on Debian, installs Debian's `chromium` package with apt-get.
// Plain Node with no dependencies. `node infra/ensure-chromium.mjs` prints the path, or exits 1.
import { execFileSync } from "node:child_process";
import { accessSync, constants, existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const candidates = ["/usr/bin/chromium", "/usr/bin/chromium-browser"];

function isExecutable(path) {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The first Chromium found, or undefined. A CHROMIUM_PATH that is set but wrong is an error, not a fallback. */
export function findChromium(env = process.env) {
  const explicit = env.CHROMIUM_PATH;
  if (explicit !== undefined && explicit !== "") {
    if (!isExecutable(explicit)) throw new Error(`CHROMIUM_PATH=${explicit} is not an executable file.`);
    return explicit;
  }
  return candidates.find(isExecutable);
}

function isDebian() {
  if (!existsSync("/etc/debian_version")) return false;
  try {
    return /^(ID|ID_LIKE)=.*debian/m.test(readFileSync("/etc/os-release", "utf8"));
  } catch {
    return true;
  }
}

/**
 * The path of a Chromium executable, installing Debian's `chromium` package when it is missing and
 * this process may (root on Debian). Throws with a message saying what to do otherwise.
 * @param {{ install?: boolean, log?: (line: string) => void }} [options]
 */
export function ensureChromium(options = {}) {
  const { install = true, log = (line) => console.error(line) } = options;
  const found = findChromium();
  if (found !== undefined) return found;

  const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
  if (!install || !isRoot || !isDebian()) {
    throw new Error(
      "No Chromium found (looked at CHROMIUM_PATH, /usr/bin/chromium, /usr/bin/chromium-browser). " +
        "Install Debian's package (`sudo apt-get install chromium`) or set CHROMIUM_PATH; " +
        "Homeward never downloads a browser.",
    );
  }

  log("[homeward] installing Debian's chromium package with apt-get…");
  const aptEnv = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  const stdio = ["ignore", "inherit", "inherit"];
  execFileSync("apt-get", ["update"], { env: aptEnv, stdio });
  execFileSync("apt-get", ["install", "-y", "--no-install-recommends", "chromium"], { env: aptEnv, stdio });

  const installed = findChromium();
  if (installed === undefined) throw new Error("apt-get installed chromium but no executable was found.");
  return installed;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    console.log(ensureChromium());
  } catch (error) {
    console.error(`[homeward] ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}
