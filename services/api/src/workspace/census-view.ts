import { displayName } from "../tasks/task-queries.ts";
import type { Census, CensusDischarge, CensusSetting, CensusSort, CensusStay } from "./census-schemas.ts";
import type { CensusRow } from "./census-store.ts";

/** What the census is narrowed to and how it is ordered (the query, with the scope decided). */
export interface CensusView {
  scope: "mine" | "practice";
  setting?: CensusSetting | undefined;
  tier?: "I" | "II" | "III" | undefined;
  careManager?: string | undefined;
  facility?: string | undefined;
  sort: CensusSort;
  limit: number;
  dischargedDays: number;
}

const TIER_RANK = { I: 1, II: 2, III: 3 } as const;
const tierRank = (r: CensusRow) => (r.risk_tier === null ? 4 : TIER_RANK[r.risk_tier]);
/** The moment a row is "from": arrival for a stay, discharge for a discharge. */
const momentOf = (r: CensusRow) => (r.discharged_at ?? r.started_at).getTime();
const byName = (a: CensusRow, b: CensusRow) =>
  (a.family_name ?? "").localeCompare(b.family_name ?? "", "en", { sensitivity: "base" }) ||
  (a.given_name ?? "").localeCompare(b.given_name ?? "", "en", { sensitivity: "base" });

/** The order of one list: ties fall back to the most recent first, then the name. */
export function compareRows(sort: CensusSort): (a: CensusRow, b: CensusRow) => number {
  const recentFirst = (a: CensusRow, b: CensusRow) => momentOf(b) - momentOf(a);
  switch (sort) {
    case "tier":
      return (a, b) => tierRank(a) - tierRank(b) || recentFirst(a, b) || byName(a, b);
    case "days":
      return (a, b) => momentOf(a) - momentOf(b) || byName(a, b);
    case "name":
      return (a, b) => byName(a, b) || recentFirst(a, b);
  }
}

const keyOf = (r: CensusRow) => `${r.organization_id}|${r.facility}|${r.visit_number}`;

function entryOf(r: CensusRow) {
  return {
    key: keyOf(r),
    organization: { id: r.organization_id, code: r.org_code, name: r.org_name, timeZone: r.org_time_zone },
    patient: {
      id: r.patient_id,
      displayName: displayName(r.given_name, r.family_name),
      birthDate: r.birth_date,
      practiceIdentifier: r.practice_identifier,
    },
    facility: { code: r.facility, name: r.facility_name, timeZone: r.facility_time_zone ?? r.org_time_zone },
    visitNumber: r.visit_number,
    setting: r.setting,
    location: { unit: r.unit, room: r.room, bed: r.bed },
    event: {
      matchId: r.match_id,
      kind: r.event_kind as CensusStay["event"]["kind"],
      occurredAt: r.occurred_at.toISOString(),
    },
    copy: r.copy,
    riskTier: r.risk_tier,
    program: r.program,
    enrollmentStatus: r.enrollment_status,
    careManager:
      r.care_manager_id === null ? null : { id: r.care_manager_id, displayName: r.care_manager_name ?? "" },
    mine: r.mine,
    tasks: {
      open: r.open_tasks,
      overdue: r.overdue_tasks,
      nextDueAt: r.next_due_at === null ? null : r.next_due_at.toISOString(),
    },
  };
}

function stayOf(r: CensusRow, now: Date): CensusStay {
  return {
    ...entryOf(r),
    status: r.status === "on-leave" ? "on-leave" : "active",
    since: r.started_at.toISOString(),
    hoursSince: Math.max(0, Math.floor((now.getTime() - r.started_at.getTime()) / 3_600_000)),
  };
}

function dischargeOf(r: CensusRow): CensusDischarge {
  return {
    ...entryOf(r),
    dischargedAt: (r.discharged_at ?? r.started_at).toISOString(),
    daysSinceDischarge: Math.max(0, r.days_since_discharge ?? 0),
    contact: {
      status: r.attempts > 0 ? "attempted" : "none",
      attempts: r.attempts,
      lastAttemptAt: r.last_attempt_at === null ? null : r.last_attempt_at.toISOString(),
    },
  };
}

/**
 * The census from its rows: the scope (`mine` keeps the care manager's own patients), discharges
 * whose patient was reached left out, the filters, each list ordered and cut at `limit`. Answers
 * the census and the rows it shows (what the access log records). Filter choices come from the
 * scope before filtering, so a filter can be changed without clearing the others first.
 */
export function buildCensus(
  rows: readonly CensusRow[],
  view: CensusView,
  now: Date,
): { census: Census; shown: CensusRow[] } {
  const scoped = rows.filter(
    (r) => (view.scope === "practice" || r.mine) && !(r.status === "discharged" && r.reached),
  );
  const facilities = new Map<string, string | null>();
  const careManagers = new Map<string, string>();
  for (const r of scoped) {
    if (!facilities.has(r.facility) || facilities.get(r.facility) === null)
      facilities.set(r.facility, r.facility_name);
    if (r.care_manager_id !== null) careManagers.set(r.care_manager_id, r.care_manager_name ?? "");
  }
  const kept = scoped.filter(
    (r) =>
      (view.setting === undefined || r.setting === view.setting) &&
      (view.tier === undefined || r.risk_tier === view.tier) &&
      (view.careManager === undefined || r.care_manager_id === view.careManager) &&
      (view.facility === undefined || r.facility === view.facility),
  );
  const order = compareRows(view.sort);
  const inHospital = kept.filter((r) => r.status !== "discharged").sort(order);
  const discharged = kept.filter((r) => r.status === "discharged").sort(order);
  const stays = inHospital.slice(0, view.limit);
  const discharges = discharged.slice(0, view.limit);
  return {
    census: {
      scope: view.scope,
      asOf: now.toISOString(),
      dischargedDays: view.dischargedDays,
      sort: view.sort,
      inHospital: { items: stays.map((r) => stayOf(r, now)), total: inHospital.length },
      recentlyDischarged: { items: discharges.map(dischargeOf), total: discharged.length },
      options: {
        facilities: [...facilities]
          .map(([code, name]) => ({ code, name }))
          .sort((a, b) => (a.name ?? a.code).localeCompare(b.name ?? b.code)),
        careManagers: [...careManagers]
          .map(([id, name]) => ({ id, displayName: name }))
          .sort((a, b) => a.displayName.localeCompare(b.displayName)),
      },
    },
    shown: [...stays, ...discharges],
  };
}
