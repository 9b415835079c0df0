// What the high-risk list's screens share: the words for leads, statuses, tiers and goals, and which
// list the address bar (or the signed-in person's organizations) names.
import { api, query } from "./api.js";

export const LEADS = { practice: "Practice", plan: "Plan", joint: "Joint" };
export const ENROLLMENT_STATUSES = {
  active: "Active",
  monitor: "Monitor",
  tracking_list: "Tracking list",
  ended: "Ended",
};
export const SIDES = { plan: "Plan", practice: "Practice" };
const PLAN_KINDS = new Set(["health_plan", "aco"]);

export const tierText = (tier) => (tier ? `Priority ${tier}` : "No tier");
export const metText = (met) => (met === true ? "Met" : met === false ? "Not met" : "Not assessed");

/**
 * The lists the signed-in person can open: a practice's people pick among their practices; a plan's
 * people among the practices whose patients the plan lists. The address bar's organizationId and
 * planOrganizationId win when given.
 */
export async function listChoices() {
  const me = await api("/api/me");
  const organizations = Array.isArray(me?.organizations) ? me.organizations : [];
  let practices = organizations.filter((o) => o.kind === "practice");
  if (practices.length === 0) {
    const plans = organizations.filter((o) => PLAN_KINDS.has(o.kind));
    const listed = await Promise.all(
      plans.map((p) =>
        api(`/api/care-management/high-risk-list/practices${query({ planOrganizationId: p.id })}`)
          .then((body) => body.items)
          .catch(() => []),
      ),
    );
    const seen = new Map();
    for (const p of listed.flat()) seen.set(p.id, p);
    practices = [...seen.values()];
  }
  return practices;
}

/** `organizationId` and `planOrganizationId` from the address bar (ids only; no patient data). */
export function listParams() {
  const params = new URLSearchParams(location.search);
  const id = (key) => (/^\d{1,19}$/.test(params.get(key) ?? "") ? params.get(key) : "");
  return { organizationId: id("organizationId"), planOrganizationId: id("planOrganizationId") };
}
