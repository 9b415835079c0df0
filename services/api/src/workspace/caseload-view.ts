import type { Caseload, CaseloadRow, CaseloadTargets } from "./caseload-schemas.ts";
import type { CaseloadCounts, CaseloadTierRow } from "./caseload-store.ts";

const TIER_ORDER = ["I", "II", "III", null] as const;

/** Where a caseload stands: over the Priority I target; under, within or over the range in all. */
export function againstTargets(
  counts: { priorityOne: number; total: number },
  targets: CaseloadTargets,
): Pick<CaseloadRow, "priorityOneStatus" | "totalStatus"> {
  return {
    priorityOneStatus: counts.priorityOne > targets.priorityOne ? "over" : "within",
    totalStatus:
      counts.total < targets.totalMin ? "under" : counts.total > targets.totalMax ? "over" : "within",
  };
}

/** The tiers a holder has patients in, Priority I first, tier-less last. */
function tiersOf(rows: readonly CaseloadTierRow[], holder: string) {
  return TIER_ORDER.flatMap((tier) => {
    const row = rows.find((r) => r.holder === holder && r.tier === tier);
    return row === undefined
      ? []
      : [{ tier, active: row.active, monitor: row.monitor, trackingList: row.tracking_list }];
  });
}

/**
 * The caseload answer from its counts: a row per care manager of each organization, held against
 * the organization's targets, and (for supervisors) what nobody holds.
 */
export function buildCaseload(
  counts: CaseloadCounts,
  options: { withUnassigned: boolean; now: Date },
): Caseload {
  const totalOf = (holder: string) => counts.totals.find((t) => t.holder === holder);
  const tasksOf = (holder: string) => {
    const row = counts.tasks.find((t) => t.holder === holder);
    return { open: row?.open ?? 0, overdue: row?.overdue ?? 0 };
  };
  return {
    asOf: options.now.toISOString(),
    organizations: counts.organizations.map((o) => {
      const unheld = `org:${o.id}`;
      return {
        organization: { id: o.id, code: o.code, name: o.name },
        targets: o.targets,
        careManagers: counts.people
          .filter((p) => p.organization_id === o.id)
          .map((p) => {
            const total = totalOf(p.recipient_id);
            const n = { priorityOne: total?.priority_one ?? 0, total: total?.total ?? 0 };
            return {
              careManager: { id: p.recipient_id, displayName: p.display_name, active: p.active },
              byTier: tiersOf(counts.tiers, p.recipient_id),
              ...n,
              tasks: tasksOf(p.recipient_id),
              ...againstTargets(n, o.targets),
            };
          }),
        unassigned: options.withUnassigned
          ? {
              patients: totalOf(unheld)?.total ?? 0,
              byTier: tiersOf(counts.tiers, unheld),
              tasks: tasksOf(unheld),
            }
          : null,
      };
    }),
  };
}
