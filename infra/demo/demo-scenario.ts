/**
 * Who plays which part of the demo's recent past (packages/simulator/src/simulator-scenario.ts
 * tells the stories): chosen from the population by what their lists say, so each part shows what
 * it is meant to (a tracking-list patient's admission opens the in-hospital visit, a plan-led
 * patient's ED visit gives the practice a monitor copy…). Pure and deterministic; no one plays two
 * parts, and patients on both lists are left out where their two lines could disagree.
 */
import type { DemoScenario, ScenarioPart } from "@homeward/simulator";
import type { DemoPerson } from "./demo-population.ts";

type Cast = DemoScenario["cast"];

/** Each part, how many patients play it, and who may. */
const PARTS: readonly { part: ScenarioPart; count: number; fits: (p: DemoPerson) => boolean }[] = [
  { part: "tracking-list-admitted", count: 1, fits: (p) => practiceOnly(p, "tracking_list") },
  { part: "tracking-list-discharged", count: 1, fits: (p) => practiceOnly(p, "tracking_list") },
  {
    part: "monitor-copy-ed",
    count: 1,
    fits: (p) => p.practiceList === undefined && p.planList?.lead === "plan",
  },
  { part: "readmission", count: 1, fits: (p) => practiceOnly(p, "active", ["I"]) },
  { part: "frequent-ed", count: 1, fits: (p) => practiceOnly(p, "active", ["II"]) },
  { part: "in-hospital-now", count: 1, fits: (p) => practiceOnly(p, "active", ["II", "III"]) },
  { part: "in-ed-now", count: 1, fits: (p) => practiceOnly(p, "active", ["II", "III"]) },
  { part: "in-ed-now", count: 1, fits: (p) => onNoList(p) },
  { part: "recent-discharge", count: 1, fits: (p) => practiceOnly(p, "active", ["I"]) },
  { part: "recent-discharge", count: 1, fits: (p) => practiceOnly(p, "active", ["III"]) },
  { part: "recent-discharge", count: 1, fits: (p) => onNoList(p) },
  { part: "not-enrolled-ed", count: 1, fits: (p) => onNoList(p) },
];

/** On the practice's list only (no plan line to disagree with), with this status and tier. */
function practiceOnly(p: DemoPerson, status: string, tiers?: readonly string[]): boolean {
  const line = p.practiceList;
  if (line === undefined || p.planList !== undefined || line.status !== status || line.lead === "plan")
    return false;
  return tiers === undefined || tiers.includes(line.tier);
}

const onNoList = (p: DemoPerson) => p.practiceList === undefined && p.planList === undefined;

/**
 * The cast of the demo's past, in PARTS order: for each part, the first fitting patients (by
 * chart order, from an offset so the cast is spread over the roster) not already cast.
 */
export function demoCast(people: readonly DemoPerson[]): Cast {
  const taken = new Set<string>();
  const cast: Cast = [];
  PARTS.forEach(({ part, count, fits }, index) => {
    const start = (index * 17) % Math.max(1, people.length);
    const order = [...people.slice(start), ...people.slice(0, start)];
    for (const p of order.filter((q) => fits(q) && !taken.has(q.memberId)).slice(0, count)) {
      taken.add(p.memberId);
      cast.push({ part, memberId: p.memberId });
    }
  });
  return cast;
}
