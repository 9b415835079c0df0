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
