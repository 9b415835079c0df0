import { z } from "zod";
import {
  type RosterField,
  RosterField as RosterFieldSchema,
  type RosterKind,
  requiredFields,
} from "./roster-row.ts";

/**
 * How a file's columns become our fields. Several source columns may feed one field (spellings
 * differ between senders); the first non-empty cell wins. Column names match case-insensitively
 * and ignoring spaces, underscores and dashes ("Member ID" = "member_id" = "MEMBERID").
 */
export const ColumnMapping = z.object({
  /** Source column name → our field. */
  columns: z.record(z.string().min(1), RosterFieldSchema),
  /** Values used when a field's column is absent or its cell empty (e.g. `identifierType: "MB"`). */
  defaults: z.partialRecord(RosterFieldSchema, z.string()).optional(),
});
export type ColumnMapping = z.infer<typeof ColumnMapping>;

export const normalizeColumnName = (name: string) => name.replace(/[\s_-]/g, "").toLowerCase();

/** A mapping applied to one file's header. */
export interface ColumnPlan {
  /** For each field, the header positions that feed it (in mapping order) and their names as the file spells them. */
  sources: Map<RosterField, { index: number; column: string }[]>;
  defaults: Partial<Record<RosterField, string>>;
  /** Header columns no mapping entry uses (reported, not fatal: rosters carry extra columns). */
  unmapped: string[];
}

export type PlanResult = { ok: true; plan: ColumnPlan } | { ok: false; reason: string };

/**
 * Fits `mapping` to `header`. Fails, for the whole file, when a field the kind requires has
 * neither a column nor a default: every row would fail the same way, so refusing early is clearer.
 */
export function planColumns(
  kind: RosterKind,
  mapping: ColumnMapping,
  header: readonly string[],
  contextDefaults: Partial<Record<RosterField, string>> = {},
): PlanResult {
  const byName = new Map<string, number>();
  header.forEach((name, index) => {
    const key = normalizeColumnName(name);
    if (!byName.has(key)) byName.set(key, index);
  });
  const sources = new Map<RosterField, { index: number; column: string }[]>();
  const used = new Set<number>();
  for (const [column, field] of Object.entries(mapping.columns)) {
    const index = byName.get(normalizeColumnName(column));
    if (index === undefined) continue;
    used.add(index);
    const list = sources.get(field) ?? [];
    list.push({ index, column: header[index] ?? column });
    sources.set(field, list);
  }
  const defaults = { ...contextDefaults, ...mapping.defaults };
  const missing = requiredFields(kind).filter((f) => !sources.has(f) && defaults[f] === undefined);
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
export function applyPlan(
  plan: ColumnPlan,
  cells: readonly string[],
): { values: Partial<Record<RosterField, string>>; columnOf: Partial<Record<RosterField, string>> } {
  const values: Partial<Record<RosterField, string>> = {};
  const columnOf: Partial<Record<RosterField, string>> = {};
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
  for (const [field, value] of Object.entries(plan.defaults) as [RosterField, string][]) {
    if (values[field] === undefined) values[field] = value;
  }
  return { values, columnOf };
}
