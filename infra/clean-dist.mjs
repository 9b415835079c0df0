// Runs before `npm run build`: removes every workspace's dist/, so a build holds exactly what the
// sources compile to now (a moved or deleted file leaves nothing behind) and turbo's cache, when it
// answers, restores into empty folders. Plain Node, no dependencies.
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const { workspaces } = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));

/** The workspace folders a `workspaces` entry names: `dir/*` (one level) or a folder itself. */
function folders(pattern) {
  if (!pattern.endsWith("/*")) return [join(root, pattern)];
  const parent = join(root, pattern.slice(0, -2));
  if (!existsSync(parent)) return [];
  return readdirSync(parent, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => join(parent, entry.name));
}

for (const folder of workspaces.flatMap(folders)) {
  if (existsSync(join(folder, "package.json")))
    rmSync(join(folder, "dist"), { recursive: true, force: true });
}
