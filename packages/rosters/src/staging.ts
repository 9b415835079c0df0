import type { SqlClient } from "./sql-client.ts";

/**
 * The temporary table an import loads its rows into before merging them with one set-based
 * statement per step. Rows arrive in batches as one INSERT … SELECT FROM unnest(arrays) each:
 * one round trip and one parse per few thousand rows, which is what makes a million-row roster
 * take seconds to stage rather than hours.
 */

const STAGE_COLUMNS = {
  line: "integer",
  /** False for rows that failed validation but named a patient: kept so that patient is not ended. */
  valid: "boolean",
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
} as const;

export type StageColumn = keyof typeof STAGE_COLUMNS;
export type StageValue = string | number | boolean | null;
export type StageRow = Partial<Record<StageColumn, StageValue>> & { line: number; valid: boolean };

const NAMES = Object.keys(STAGE_COLUMNS) as StageColumn[];

export async function createStage(client: SqlClient): Promise<void> {
  const columns = NAMES.map((n) => `${n} ${STAGE_COLUMNS[n]}`).join(", ");
  await client.query(`CREATE TEMP TABLE roster_stage (${columns}) ON COMMIT DROP`);
}

const INSERT_SQL = `INSERT INTO roster_stage (${NAMES.join(", ")})
  SELECT * FROM unnest(${NAMES.map((n, i) => `$${i + 1}::${STAGE_COLUMNS[n]}[]`).join(", ")})`;

/** Collects rows column by column and writes them to the stage `batchSize` at a time. */
export class StageWriter {
  private columns = new Map<StageColumn, StageValue[]>(NAMES.map((n) => [n, []]));
  private size = 0;

  constructor(
    private readonly client: SqlClient,
    private readonly batchSize: number,
  ) {}

  async add(row: StageRow): Promise<void> {
    for (const name of NAMES) this.columns.get(name)?.push(row[name] ?? null);
    this.size++;
    if (this.size >= this.batchSize) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.size === 0) return;
    const params = NAMES.map((n) => this.columns.get(n) ?? []);
    this.columns = new Map(NAMES.map((n) => [n, []]));
    this.size = 0;
    await this.client.query(INSERT_SQL, params);
  }
}
