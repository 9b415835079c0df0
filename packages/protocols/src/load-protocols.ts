import { ProtocolsFile } from "./protocol.ts";

/** One problem in a protocols file: where (`protocols[1].steps[0].due.days`, `(file)` for the root) and what. */
export interface ProtocolsFileError {
  path: string;
  message: string;
}

/** Outcome of {@link loadProtocols}: the protocols, or every problem found. */
export type LoadProtocolsResult =
  | { ok: true; protocols: ProtocolsFile }
  | { ok: false; errors: ProtocolsFileError[] };

function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else out += out === "" ? String(part) : `.${String(part)}`;
  }
  return out === "" ? "(file)" : out;
}

/**
 * Validates a parsed protocols file, so a bad file is fixed in one round rather than one restart
 * per mistake: every structural problem comes back with its path. Cross-field checks (duplicate ids,
 * a kind that both triggers and cancels) run once the structure is valid, as zod refinements do.
 * Takes the parsed JSON: reading the file and `JSON.parse` are the caller's I/O.
 */
export function loadProtocols(json: unknown): LoadProtocolsResult {
  const result = ProtocolsFile.safeParse(json);
  if (result.success) return { ok: true, protocols: result.data };
  return {
    ok: false,
    errors: result.error.issues.map((issue) => ({ path: formatPath(issue.path), message: issue.message })),
  };
}
