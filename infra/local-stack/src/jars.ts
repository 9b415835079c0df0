import { execFile } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { JAR_CACHE, REPO_ROOT } from "./paths.ts";

const POM = join(REPO_ROOT, "infra", "jvm", "pom.xml");

/** The version pinned in infra/jvm/pom.xml for `<profile>.version`. */
export function pinnedVersion(profile: "kafka" | "elasticmq"): string {
  const match = readFileSync(POM, "utf8").match(new RegExp(`<${profile}\\.version>([^<]+)<`));
  if (match?.[1] === undefined) throw new Error(`no ${profile}.version in ${POM}`);
  return match[1];
}

/**
 * The classpath directory for an engine, resolved from Maven Central by `mvn
 * dependency:copy-dependencies` the first time (into a temp dir, renamed when complete, so an
 * interrupted download is never mistaken for a complete one). Later calls are a directory check.
 */
export async function ensureJars(
  profile: "kafka" | "elasticmq",
  log: (msg: string) => void,
): Promise<string> {
  const dir = join(JAR_CACHE, `${profile}-${pinnedVersion(profile)}`);
  if (existsSync(join(dir, ".complete"))) return dir;
  const tmp = `${dir}.partial-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  log(`resolving ${profile} jars from Maven Central (first run only)…`);
  // Asynchronous on purpose: the other engines' health checks keep running while Maven downloads.
  await promisify(execFile)(
    "mvn",
    [
      "-B",
      "-q",
      "-Dstyle.color=never",
      "-f",
      POM,
      "-P",
      profile,
      "dependency:copy-dependencies",
      "-DincludeScope=runtime",
      `-DoutputDirectory=${tmp}`,
    ],
    { maxBuffer: 64 * 1024 * 1024 },
  );
  writeFileSync(join(tmp, ".complete"), new Date().toISOString());
  rmSync(dir, { recursive: true, force: true });
  renameSync(tmp, dir);
  return dir;
}
