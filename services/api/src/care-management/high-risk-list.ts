import type { Pool } from "@homeward/db";
import { combinedHighRiskList } from "@homeward/rosters";
import type { z } from "zod";
import { displayName } from "../tasks/task-queries.ts";
import type { HighRiskList } from "./enrollment-schemas.ts";
import { openEnrollments } from "./enrollment-store.ts";

type Org = { id: string; code: string; name: string; kind: string };

/** An organization by id, for the list's header and the access check. */
export async function loadOrganization(pool: Pool, id: string): Promise<Org | undefined> {
  const { rows } = await pool.query<Org>(
    "SELECT id::text, code, name, kind FROM organizations WHERE id = $1",
    [id],
  );
  return rows[0];
}

/**
 * The plans (health plans, ACOs) whose open care-management lists name patients of the practice,
 * by how many: the other half of a combined list, most patients first.
 */
export async function plansListing(pool: Pool, practiceId: string): Promise<(Org & { patients: number })[]> {
  const { rows } = await pool.query<Org & { patients: string }>(
    `SELECT o.id::text, o.code, o.name, o.kind, count(DISTINCT e.patient_id)::text AS patients
       FROM care_management_enrollments e JOIN organizations o ON o.id = e.listed_by_org_id
      WHERE o.kind IN ('health_plan', 'aco') AND e.effective_to IS NULL AND e.status <> 'ended'
        AND (e.practice_org_id = $1 OR EXISTS (SELECT 1 FROM attributions a
              WHERE a.patient_id = e.patient_id AND a.practice_org_id = $1 AND a.effective_to IS NULL))
      GROUP BY o.id ORDER BY count(DISTINCT e.patient_id) DESC, o.code`,
    [practiceId],
  );
  return rows.map((r) => ({ ...r, patients: Number(r.patients) }));
}

/**
 * The combined plan + practice high-risk list (ranked by `combinedHighRiskList` from the rosters
 * package, the order the plan–practice guideline discusses patients in) with the open enrollments
 * behind each row, which the teams edit. With `view: "plan"` (the caller reads only the plan) the
 * practice-only patients are left out: the plan sees the patients its own list names.
 */
export async function highRiskList(
  pool: Pool,
  opts: {
    practice: Org;
    plan: Org | undefined;
    plans: (Org & { patients: number })[];
    view: "full" | "plan";
  },
): Promise<z.infer<typeof HighRiskList>> {
  const { practice, plan } = opts;
  // Without a plan the plan side is empty: no organization has id 0 (bigserial starts at 1).
  const ranked = await combinedHighRiskList(pool, { practiceOrgId: practice.id, planOrgId: plan?.id ?? "0" });
  const shown = opts.view === "plan" ? ranked.filter((e) => e.onPlanList) : ranked;
  const listedBy = plan === undefined ? [practice.id] : [practice.id, plan.id];
  const enrollments = await openEnrollments(
    pool,
    shown.map((e) => e.patientId),
    listedBy,
  );
  const byPatient = new Map<string, typeof enrollments>();
  for (const e of enrollments) byPatient.set(e.patientId, [...(byPatient.get(e.patientId) ?? []), e]);
  const ref = (o: Org) => ({ id: o.id, code: o.code, name: o.name });
  return {
    practice: ref(practice),
    plan: plan === undefined ? null : ref(plan),
    plans: opts.plans.map((p) => ({ ...ref(p), patients: p.patients })),
    view: opts.view,
    entries: shown.map((e, index) => ({
      rank: opts.view === "plan" ? index + 1 : e.rank,
      patient: {
        id: e.patientId,
        displayName: displayName(e.givenName, e.familyName),
        birthDate: e.birthDate,
      },
      listedBy: e.listedBy,
      onPlanList: e.onPlanList,
      onPracticeList: e.onPracticeList,
      planRiskScore: e.planRiskScore,
      practiceFlag: e.practiceFlag,
      planRiskTier: e.planRiskTier,
      practiceRiskTier: e.practiceRiskTier,
      planLead: e.planLead,
      practiceLead: e.practiceLead,
      leadAgreed: e.leadAgreed,
      planStatus: e.planStatus,
      practiceStatus: e.practiceStatus,
      enrollments: byPatient.get(e.patientId) ?? [],
    })),
  };
}
