import type { SqlClient } from "./sql-client.ts";

/** What a merge did to the open rows of one source. */
export interface MergeCounts {
  /** Keys the roster names that had no open row: opened. */
  inserted: number;
  /** Keys whose tracked columns changed: the old row ended, a new one opened the same day. */
  updated: number;
  /** Open rows of this source the roster no longer names: ended (effective_to set), not deleted. */
  ended: number;
  unchanged: number;
}

/** The effective-dated table being merged; names are constants of this package, never user input. */
export interface MergeTarget {
  table: "attributions" | "care_management_enrollments";
  /** Identify "the same" row across imports of one source (with `source`). */
  keyColumns: readonly string[];
  /** A difference in any of these ends the open row and opens a new one. */
  trackedColumns: readonly string[];
  /** Constant columns written on insert, e.g. `kind`. */
  constants: Record<string, string>;
}

/**
 * Merges `roster_desired` (one row per key: key, tracked columns, effective_from) into the open
 * rows of `source` as of `asOf`, set-based so it costs a few statements whatever the roster size.
 * Changes take effect on the as-of date (a roster's own start date only dates a new row), and an
 * end never falls before its row's start. `endMissing` is off when the file had no valid row at
 * all: an empty or wholly broken file must not end a whole population.
 */
export async function mergeEffectiveDated(
  client: SqlClient,
  target: MergeTarget,
  opts: { source: string; asOf: string; runId: string; endMissing: boolean },
): Promise<MergeCounts> {
  const { table, keyColumns, trackedColumns } = target;
  const keyMatch = keyColumns.map((c) => `t.${c} = d.${c}`).join(" AND ");
  const sameTracked = trackedColumns.map((c) => `t.${c} IS NOT DISTINCT FROM d.${c}`).join(" AND ");
  const open = "t.source = $1 AND t.effective_to IS NULL";

  const unchanged = await client.query<{ n: string }>(
    `SELECT count(*)::text AS n FROM roster_desired d JOIN ${table} t ON ${open} AND ${keyMatch}
      WHERE ${sameTracked}`,
    [opts.source],
  );

  await client.query(
    `CREATE TEMP TABLE roster_changed ON COMMIT DROP AS
     WITH ended AS (
       UPDATE ${table} t SET effective_to = greatest($2::date, t.effective_from), ended_by_run_id = $3
         FROM roster_desired d
        WHERE ${open} AND ${keyMatch} AND NOT (${sameTracked})
       RETURNING ${keyColumns.map((c) => `t.${c}`).join(", ")}, t.effective_to)
     SELECT * FROM ended`,
    [opts.source, opts.asOf, opts.runId],
  );
  const updated = await client.query<{ n: string }>("SELECT count(*)::text AS n FROM roster_changed");

  let ended = 0;
  if (opts.endMissing) {
    // A patient whose row was refused (bad cell) is still on the roster: do not end them for our reading error.
    const res = await client.query(
      `UPDATE ${table} t SET effective_to = greatest($2::date, t.effective_from), ended_by_run_id = $3
        WHERE ${open}
          AND NOT EXISTS (SELECT 1 FROM roster_desired d WHERE ${keyMatch})
          AND NOT EXISTS (SELECT 1 FROM roster_stage s JOIN patient_identifiers pi
                            ON pi.assigning_authority = s.id_authority AND pi.type_code = s.id_type
                           AND pi.value = s.id_value
                           WHERE NOT s.valid AND pi.patient_id = t.patient_id)`,
      [opts.source, opts.asOf, opts.runId],
    );
    ended = res.rowCount ?? 0;
  }

  const constantNames = Object.keys(target.constants);
  const columns = [...keyColumns, ...trackedColumns];
  const inserted = await client.query(
    `INSERT INTO ${table} (${[...columns, ...constantNames, "source", "effective_from", "import_run_id"].join(", ")})
     SELECT ${columns.map((c) => `d.${c}`).join(", ")},
            ${constantNames.map((_, i) => `$${i + 4}`).join(", ")}${constantNames.length > 0 ? "," : ""}
            $1, coalesce(c.effective_to, d.effective_from, $2::date), $3
       FROM roster_desired d
       LEFT JOIN roster_changed c ON ${keyColumns.map((k) => `c.${k} = d.${k}`).join(" AND ")}
      WHERE NOT EXISTS (SELECT 1 FROM ${table} t WHERE ${open} AND ${keyMatch})`,
    [opts.source, opts.asOf, opts.runId, ...Object.values(target.constants)],
  );
  const changed = Number(updated.rows[0]?.n ?? 0);
  return {
    inserted: (inserted.rowCount ?? 0) - changed,
    updated: changed,
    ended,
    unchanged: Number(unchanged.rows[0]?.n ?? 0),
  };
}
