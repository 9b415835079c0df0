import { Readable } from "node:stream";
import type { Pool } from "@homeward/db";
import { isValidNpi } from "./values.ts";

/** A valid NPI (check digit computed) from a 9-digit stem. Synthetic, for tests and benchmarks. */
export function npi(stem: string): string {
  for (let d = 0; d <= 9; d++) if (isValidNpi(`${stem}${d}`)) return `${stem}${d}`;
  throw new Error(`no check digit for ${stem}`);
}

export interface SeededOrgs {
  riverside: string;
  hilltop: string;
  bluecare: string;
  /** Riverside's care manager (cm.riverside@example.org) and BlueCare's (cm.bluecare@example.org). */
  riversideCm: string;
  bluecareCm: string;
}

/** Two practices, one plan and a care manager each: the organizations the synthetic rosters name. */
export async function seedOrganizations(pool: Pool): Promise<SeededOrgs> {
  const org = async (kind: string, code: string, name: string, groupNpi: string | null) => {
    const { rows } = await pool.query<{ id: string }>(
      "INSERT INTO organizations (kind, code, name, npi) VALUES ($1, $2, $3, $4) RETURNING id::text",
      [kind, code, name, groupNpi],
    );
    return rows[0]?.id ?? "";
  };
  const recipient = async (orgId: string, email: string) => {
    const { rows } = await pool.query<{ id: string }>(
      `INSERT INTO recipients (organization_id, role, display_name, email, time_zone)
       VALUES ($1, 'care_manager', 'Care Manager', $2, 'America/New_York') RETURNING id::text`,
      [orgId, email],
    );
    return rows[0]?.id ?? "";
  };
  const riverside = await org("practice", "RIVERSIDE", "Riverside Family Medicine", npi("199999001"));
  const hilltop = await org("practice", "HILLTOP", "Hilltop Pediatrics", null);
  const bluecare = await org("health_plan", "BLUECARE", "BlueCare Medicaid", null);
  return {
    riverside,
    hilltop,
    bluecare,
    riversideCm: await recipient(riverside, "cm.riverside@example.org"),
    bluecareCm: await recipient(bluecare, "cm.bluecare@example.org"),
  };
}

export const csv = (lines: string[]) => Readable.from([`${lines.join("\n")}\n`]);
