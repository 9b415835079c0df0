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
    const value = variable === undefined ? undefined : env[variable];
    const shown = value === undefined ? "is not set" : `is ${JSON.stringify(value)}`;
    return `${name} ${shown}: ${issue.message}`;
  });
  throw new ConfigError(problems);
}
