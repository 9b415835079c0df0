import { z } from "zod";

const secrets = z.registry<{ secret: true }>();

/**
 * Marks a variable of an env schema as a secret (a signing key, a password): its value is never
 * printed (parseEnv prints no value at all) and a launcher hands it only to the service whose
 * schema declares it. `API_TOKEN_SECRET: secret(z.string().min(32))`.
 */
export function secret<S extends z.ZodType>(schema: S): S {
  secrets.add(schema as z.core.$ZodType, { secret: true });
  return schema;
}

/** Whether a field's schema, or the schema it wraps (`.optional()`, `.default()`, `.pipe()`), is marked `secret`. */
function isMarked(schema: z.core.$ZodType | undefined): boolean {
  for (let s = schema, depth = 0; s !== undefined && depth < 10; depth++) {
    if (secrets.has(s)) return true;
    const def = s._zod.def as { innerType?: z.core.$ZodType; in?: z.core.$ZodType };
    s = def.innerType ?? def.in;
  }
  return false;
}

/** The variables of an env schema marked `secret`. */
export function secretVariableNames(schema: z.ZodObject): string[] {
  return Object.entries(schema.shape)
    .filter(([, field]) => isMarked(field as z.core.$ZodType))
    .map(([name]) => name);
}

/**
 * Whether a variable's name says it holds a secret (`…SECRET…`, `…PASSWORD…`, `…TOKEN…`,
 * `…PRIVATE_KEY…`, `…CREDENTIALS…`), for a launcher passing on an environment it did not build:
 * it drops these unless the service it starts is meant to have them.
 */
export function looksSecret(name: string): boolean {
  return /SECRET|PASSWORD|PASSWD|TOKEN|PRIVATE_KEY|CREDENTIAL/i.test(name);
}
