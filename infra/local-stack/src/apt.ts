import { execFileSync } from "node:child_process";

/** Installs Debian packages (the machine has no other way to get PostgreSQL or Redis). Needs root. */
export function aptInstall(packages: string[]): void {
  if (process.getuid?.() !== 0) {
    throw new Error(
      `${packages.join(", ")} missing: install with 'sudo apt-get install -y ${packages.join(" ")}'`,
    );
  }
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  execFileSync("apt-get", ["update", "-q"], { stdio: "inherit", env });
  execFileSync("apt-get", ["install", "-y", "-q", ...packages], { stdio: "inherit", env });
}
