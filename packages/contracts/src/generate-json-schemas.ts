/**
 * Writes the contracts' JSON Schema files into the repository's `schemas/` folder (or the folder given
 * as the first argument). Run by `npm run schemas -w @homeward/contracts`; never hand-edit the output.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { renderJsonSchemas } from "./json-schemas.ts";

const outDir = resolve(process.argv[2] ?? fileURLToPath(new URL("../../../schemas/", import.meta.url)));
await mkdir(outDir, { recursive: true });
for (const [fileName, text] of renderJsonSchemas()) {
  await writeFile(resolve(outDir, fileName), text, "utf8");
  console.log(`wrote ${resolve(outDir, fileName)}`);
}
