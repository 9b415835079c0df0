import type { HighRiskDefinition, HighRiskSettings } from "@homeward/protocols";

/** Appends a value to the query's parameters and returns its placeholder (`$n`). */
export type AddParam = (value: unknown) => string;

/** A parameter list and the `AddParam` that grows it, numbering after the ones already there. */
export function sqlParams(initial: unknown[]): { params: unknown[]; param: AddParam } {
  const params = [...initial];
  return {
    params,
    param: (value) => {
      params.push(value);
      return `$${params.length}`;
    },
  };
}

/**
 * The SQL condition "this enrollment row makes its patient high-risk" for the alias `e` of
 * care_management_enrollments: the protocols file's definition (`HighRiskDefinition`), each program's
 * own where it has one. The one definition the reports share: the ED measure's denominator, the
 * care-management report. The caller still decides which rows are open (effective-dated, not ended).
 * `scoreOverride`, a SQL numeric expression, replaces every definition's plan risk score threshold
 * when it is not null (a report's explicit `riskScoreThreshold`).
 */
export function highRiskCondition(
  e: string,
  settings: HighRiskSettings,
  param: AddParam,
  options: { scoreOverride?: string } = {},
): string {
  const one = (d: HighRiskDefinition) => {
    const own =
      d.planRiskScoreAtLeast === undefined ? "NULL::numeric" : `${param(d.planRiskScoreAtLeast)}::numeric`;
    const threshold =
      options.scoreOverride === undefined ? own : `COALESCE(${options.scoreOverride}, ${own})`;
    return `(${e}.risk_tier = ANY(${param(d.riskTiers)}::text[])
        OR (${threshold} IS NOT NULL AND ${e}.plan_risk_score >= ${threshold})
        OR (${param(d.practiceFlag)}::boolean AND ${e}.practice_flag IS TRUE)
        OR ${e}.status = ANY(${param(d.listStatuses)}::text[]))`;
  };
  if (settings.programs.length === 0) return one(settings.highRisk);
  const programs = settings.programs.map(
    (p) => `WHEN ${e}.program = ${param(p.program)} THEN ${one(p.highRisk)}`,
  );
  return `(CASE ${programs.join(" ")} ELSE ${one(settings.highRisk)} END)`;
}

const TIER_WORDS: Record<string, string> = { I: "Priority I", II: "Priority II", III: "Priority III" };

/** The definition in the words the quality page shows under its numbers. */
export function describeHighRisk(d: HighRiskDefinition): string {
  const parts: string[] = [];
  if (d.riskTiers.length > 0) parts.push(d.riskTiers.map((t) => TIER_WORDS[t] ?? t).join(" or "));
  if (d.planRiskScoreAtLeast !== undefined)
    parts.push(`a plan risk score of ${d.planRiskScoreAtLeast} or more`);
  if (d.practiceFlag) parts.push("the practice's high-risk flag");
  if (d.listStatuses.length > 0)
    parts.push(`on the list as ${d.listStatuses.join(" or ").replace("_", " ")}`);
  if (parts.length === 0) return "nobody (the definition names no criterion)";
  const last = parts.pop();
  return parts.length === 0 ? `${last}` : `${parts.join(", ")}, or ${last}`;
}
