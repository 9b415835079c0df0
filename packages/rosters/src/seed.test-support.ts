import { Readable } from "node:stream";
import type { Pool } from "@homeward/db";
import { createOrganization, createRecipient, type OrganizationKind } from "@homeward/directory";
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

/** Two practices, one plan and a care manager each (made through @homeward/directory): the organizations the synthetic rosters name. */
export async function seedOrganizations(pool: Pool): Promise<SeededOrgs> {
  const org = async (kind: OrganizationKind, code: string, name: string, groupNpi: string | null) => {
    const created = await createOrganization(
      pool,
      { kind, code, name, npi: groupNpi, tin: null, timeZone: "America/New_York", parentId: null },
      new Date(),
    );
    if (typeof created === "string") throw new Error(`organization ${code} not created: ${created}`);
    return created.id;
  };
  const recipient = async (orgId: string, email: string) => {
    const created = await createRecipient(pool, orgId, {
      role: "care_manager",
      displayName: "Care Manager",
      email,
      pagerId: null,
      timeZone: "America/New_York",
      active: true,
      npi: null,
    });
    if (typeof created === "string") throw new Error(`recipient ${email} not created: ${created}`);
    return created.id;
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
