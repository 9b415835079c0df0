import type { z } from "zod";

/**
 * Adds a zod issue for each element of `values` whose key was seen before, at `path` + index, so a
 * config with the same id twice points at the second one (and names the first).
 */
export function reportDuplicates<T>(
  ctx: z.RefinementCtx,
  values: readonly T[],
  keyOf: (value: T) => string,
  path: readonly (string | number)[],
  what: string,
): void {
  const seen = new Map<string, number>();
  values.forEach((value, index) => {
    const key = keyOf(value);
    const first = seen.get(key);
    if (first === undefined) {
      seen.set(key, index);
      return;
    }
    ctx.addIssue({
      code: "custom",
      path: [...path, index],
      message: `duplicate ${what} ${JSON.stringify(key)} (first at index ${first})`,
    });
  });
}
