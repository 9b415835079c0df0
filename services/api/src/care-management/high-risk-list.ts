import type { Pool } from "@homeward/db";
import { listRecipients } from "@homeward/directory";
import { DEFAULT_PROTOCOLS, type HighRiskSettings, isHighRisk } from "@homeward/protocols";
import { displayName } from "../tasks/task-queries.ts";
import type { Enrollment, HighRiskEntry, HighRiskList, ListedEnrollment } from "./enrollment-schemas.ts";
import { combinedListEnrollments, goalHistories } from "./enrollment-store.ts";
import { type RankedPatient, rankCombined } from "./high-risk-ranking.ts";
import type { Org } from "./list-organization-store.ts";
import { NO_UTILIZATION, utilizationOf } from "./utilization-store.ts";

export interface ListContext {
  practice: Org;
  plan: Org | undefined;
  plans: (Org & { patients: number })[];
  /** `plan`: the caller reads only the plan, and sees only the patients the plan's list names. */
  view: "full" | "plan";
  perSide: number;
  /** The organizations of this list whose data the caller reads (announcements routed to them count). */
  readable: readonly string[];
  /** Whether the caller may change an enrollment (either of its two organizations is theirs). */
  mayEdit: (enrollment: Enrollment) => boolean;
  now: Date;
  /** Who is high-risk (the protocols in force); DEFAULT_PROTOCOLS' definition when absent. */
  highRisk?: HighRiskSettings | undefined;
}

const ref = (o: Org) => ({ id: o.id, code: o.code, name: o.name });

/**
 * The combined plan + practice high-risk list (ranked by `rankCombined`, the order the
 * coordination guideline discusses patients in) with the open enrollments behind each row, which
 * the teams edit, each with its goal's history; the tracking list apart; the ED visits and
 * admissions the caller's organizations were told of; and the care managers an enrollment may name.
 */
export async function highRiskList(pool: Pool, ctx: ListContext): Promise<HighRiskList> {
  const { practice, plan } = ctx;
  const patients = await combinedListEnrollments(pool, { practiceId: practice.id, planId: plan?.id });
  const ranking = rankCombined(patients, { perSide: ctx.perSide });
  const visible = (rows: RankedPatient[]) =>
    ctx.view === "plan" ? rows.filter((r) => r.patient.enrollments.some((e) => e.side === "plan")) : rows;
  const entries = visible(ranking.entries);
  const tracking = visible(ranking.trackingList);
  const shown = [...entries, ...tracking];
  const histories = await goalHistories(
    pool,
    shown.flatMap((r) => r.patient.enrollments.map((e) => e.id)),
  );
  const utilization = await utilizationOf(
    pool,
    shown.map((r) => r.patient.id),
    ctx.readable,
    ctx.now,
  );
  const toEntry = (r: RankedPatient, rank: number): HighRiskEntry => ({
    rank,
    patient: {
      id: r.patient.id,
      displayName: displayName(r.patient.givenName, r.patient.familyName),
      birthDate: r.patient.birthDate,
    },
    listedBy: r.listedBy,
    onPlanList: r.onPlanList,
    onPracticeList: r.onPracticeList,
    planRank: r.planRank,
    practiceRank: r.practiceRank,
    planRiskScore: r.planRiskScore,
    practiceFlag: r.practiceFlag,
    planRiskTier: r.planRow?.riskTier ?? null,
    practiceRiskTier: r.practiceRow?.riskTier ?? null,
    planLead: r.planRow?.leadOrganization ?? null,
    practiceLead: r.practiceRow?.leadOrganization ?? null,
    leadAgreed:
      r.planRow?.leadOrganization != null && r.planRow.leadOrganization === r.practiceRow?.leadOrganization,
    planStatus: r.planRow?.status ?? null,
    practiceStatus: r.practiceRow?.status ?? null,
    highRisk: r.patient.enrollments.some((e) => isHighRisk(ctx.highRisk ?? DEFAULT_PROTOCOLS, e)),
    utilization: utilization.get(r.patient.id) ?? NO_UTILIZATION,
    enrollments: r.patient.enrollments.map(
      (e): ListedEnrollment => ({ ...e, editable: ctx.mayEdit(e), goalHistory: histories.get(e.id) ?? [] }),
    ),
  });
  const organizations = plan === undefined ? [practice] : [practice, plan];
  const careManagers = await listRecipients(pool, {
    organizationIds: organizations.map((o) => o.id),
    role: "care_manager",
    active: true,
  });
  return {
    practice: { ...ref(practice), timeZone: practice.timeZone },
    plan: plan === undefined ? null : ref(plan),
    plans: ctx.plans.map((p) => ({ ...ref(p), patients: p.patients })),
    view: ctx.view,
    perSide: ctx.perSide,
    planListed: ranking.planListed,
    practiceListed: ranking.practiceListed,
    entries: entries.map((r, i) => toEntry(r, i + 1)),
    trackingList: tracking.map((r) => toEntry(r, 0)),
    careManagers: careManagers.map((c) => {
      const org = organizations.find((o) => o.id === c.organizationId) ?? practice;
      return { id: c.id, displayName: c.displayName, organization: ref(org) };
    }),
  };
}
