// Architecture check run by `npm run lint` (and so by CI):
// - packages never import services;
// - a workspace imports another only through what it exports (`@homeward/x`, no deep paths)
//   and declares it in package.json;
// - no import cycles between workspaces;
// - what is checked: each workspace's src/ and bench/ (a workspace without src/, such as
//   infra/demo, as a whole), and the top-level test/ folder;
// - a relative import stays inside its own workspace: `../../services/x/src/y.ts` from another
//   workspace is refused, another workspace is reached by its package name (checkRelativeImports).
//   Two seams for tests, because test code may lean on test code but nothing shipped may:
//   - a workspace's test files (`*.test.ts`, `*.test-support.ts`) may import the top-level test/
//     folder's `*.test-support.ts` (the shared end-to-end harness, e.g. test/e2e/pipeline.test-support.ts
//     used by infra/demo's *.int.test.ts);
//   - the top-level test/ folder (the whole-system suite, which starts services in-process) may
//     import a service's composition root (src/app.ts, src/env.ts) and any `*.test-support.ts`;
//     anything else of a service, and every package, only by package name.
// - a family of tables is written only by its owner package (checkTableOwnership, its own block
//   below: the directory's organizations, users, recipients, preferences and rules; the tasks
//   family's tasks, their history and timers; the audit log).
// - in a service's src/, a package's src/ and infra/demo, SQL statements are written only in
//   `*-store.ts` files (checkSqlInStores): a route handler, a worker or an import's logic calls its
//   store (tests and test support are exempt, and a few files of packages/db and its channels by name);
// Usage: node infra/check-imports.mjs [root]  (root defaults to the repository; the test points it
// at a fixture tree).
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";

const root =
  process.argv[2] === undefined ? new URL("..", import.meta.url).pathname : resolve(process.argv[2]);
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
    else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts")) yield p;
  }
}

/** The TypeScript a workspace owns: src/ and bench/, or all of it when it has no src/ (infra/demo). */
function* workspaceFiles(dir) {
  if (statSync(join(dir, "src"), { throwIfNoEntry: false })?.isDirectory()) {
    yield* tsFiles(join(dir, "src"));
    yield* tsFiles(join(dir, "bench"));
  } else {
    yield* tsFiles(dir);
  }
}

const problems = [];
const importRe = /(?:from|import)\s*\(?\s*["'](@homeward\/[^"']+)["']/g;
for (const [name, ws] of byName) {
  const declared = { ...ws.pkg.dependencies, ...ws.pkg.devDependencies };
  for (const file of workspaceFiles(ws.dir)) {
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

/** The workspace whose folder holds `path`, if any. */
function workspaceOf(path) {
  for (const ws of byName.values()) if (path === ws.dir || path.startsWith(ws.dir + sep)) return ws;
  return undefined;
}

const relativeImportRe = /(?:from|import)\s*\(?\s*["'](\.{1,2}\/[^"']+)["']/g;
const isTestCode = (file) => /\.test(-support)?\.ts$/.test(file);
const topLevelTests = join(root, "test");
const inTopLevelTests = (path) => path.startsWith(topLevelTests + sep);

/** Relative imports from workspace code: inside the workspace, or a test harness from test code. */
function checkRelativeImports() {
  for (const [name, ws] of byName) {
    for (const file of workspaceFiles(ws.dir)) {
      for (const [, spec] of readFileSync(file, "utf8").matchAll(relativeImportRe)) {
        const target = resolve(dirname(file), spec);
        if (workspaceOf(target) === ws) continue;
        if (isTestCode(file) && inTopLevelTests(target) && target.endsWith(".test-support.ts")) continue;
        const other = workspaceOf(target);
        const instead = other === undefined ? "" : `; import ${other.pkg.name} by its package name`;
        problems.push(
          `${relative(root, file)}: imports ${relative(root, target)} across ${name}'s workspace boundary${instead}`,
        );
      }
    }
  }
}

/**
 * The top-level test/ folder: packages by name only (their entry points), services through their
 * composition root (src/app.ts, src/env.ts) or their *.test-support.ts files.
 */
function checkTopLevelTests() {
  for (const file of tsFiles(topLevelTests)) {
    const where = relative(root, file);
    const text = readFileSync(file, "utf8");
    for (const [, spec] of text.matchAll(importRe)) {
      const [scope, pkgName, ...deep] = spec.split("/");
      const target = byName.get(`${scope}/${pkgName}`);
      if (target === undefined) problems.push(`${where}: imports unknown workspace ${scope}/${pkgName}`);
      else if (deep.length > 0 && !(`./${deep.join("/")}` in (target.pkg.exports ?? {})))
        problems.push(
          `${where}: imports ${spec}, which ${target.pkg.name} does not export; use its entry point`,
        );
    }
    for (const [, spec] of text.matchAll(relativeImportRe)) {
      const target = resolve(dirname(file), spec);
      const ws = workspaceOf(target);
      if (ws === undefined) continue;
      const inside = relative(ws.dir, target);
      if (ws.isService && (inside === join("src", "app.ts") || inside === join("src", "env.ts"))) continue;
      if (target.endsWith(".test-support.ts")) continue;
      problems.push(
        ws.isService
          ? `${where}: imports ${relative(root, target)}; the whole-system tests reach a service through src/app.ts, src/env.ts or its *.test-support.ts`
          : `${where}: imports ${relative(root, target)}; import ${ws.pkg.name} by its package name`,
      );
    }
  }
}

// ---- Table ownership (issue 15): a family of tables is written only by its owner package. ----
// Every INSERT, UPDATE, DELETE, TRUNCATE or MERGE on a family's table must be in the owner's src/;
// anyone else calls the owner. Reads are not checked (a report may join a name in). Test code
// (`*.test.ts`, `*.test-support.ts`) may write fixtures directly; migrations are SQL files, not read.
const TABLE_OWNERS = [
  {
    owner: "packages/directory/src",
    ownerName: "@homeward/directory",
    tables: [
      "organizations",
      "organization_settings",
      "organization_closures",
      "users",
      "user_organizations",
      "user_invitations",
      "api_sessions",
      "recipients",
      "recipient_preferences",
      "notification_rules",
    ],
  },
  {
    owner: "packages/outbound/src",
    ownerName: "@homeward/outbound",
    tables: [
      "outbound_endpoints",
      "outbound_deliveries",
      "outbound_delivery_attempts",
      "fhir_subscriptions",
      "fhir_subscription_notifications",
      "fhir_clients",
      "fhir_client_assertions",
    ],
  },
  {
    owner: "packages/tasks/src",
    ownerName: "@homeward/tasks",
    tables: ["tasks", "task_history", "task_timers"],
  },
  {
    owner: "packages/audit/src",
    ownerName: "@homeward/audit",
    tables: ["audit_log"],
  },
];

/** Every .ts/.mjs/.js file of the repository outside dependencies, builds and dot folders. */
function* sourceFiles(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === "node_modules" || entry.name === "dist" || entry.name.startsWith(".")) continue;
    const p = join(dir, entry.name);
    if (entry.isDirectory()) yield* sourceFiles(p);
    else if (/\.(ts|mjs|js)$/.test(entry.name) && !entry.name.endsWith(".d.ts")) yield p;
  }
}

/** The statements that change a table, as the code writes SQL (keywords in capitals), schema optional. */
const tableWriteRe = (tables) =>
  new RegExp(
    `\\b(INSERT\\s+INTO|UPDATE|DELETE\\s+FROM|TRUNCATE(?:\\s+TABLE)?|MERGE\\s+INTO)\\s+(?:ONLY\\s+)?(?:\\w+\\.)?"?(${tables.join("|")})"?(?![\\w.])`,
    "g",
  );

/** Writes to an owned table from a file that is neither its owner's src/ nor test code. */
function checkTableOwnership() {
  for (const file of sourceFiles(root)) {
    if (isTestCode(file)) continue;
    const where = relative(root, file);
    const text = readFileSync(file, "utf8");
    for (const { owner, ownerName, tables } of TABLE_OWNERS) {
      if (where.startsWith(owner + sep)) continue;
      for (const match of text.matchAll(tableWriteRe(tables))) {
        const line = text.slice(0, match.index).split("\n").length;
        problems.push(
          `${where}:${line}: ${match[1].replace(/\s+/g, " ")} ${match[2]}: only ${owner} writes that table; call ${ownerName}`,
        );
      }
    }
  }
}
// ---- end of table ownership ----

// ---- SQL only in stores (issue 15): statements live in *-store.ts files. ----
// Checked: every service's and package's src/, and infra/demo (a workspace without src/, as a whole).
const sqlStatementRe = /\b(SELECT|INSERT INTO|UPDATE [a-z_]+ SET|DELETE FROM)\b/;

/**
 * Files that hold statements on no table of ours, so they are not a family's store, named one by one:
 * - the migration runner takes PostgreSQL's advisory lock and asks pg_locks who holds it;
 * - the LISTEN/NOTIFY channels send pg_notify (and read current_schema() to name the channel).
 */
const SQL_OUTSIDE_STORES_ALLOWED = new Set([
  "packages/db/src/migrate.ts",
  "packages/db/src/reference-channel.ts",
  "packages/db/src/workspace-channel.ts",
  "packages/facilities/src/feed-channel.ts",
]);

/** The folders checkSqlInStores reads: a service's or a package's src/, infra/demo whole. */
function sqlCheckedDirs() {
  const dirs = [];
  for (const ws of byName.values()) {
    const where = relative(root, ws.dir);
    if (where.startsWith(`services${sep}`) || where.startsWith(`packages${sep}`))
      dirs.push(join(ws.dir, "src"));
    else if (where === join("infra", "demo")) dirs.push(ws.dir);
  }
  return dirs;
}

/** Non-test source files that hold an SQL statement outside a `*-store.ts` file. */
function checkSqlInStores() {
  for (const dir of sqlCheckedDirs()) {
    for (const file of tsFiles(dir)) {
      const where = relative(root, file);
      if (file.endsWith("-store.ts") || isTestCode(file)) continue;
      if (SQL_OUTSIDE_STORES_ALLOWED.has(where.split(sep).join("/"))) continue;
      const line = readFileSync(file, "utf8")
        .split("\n")
        .findIndex((text) => sqlStatementRe.test(text));
      if (line >= 0)
        problems.push(
          `${where}:${line + 1}: SQL outside a *-store.ts file; move the statement into the feature's store`,
        );
    }
  }
}
// ---- end of SQL only in stores ----

checkRelativeImports();
checkTopLevelTests();
checkSqlInStores();
checkTableOwnership();

if (problems.length > 0) {
  console.error(`Architecture check failed:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  process.exit(1);
}
console.log(
  `Architecture check: ${byName.size} workspaces (src, bench, infra/demo) and test/: no service imports from packages, no relative imports across workspaces, no cycles, owned tables written by their owners only, SQL of services, packages and the demo only in *-store.ts.`,
);
