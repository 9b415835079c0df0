// Architecture check run by `npm run lint` (and so by CI):
// - packages never import services;
// - a workspace imports another only through what it exports (`@homeward/x`, no deep paths)
//   and declares it in package.json;
// - no import cycles between workspaces.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const workspaces = ["packages", "services", "infra"].flatMap((dir) => {
  try {
    return readdirSync(join(root, dir), { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => join(root, dir, e.name))
      .filter((p) => statSync(join(p, "package.json"), { throwIfNoEntry: false }));
  } catch {
    return [];
  }
});

const byName = new Map();
for (const dir of workspaces) {
  const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
  byName.set(pkg.name, {
    dir,
    pkg,
    isService: relative(root, dir).startsWith("services/"),
    imports: new Set(),
  });
}

function* tsFiles(dir) {
  if (!statSync(dir, { throwIfNoEntry: false })?.isDirectory()) return;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === "node_modules" || entry.name === "dist") continue;
    const p = join(dir, entry.name);
    if (entry.isDirectory()) yield* tsFiles(p);
    else if (entry.name.endsWith(".ts")) yield p;
  }
}

const problems = [];
const importRe = /(?:from|import)\s*\(?\s*["'](@homeward\/[^"']+)["']/g;
for (const [name, ws] of byName) {
  const declared = { ...ws.pkg.dependencies, ...ws.pkg.devDependencies };
  for (const file of tsFiles(join(ws.dir, "src"))) {
    for (const [, spec] of readFileSync(file, "utf8").matchAll(importRe)) {
      const [scope, pkgName, ...deep] = spec.split("/");
      const target = `${scope}/${pkgName}`;
      const where = relative(root, file);
      const exported = byName.get(target)?.pkg.exports ?? {};
      if (deep.length > 0 && !(`./${deep.join("/")}` in exported)) {
        problems.push(`${where}: imports ${spec}, which ${target} does not export; use its entry point`);
      }
      if (!byName.has(target)) problems.push(`${where}: imports unknown workspace ${target}`);
      else if (byName.get(target).isService && !ws.isService)
        problems.push(`${where}: a package imports service ${target}`);
      else if (byName.get(target).isService) problems.push(`${where}: a service imports service ${target}`);
      if (target !== name && !(target in declared))
        problems.push(`${where}: imports ${target} but ${name} does not declare it`);
      if (target !== name) ws.imports.add(target);
    }
  }
}

// Cycle detection over the workspace import graph (depth-first, three colours).
const state = new Map();
const visit = (name, path) => {
  if (state.get(name) === "done") return;
  if (state.get(name) === "active") {
    problems.push(`import cycle: ${[...path.slice(path.indexOf(name)), name].join(" -> ")}`);
    return;
  }
  state.set(name, "active");
  for (const dep of byName.get(name)?.imports ?? []) visit(dep, [...path, name]);
  state.set(name, "done");
};
for (const name of byName.keys()) visit(name, []);

if (problems.length > 0) {
  console.error(`Architecture check failed:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  process.exit(1);
}
console.log(`Architecture check: ${byName.size} workspaces, no service imports from packages, no cycles.`);
