/**
 * A reference to one primitive value, written the way the HL7 spec and interface analysts write
 * it: `PID-5.1`, `PID-3[2].4.2` (second repetition of PID-3, component 4, subcomponent 2),
 * `DG1[2]-3.1` (second DG1 segment). All indices are 1-based; `.` is accepted in place of `-`.
 */
export interface Hl7Path {
  readonly segment: string;
  /** Which occurrence of the segment, 1-based. */
  readonly occurrence: number;
  readonly field: number;
  readonly repetition: number;
  readonly component: number;
  readonly subcomponent: number;
}

/** The part after the segment: `5`, `5.1`, `3[2].4.2`. */
export type Hl7FieldPath = Omit<Hl7Path, "segment" | "occurrence">;

const FULL_PATH = /^([A-Z][A-Z0-9]{2})(?:\[(\d+)\])?[-.](\d+)(?:\[(\d+)\])?(?:\.(\d+))?(?:\.(\d+))?$/;
const FIELD_PATH = /^(\d+)(?:\[(\d+)\])?(?:\.(\d+))?(?:\.(\d+))?$/;
const CACHE_LIMIT = 1024;
const fullCache = new Map<string, Hl7Path>();
const fieldCache = new Map<string, Hl7FieldPath>();

function index(text: string | undefined, path: string): number {
  if (text === undefined) return 1;
  const n = Number(text);
  if (n < 1) throw new RangeError(`HL7 path "${path}": indices are 1-based`);
  return n;
}

function remember<T>(cache: Map<string, T>, key: string, value: T): T {
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(key, value);
  return value;
}

/**
 * Parses `SEG[n]-F[r].C.S`. Paths are written by programmers, not read from messages, so a
 * malformed one is a bug and throws; parsed paths are memoised because the same few dozen
 * are read from every message on the hot path.
 */
export function parseHl7Path(path: string): Hl7Path {
  const cached = fullCache.get(path);
  if (cached !== undefined) return cached;
  const m = FULL_PATH.exec(path);
  if (m === null) throw new TypeError(`Not an HL7 path: "${path}" (expected e.g. PID-5.1 or PID-3[2].1)`);
  return remember(fullCache, path, {
    segment: m[1] ?? "",
    occurrence: index(m[2], path),
    field: index(m[3], path),
    repetition: index(m[4], path),
    component: index(m[5], path),
    subcomponent: index(m[6], path),
  });
}

/** Parses the field part of a path (`5.1`, `3[2].4.2`) for `Hl7Segment.get`. */
export function parseHl7FieldPath(path: string): Hl7FieldPath {
  const cached = fieldCache.get(path);
  if (cached !== undefined) return cached;
  const m = FIELD_PATH.exec(path);
  if (m === null) throw new TypeError(`Not an HL7 field path: "${path}" (expected e.g. 5.1 or 3[2].1)`);
  return remember(fieldCache, path, {
    field: index(m[1], path),
    repetition: index(m[2], path),
    component: index(m[3], path),
    subcomponent: index(m[4], path),
  });
}
