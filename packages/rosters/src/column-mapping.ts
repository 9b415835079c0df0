import { z } from "zod";
import { RosterField as RosterFieldSchema } from "./roster-row.ts";

/**
 * The schema of a mapping onto `fields`: how a file's columns become our fields. Several source
 * columns may feed one field (spellings differ between senders); the first non-empty cell wins.
 * Column names match case-insensitively and ignoring spaces, underscores and dashes
 * ("Member ID" = "member_id" = "MEMBERID").
 */
export function columnMappingOf<const F extends string>(fields: z.ZodEnum<{ [K in F]: K }>) {
  return z.object({
    /** Source column name → our field. */
    columns: z.record(z.string().min(1), fields),
    /** Values used when a field's column is absent or its cell empty (e.g. `identifierType: "MB"`). */
    defaults: z.partialRecord(fields, z.string()).optional(),
  });
}

/** A mapping onto the fields `F` of one kind of import. */
export interface FieldMapping<F extends string> {
  columns: Record<string, F>;
  defaults?: Partial<Record<F, string>> | undefined;
}

/** A roster's column mapping (the `--mapping` file of attribution, panel and enrollment imports). */
export const ColumnMapping = columnMappingOf(RosterFieldSchema);
export type ColumnMapping = z.infer<typeof ColumnMapping>;

export const normalizeColumnName = (name: string) => name.replace(/[\s_-]/g, "").toLowerCase();

/** A mapping applied to one file's header. */
export interface ColumnPlan<F extends string> {
  /** For each field, the header positions that feed it (in mapping order) and their names as the file spells them. */
  sources: Map<F, { index: number; column: string }[]>;
  defaults: Partial<Record<F, string>>;
  /** Header columns no mapping entry uses (reported, not fatal: rosters carry extra columns). */
  unmapped: string[];
}

export type PlanResult<F extends string> = { ok: true; plan: ColumnPlan<F> } | { ok: false; reason: string };

/**
 * Fits `mapping` to `header`. Fails, for the whole file, when a `required` field has neither a
 * column nor a default: every row would fail the same way, so refusing early is clearer.
 */
export function planColumns<F extends string>(
  required: readonly F[],
  mapping: FieldMapping<F>,
  header: readonly string[],
  contextDefaults: Partial<Record<F, string>> = {},
): PlanResult<F> {
  const byName = new Map<string, number>();
  header.forEach((name, index) => {
    const key = normalizeColumnName(name);
    if (!byName.has(key)) byName.set(key, index);
  });
  const sources = new Map<F, { index: number; column: string }[]>();
  const used = new Set<number>();
  for (const [column, field] of Object.entries(mapping.columns) as [string, F][]) {
    const index = byName.get(normalizeColumnName(column));
    if (index === undefined) continue;
    used.add(index);
    const list = sources.get(field) ?? [];
    list.push({ index, column: header[index] ?? column });
    sources.set(field, list);
  }
  const defaults: Partial<Record<F, string>> = { ...contextDefaults, ...mapping.defaults };
  const missing = required.filter((f) => !sources.has(f) && defaults[f] === undefined);
  if (missing.length > 0) {
    const expected = missing.map((f) => {
      const names = Object.entries(mapping.columns)
        .filter(([, target]) => target === f)
        .map(([c]) => JSON.stringify(c));
      return `${f} (${names.length > 0 ? `column ${names.join(" or ")}` : "no column mapped"})`;
    });
    return { ok: false, reason: `missing required column(s): ${expected.join("; ")}` };
  }
  const unmapped = header.filter((_, i) => !used.has(i));
  return { ok: true, plan: { sources, defaults, unmapped } };
}

/** One record's fields by our names, with where each value came from (for row errors). */
export function applyPlan<F extends string>(
  plan: ColumnPlan<F>,
  cells: readonly string[],
): { values: Partial<Record<F, string>>; columnOf: Partial<Record<F, string>> } {
  const values: Partial<Record<F, string>> = {};
  const columnOf: Partial<Record<F, string>> = {};
  for (const [field, sources] of plan.sources) {
    for (const { index, column } of sources) {
      const cell = cells[index];
      if (cell !== undefined && cell.trim() !== "") {
        values[field] = cell;
        columnOf[field] = column;
        break;
      }
    }
    const first = sources[0];
    if (values[field] === undefined && first !== undefined) columnOf[field] = first.column;
  }
  for (const [field, value] of Object.entries(plan.defaults) as [F, string][]) {
    if (values[field] === undefined) values[field] = value;
  }
  return { values, columnOf };
}

/**
 * What an import kind needs of a file beyond its required columns: fields whose every cell may
 * not be empty. A file that fits the mapping can still say nothing about a field (its column is
 * spelled in a way no preset knows, or is blank throughout) and every row of it would pass: the
 * import would report "0 errors" and leave every patient without, say, a birth date.
 */
export interface FieldChecks<F extends string> {
  /** Every field of the kind: what `allowMissing` may name. */
  fields: readonly F[];
  /** Fields the matcher relies on (to recognise a patient, or a place): never empty in every row. */
  needed: readonly F[];
  /** What the normalized name of a column holding the field looks like (`/birth|dob/`). */
  looksLike: Partial<Record<F, RegExp>>;
}

/** A field a file may leave empty in every row only if the caller allows it, and why. */
export interface WatchedField<F extends string> {
  field: F;
  needed: boolean;
  /** Header columns that look like the field but that the mapping does not import. */
  lookAlikes: string[];
}

/**
 * The fields of `plan` that must get a value in some row: the needed ones, and those an unmapped
 * column looks like. Not those in `allowMissing` (the caller's informed choice) nor those with a
 * default (never empty).
 */
export function fieldsToWatch<F extends string>(
  plan: ColumnPlan<F>,
  checks: FieldChecks<F>,
  allowMissing: ReadonlySet<F>,
): WatchedField<F>[] {
  const watched: WatchedField<F>[] = [];
  for (const field of checks.fields) {
    if (allowMissing.has(field) || plan.defaults[field] !== undefined) continue;
    const pattern = checks.looksLike[field];
    const lookAlikes =
      pattern === undefined ? [] : plan.unmapped.filter((c) => pattern.test(normalizeColumnName(c)));
    const needed = checks.needed.includes(field);
    if (needed || lookAlikes.length > 0) watched.push({ field, needed, lookAlikes });
  }
  return watched;
}

/**
 * Why a file is refused for leaving `empty` fields without a value in every row, with what to do:
 * map the column, or allow the field to be missing by name.
 */
export function emptyFieldsReason<F extends string>(
  plan: ColumnPlan<F>,
  mapping: FieldMapping<F>,
  empty: readonly WatchedField<F>[],
): string {
  const quote = (names: readonly string[]) => names.map((n) => JSON.stringify(n)).join(", ");
  const each = empty.map(({ field, needed, lookAlikes }) => {
    const sources = plan.sources.get(field) ?? [];
    const why =
      lookAlikes.length > 0
        ? `column ${quote(lookAlikes)} looks like it but is not mapped`
        : sources.length > 0
          ? `column ${quote(sources.map((s) => s.column))} is empty in every row`
          : `no column maps to it (${expectedColumns(mapping, field)})`;
    return `${field} would be missing from every row: ${why}${needed ? "; the matcher relies on it" : ""}`;
  });
  const names = empty.map((e) => e.field).join(",");
  return `${each.join(". ")}. Map the column, or import without it: --allow-missing ${names} (API: allowMissing=${names})`;
}

function expectedColumns<F extends string>(mapping: FieldMapping<F>, field: F): string {
  const names = Object.entries(mapping.columns)
    .filter(([, target]) => target === field)
    .map(([c]) => JSON.stringify(c));
  if (names.length === 0) return "the mapping names none";
  return `looked for ${names.slice(0, 4).join(", ")}${names.length > 4 ? ", …" : ""}`;
}

/** Follows watched fields through the rows of a file: which of them never had a value. */
export class EmptyFieldWatch<F extends string> {
  private pending: { watched: WatchedField<F>; indexes: number[] }[];

  constructor(plan: ColumnPlan<F>, watched: readonly WatchedField<F>[]) {
    this.pending = watched.map((w) => ({
      watched: w,
      indexes: (plan.sources.get(w.field) ?? []).map((s) => s.index),
    }));
  }

  /** Fields no column feeds: empty in every row whatever the rows hold. */
  withoutColumn(): WatchedField<F>[] {
    return this.pending.filter((p) => p.indexes.length === 0).map((p) => p.watched);
  }

  /** Notes the fields `cells` gives a value (cheap once every watched field had one). */
  see(cells: readonly string[]): void {
    if (this.pending.length === 0) return;
    this.pending = this.pending.filter((p) => !p.indexes.some((i) => (cells[i] ?? "").trim() !== ""));
  }

  /** The watched fields no row seen so far gave a value. */
  stillEmpty(): WatchedField<F>[] {
    return this.pending.map((p) => p.watched);
  }
}
