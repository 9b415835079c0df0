import type { z } from "zod";

/**
 * A contract read from the wire (a Kafka value, an SQS body): the parsed value, or undefined when
 * the text is not JSON or does not match the schema. Boundaries decide what to do with a bad one.
 */
export function parseContract<S extends z.ZodType>(
  schema: S,
  text: string | Buffer | null | undefined,
): z.output<S> | undefined {
  if (text === null || text === undefined) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(typeof text === "string" ? text : text.toString("utf8"));
  } catch {
    return undefined;
  }
  const parsed = schema.safeParse(json);
  return parsed.success ? parsed.data : undefined;
}
