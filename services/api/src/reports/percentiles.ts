/**
 * Percentiles for the quality reports. Linear interpolation between closest ranks (Hyndman & Fan
 * type 7): the definition of PostgreSQL's `percentile_cont`, Excel's PERCENTILE.INC and R's default,
 * so a quality analyst who re-computes a median from the CSV export gets the same number, and the
 * SQL-side aggregates (alert timeliness) agree with the TypeScript ones (follow-up).
 */
export function percentile(values: readonly number[], p: number): number | null {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`percentile must be within [0, 1], got ${p}`);
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = p * (sorted.length - 1);
  const lower = Math.floor(rank);
  const upper = Math.ceil(rank);
  const low = sorted[lower] ?? Number.NaN;
  const high = sorted[upper] ?? Number.NaN;
  return low + (high - low) * (rank - lower);
}

/** The median (50th percentile); null for no values, so an empty group shows a blank, not a zero. */
export const median = (values: readonly number[]): number | null => percentile(values, 0.5);

/**
 * Rounds for display to `digits` decimals. Reports round once, before JSON and CSV are written, so
 * both formats carry the very same numbers.
 */
export function roundTo(value: number | null, digits: number): number | null {
  if (value === null) return null;
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/** numerator / denominator, or null when nothing was measured (a rate of an empty set is undefined, not 0). */
export function rateOf(numerator: number, denominator: number): number | null {
  return denominator === 0 ? null : roundTo(numerator / denominator, 4);
}
