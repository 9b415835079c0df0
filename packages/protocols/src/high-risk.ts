import { z } from "zod";
import { reportDuplicates } from "./unique.ts";

const Tier = z.enum(["I", "II", "III"]);
const ListStatus = z.enum(["active", "monitor", "tracking_list"]);

/**
 * Who counts as a "high-risk patient" in a care-management program: any one criterion is enough, on
 * any open enrollment row of the patient (a plan's list or the practice's own). The reports and the
 * combined list read it from here, so "high-risk" means the same on every screen. An enrollment
 * without a tier is "unassigned": it is high-risk only by another criterion, never as Priority III.
 */
export const HighRiskDefinition = z
  .strictObject({
    /** Tiers that make the patient high-risk (Priority I, immediate danger; II, likely ED or hospital in 60 days). */
    riskTiers: z.array(Tier).default(["I", "II"]),
    /** A plan risk score at or above this makes the patient high-risk; absent = scores are not used. */
    planRiskScoreAtLeast: z.number().min(0).optional(),
    /** The practice's own high-risk flag (practice_flag) makes the patient high-risk. */
    practiceFlag: z.boolean().default(true),
    /**
     * List membership: being on the program's list with one of these statuses is enough, whatever the
     * tier (a plan whose list is its high-risk list). Empty = membership alone is not enough.
     */
    listStatuses: z.array(ListStatus).default([]),
  })
  .superRefine((definition, ctx) => {
    reportDuplicates(ctx, definition.riskTiers, String, ["riskTiers"], "risk tier");
    reportDuplicates(ctx, definition.listStatuses, String, ["listStatuses"], "status");
  });
export type HighRiskDefinition = z.infer<typeof HighRiskDefinition>;

/** One care-management program's settings. */
export const ProgramSettings = z.strictObject({
  /** The enrollment program, as on the lists (e.g. `complex-care`). */
  program: z.string().min(1).max(200),
  highRisk: HighRiskDefinition,
});
export type ProgramSettings = z.infer<typeof ProgramSettings>;

/** What `highRiskDefinitionOf` needs of a protocols file. */
export interface HighRiskSettings {
  highRisk: HighRiskDefinition;
  programs: readonly ProgramSettings[];
}

/** The program's own definition, else the file's. */
export function highRiskDefinitionOf(settings: HighRiskSettings, program: string | null): HighRiskDefinition {
  return settings.programs.find((p) => p.program === program)?.highRisk ?? settings.highRisk;
}

/** One open enrollment row, as far as the definition looks at it. */
export interface HighRiskFacts {
  program: string;
  riskTier: "I" | "II" | "III" | null;
  planRiskScore: number | null;
  practiceFlag: boolean | null;
  /** The row's status; `ended` rows are the caller's to leave out (they meet no membership rule). */
  status: string;
}

/** Whether one enrollment row makes its patient high-risk under its program's definition. */
export function isHighRisk(settings: HighRiskSettings, row: HighRiskFacts): boolean {
  const d = highRiskDefinitionOf(settings, row.program);
  return (
    (row.riskTier !== null && d.riskTiers.includes(row.riskTier)) ||
    (d.planRiskScoreAtLeast !== undefined &&
      row.planRiskScore !== null &&
      row.planRiskScore >= d.planRiskScoreAtLeast) ||
    (d.practiceFlag && row.practiceFlag === true) ||
    (d.listStatuses as readonly string[]).includes(row.status)
  );
}
