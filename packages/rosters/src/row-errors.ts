import type { z } from "zod";
import type { RowError } from "./import-runs-store.ts";

/**
 * A row's schema failures as row errors: each at the column the file spells (the first column
 * mapped to the field when its cells were all empty) with the value as sent; "required" when the
 * field had no value at all.
 */
export function rowErrorsOf<F extends string>(
  error: z.ZodError,
  line: number,
  values: Partial<Record<F, string>>,
  columnOf: Partial<Record<F, string>>,
): RowError[] {
  return error.issues.map((issue) => {
    const field = issue.path[0];
    const reason = issue.code === "invalid_type" && issue.input === undefined ? "required" : issue.message;
    if (typeof field !== "string") return { line, column: null, value: null, reason };
    return { line, column: columnOf[field as F] ?? null, value: values[field as F] ?? null, reason };
  });
}
