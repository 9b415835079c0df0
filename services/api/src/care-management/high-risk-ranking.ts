import type { Enrollment } from "./enrollment-schemas.ts";

/** A patient with the open enrollments the plan's and the practice's lists hold for them. */
export interface ListedPatient<E extends Enrollment = Enrollment> {
  id: string;
  familyName: string | null;
  givenName: string | null;
  birthDate: string | null;
  enrollments: E[];
}

/** One row of the combined list before utilization is added: what each side says, and where. */
export interface RankedPatient<E extends Enrollment = Enrollment> {
  rank: number;
  patient: ListedPatient<E>;
  listedBy: "both" | "plan" | "practice" | "tracking";
  onPlanList: boolean;
  onPracticeList: boolean;
  planRank: number | null;
  practiceRank: number | null;
  /** The row that speaks for each side (plan: its highest risk score; practice: its highest tier). */
  planRow: E | undefined;
  practiceRow: E | undefined;
  planRiskScore: number | null;
  practiceFlag: boolean;
}

export interface CombinedRanking<E extends Enrollment = Enrollment> {
  entries: RankedPatient<E>[];
  trackingList: RankedPatient<E>[];
  planListed: number;
  practiceListed: number;
}

/** Statuses that put a patient on a side's high-risk list; `tracking_list` patients are listed apart. */
const ON_LIST = new Set<Enrollment["status"]>(["active", "monitor"]);
const TIER_ORDER: Record<string, number> = { I: 1, II: 2, III: 3 };
const tierOrder = (tier: string | null) => (tier === null ? 4 : (TIER_ORDER[tier] ?? 4));
const byName = (a: ListedPatient, b: ListedPatient) =>
  (a.familyName ?? "").localeCompare(b.familyName ?? "") ||
  (a.givenName ?? "").localeCompare(b.givenName ?? "") ||
  Number(a.id) - Number(b.id);
const scoreOf = (rows: readonly Enrollment[]) =>
  rows.reduce<number | null>(
    (max, r) => (r.planRiskScore !== null && (max === null || r.planRiskScore > max) ? r.planRiskScore : max),
    null,
  );
const bestTier = (rows: readonly Enrollment[]) => Math.min(4, ...rows.map((r) => tierOrder(r.riskTier)));
const flagged = (rows: readonly Enrollment[]) => rows.some((r) => r.practiceFlag === true);
/** Higher score first, no score last. */
const byScore = (a: number | null, b: number | null) =>
  (b ?? Number.NEGATIVE_INFINITY) - (a ?? Number.NEGATIVE_INFINITY);

/** The row that speaks for a side: the plan's highest-scored row, the practice's highest-tier row. */
function primaryRow<E extends Enrollment>(rows: readonly E[], side: "plan" | "practice"): E | undefined {
  const sorted = [...rows].sort((a, b) =>
    side === "plan"
      ? byScore(a.planRiskScore, b.planRiskScore) || tierOrder(a.riskTier) - tierOrder(b.riskTier)
      : tierOrder(a.riskTier) - tierOrder(b.riskTier) ||
        Number(b.practiceFlag === true) - Number(a.practiceFlag === true),
  );
  return sorted[0];
}

/**
 * The combined plan + practice high-risk list, as the coordination guideline builds it:
 * - each side ranks its own list (rows active or in monitor status): the plan by its predictive-model
 *   risk score (highest first, then tier), the practice by its risk tier (I first, then its own
 *   high-risk flag); both then by name;
 * - the top `perSide` of each side are shown (the guideline's top 30);
 * - a shown patient whom both sides list (at any place) is "on both lists" and is discussed first,
 *   by the plan's risk score, then the practice's tier; then the plan-only patients in the plan's
 *   order, then the practice-only patients in the practice's order;
 * - patients whom no side lists as active or monitor but a side keeps on its tracking list (not yet
 *   engaged) form the tracking list, by name, unranked and not limited.
 */
export function rankCombined<E extends Enrollment>(
  patients: readonly ListedPatient<E>[],
  opts: { perSide: number },
): CombinedRanking<E> {
  const rows = (p: ListedPatient<E>, side: "plan" | "practice") =>
    p.enrollments.filter((e) => e.side === side && ON_LIST.has(e.status));
  const planList = patients
    .filter((p) => rows(p, "plan").length > 0)
    .sort(
      (a, b) =>
        byScore(scoreOf(rows(a, "plan")), scoreOf(rows(b, "plan"))) ||
        bestTier(rows(a, "plan")) - bestTier(rows(b, "plan")) ||
        byName(a, b),
    );
  const practiceList = patients
    .filter((p) => rows(p, "practice").length > 0)
    .sort(
      (a, b) =>
        bestTier(rows(a, "practice")) - bestTier(rows(b, "practice")) ||
        Number(flagged(rows(b, "practice"))) - Number(flagged(rows(a, "practice"))) ||
        byName(a, b),
    );
  const planRank = new Map(planList.map((p, i) => [p.id, i + 1]));
  const practiceRank = new Map(practiceList.map((p, i) => [p.id, i + 1]));
  const shown = new Map<string, ListedPatient<E>>();
  for (const p of [...planList.slice(0, opts.perSide), ...practiceList.slice(0, opts.perSide)])
    shown.set(p.id, p);

  const describe = (p: ListedPatient<E>, rank: number, tracking: boolean): RankedPatient<E> => {
    const plan = tracking ? p.enrollments.filter((e) => e.side === "plan") : rows(p, "plan");
    const practice = tracking ? p.enrollments.filter((e) => e.side === "practice") : rows(p, "practice");
    const onPlan = !tracking && plan.length > 0;
    const onPractice = !tracking && practice.length > 0;
    return {
      rank,
      patient: p,
      listedBy: tracking ? "tracking" : onPlan && onPractice ? "both" : onPlan ? "plan" : "practice",
      onPlanList: onPlan,
      onPracticeList: onPractice,
      planRank: planRank.get(p.id) ?? null,
      practiceRank: practiceRank.get(p.id) ?? null,
      planRow: primaryRow(plan, "plan"),
      practiceRow: primaryRow(practice, "practice"),
      planRiskScore: scoreOf(plan),
      practiceFlag: flagged(practice),
    };
  };
  const group = (p: ListedPatient<E>) => {
    const onPlan = planRank.has(p.id);
    const onPractice = practiceRank.has(p.id);
    return onPlan && onPractice ? 0 : onPlan ? 1 : 2;
  };
  const ordered = [...shown.values()].sort((a, b) => {
    const g = group(a) - group(b);
    if (g !== 0) return g;
    if (group(a) === 0)
      return (
        byScore(scoreOf(rows(a, "plan")), scoreOf(rows(b, "plan"))) ||
        bestTier(rows(a, "practice")) - bestTier(rows(b, "practice")) ||
        byName(a, b)
      );
    const ranks = group(a) === 1 ? planRank : practiceRank;
    return (ranks.get(a.id) ?? 0) - (ranks.get(b.id) ?? 0);
  });
  const tracking = patients
    .filter(
      (p) =>
        !planRank.has(p.id) &&
        !practiceRank.has(p.id) &&
        p.enrollments.some((e) => e.status === "tracking_list"),
    )
    .sort(byName);
  return {
    entries: ordered.map((p, i) => describe(p, i + 1, false)),
    trackingList: tracking.map((p) => describe(p, 0, true)),
    planListed: planList.length,
    practiceListed: practiceList.length,
  };
}
