import type { z } from "zod";

/** Thrown at boot when the environment is wrong; lists every bad variable at once, not just the first. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/**
 * Validates an environment (or any string map) against a zod object schema.
 * Services call this once, from their `env.ts`, with `process.env`; nothing deeper reads the environment.
 * A problem names the variable and the rule it breaks, never its value: a value may be a secret, or a
 * URL with a password in it, and this error goes to the terminal and the logs.
 */
export function parseEnv<S extends z.ZodType>(
  schema: S,
  env: Readonly<Record<string, string | undefined>>,
): z.output<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const variable = issue.path[0] === undefined ? undefined : String(issue.path[0]);
    const name = variable ?? "(environment)";
    const set = variable !== undefined && env[variable] !== undefined;
    return `${name} ${set ? "is invalid" : "is not set"}: ${issue.message}`;
  });
  throw new ConfigError(problems);
}
