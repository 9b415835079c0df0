import type { SqlClient } from "./sql-client.ts";

/**
 * The temporary table an import loads its rows into before merging them with one set-based
 * statement per step. Rows arrive in batches as one INSERT … SELECT FROM unnest(arrays) each:
 * one round trip and one parse per few thousand rows, which is what makes a million-row roster
 * take seconds to stage rather than hours.
 */

export type StageValue = string | number | boolean | null;
/** One staged row: its line, whether it passed validation, and the kind's own columns. */
export type StageRowOf<C extends string> = Partial<Record<C, StageValue>> & { line: number; valid: boolean };

/**
 * A stage's name and columns (name → SQL type), constants of this package, never user input.
 * Every stage also has `line integer` and `valid boolean` (false for rows that failed validation
 * but are kept for what they name, e.g. a patient who must not be ended for a typo on the line).
 */
export class StageTable<C extends string> {
  private readonly names: readonly (C | "line" | "valid")[];
  private readonly types: Record<C | "line" | "valid", string>;
  private readonly insertSql: string;

  constructor(
    readonly name: string,
    columns: Record<C, string>,
  ) {
    this.types = { line: "integer", valid: "boolean", ...columns };
    this.names = Object.keys(this.types) as (C | "line" | "valid")[];
    this.insertSql = `INSERT INTO ${name} (${this.names.join(", ")})
      SELECT * FROM unnest(${this.names.map((n, i) => `$${i + 1}::${this.types[n]}[]`).join(", ")})`;
  }

  async create(client: SqlClient): Promise<void> {
    const columns = this.names.map((n) => `${n} ${this.types[n]}`).join(", ");
    await client.query(`CREATE TEMP TABLE ${this.name} (${columns}) ON COMMIT DROP`);
  }

  writer(client: SqlClient, batchSize: number): StageWriter<C> {
    return new StageWriter(client, this.names, this.insertSql, batchSize);
  }
}

/** Collects rows column by column and writes them to the stage `batchSize` at a time. */
export class StageWriter<C extends string> {
  private columns: Map<string, StageValue[]>;
  private size = 0;

  constructor(
    private readonly client: SqlClient,
    private readonly names: readonly (C | "line" | "valid")[],
    private readonly insertSql: string,
    private readonly batchSize: number,
  ) {
    this.columns = this.empty();
  }

  private empty(): Map<string, StageValue[]> {
    return new Map(this.names.map((n) => [n, []]));
  }

  async add(row: StageRowOf<C>): Promise<void> {
    const values = row as Partial<Record<string, StageValue>>;
    for (const name of this.names) this.columns.get(name)?.push(values[name] ?? null);
    this.size++;
    if (this.size >= this.batchSize) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.size === 0) return;
    const params = this.names.map((n) => this.columns.get(n) ?? []);
    this.columns = this.empty();
    this.size = 0;
    await this.client.query(this.insertSql, params);
  }
}

/** Where a roster's rows wait for the merge. */
export const ROSTER_STAGE = new StageTable("roster_stage", {
  id_value: "text",
  id_type: "text",
  id_authority: "text",
  id2_value: "text",
  id2_type: "text",
  id2_authority: "text",
  family_name: "text",
  given_name: "text",
  middle_name: "text",
  birth_date: "date",
  sex: "text",
  postal_code: "text",
  phone: "text",
  practice_org_id: "bigint",
  effective_from: "date",
  pcp_npi: "text",
  pcp_family_name: "text",
  pcp_given_name: "text",
  program: "text",
  risk_tier: "text",
  care_manager_recipient_id: "bigint",
  lead_organization: "text",
  status: "text",
  goal: "text",
  goal_met: "boolean",
  plan_risk_score: "numeric",
  practice_flag: "boolean",
});

/** A staged roster row. */
export type StageRow = StageRowOf<typeof ROSTER_STAGE extends StageTable<infer C> ? C : never>;

/** Number of valid rows left in a stage after the late checks. */
export async function countValid(client: SqlClient, stage: string): Promise<number> {
  const { rows } = await client.query<{ n: string }>(`SELECT count(*)::text AS n FROM ${stage} WHERE valid`);
  return Number(rows[0]?.n ?? 0);
}
