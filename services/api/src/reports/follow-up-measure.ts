import type { BusinessCalendar } from "@homeward/protocols";
import type { FollowUpTaskRow } from "./follow-up-query.ts";
import { evaluateTask, type FollowUpWindow, type TaskEvaluation } from "./follow-up-window.ts";
import { median, percentile, rateOf, roundTo } from "./percentiles.ts";

/** The dimensions quality staff slice a measure by. */
export type FollowUpGroupBy = "practice" | "care_manager" | "program" | "tier" | "month";

/** A task of the denominator with its verdict. */
export type EvaluatedTask = FollowUpTaskRow & TaskEvaluation;

/** One line of a follow-up report. */
export interface FollowUpRow {
  /** Id of the practice or care manager, the program, tier or `YYYY-MM`; null for "none". */
  groupKey: string | null;
  /** What a person reads: the practice's or care manager's name, "Unassigned", "No tier"... */
  group: string;
  denominator: number;
  numerator: number;
  /** numerator / denominator (4 decimals); null for an empty denominator. */
  rate: number | null;
  /** Tasks of the denominator completed with contact, in time or late: the base of the two times. */
  contacted: number;
  medianHoursToContact: number | null;
  p90HoursToContact: number | null;
  /** Not yet contacted but the window is still running: misses today that may not be misses tomorrow. */
  openInWindow: number;
}

/** Puts each task against the window of its own practice's calendar. */
export function evaluateTasks(
  tasks: readonly FollowUpTaskRow[],
  window: FollowUpWindow,
  calendars: ReadonlyMap<string, BusinessCalendar>,
): EvaluatedTask[] {
  return tasks.map((task) => {
    const calendar = calendars.get(task.organizationId);
    if (calendar === undefined) throw new Error(`no calendar for organization ${task.organizationId}`);
    return { ...task, ...evaluateTask(task, window, calendar) };
  });
}

const NONE_LABEL: Record<FollowUpGroupBy, string> = {
  practice: "No practice",
  care_manager: "Unassigned",
  program: "No program",
  tier: "No tier",
  month: "No month",
};

function groupOf(task: EvaluatedTask, by: FollowUpGroupBy): { key: string | null; label: string | null } {
  switch (by) {
    case "practice":
      return { key: task.organizationId, label: task.organizationName };
    case "care_manager":
      return { key: task.careManagerId, label: task.careManagerName };
    case "program":
      return { key: task.program, label: task.program };
    case "tier":
      return { key: task.tier, label: task.tier };
    case "month":
      return { key: task.triggerMonth, label: task.triggerMonth };
  }
}

/** The numbers of one set of tasks; `group` fields are the caller's. */
export function measureOf(
  tasks: readonly EvaluatedTask[],
  now: Date,
): Omit<FollowUpRow, "groupKey" | "group"> {
  const hours = tasks.flatMap((t) => (t.hoursToContact === null ? [] : [t.hoursToContact]));
  const numerator = tasks.filter((t) => t.met).length;
  const openInWindow = tasks.filter(
    (t) => t.completedAt === null && t.windowEndsAt.getTime() >= now.getTime(),
  ).length;
  return {
    denominator: tasks.length,
    numerator,
    rate: rateOf(numerator, tasks.length),
    contacted: hours.length,
    medianHoursToContact: roundTo(median(hours), 2),
    p90HoursToContact: roundTo(percentile(hours, 0.9), 2),
    openInWindow,
  };
}

const collator = new Intl.Collator("en", { numeric: true, sensitivity: "base" });

/**
 * One row per group, sorted by the group's label (tiers I, II, III; months in order; names
 * alphabetically), with "none" (no program, unassigned...) last; and the total over all tasks.
 */
export function summarizeFollowUp(
  tasks: readonly EvaluatedTask[],
  groupBy: FollowUpGroupBy,
  now: Date,
): { rows: FollowUpRow[]; total: Omit<FollowUpRow, "groupKey" | "group"> } {
  const groups = new Map<string, { key: string | null; label: string; tasks: EvaluatedTask[] }>();
  for (const task of tasks) {
    const { key, label } = groupOf(task, groupBy);
    const id = key ?? "\u0000none";
    let group = groups.get(id);
    if (group === undefined) {
      group = { key, label: label ?? NONE_LABEL[groupBy], tasks: [] };
      groups.set(id, group);
    }
    group.tasks.push(task);
  }
  const rows = [...groups.values()]
    .sort((a, b) => {
      if ((a.key === null) !== (b.key === null)) return a.key === null ? 1 : -1;
      return collator.compare(a.label, b.label) || collator.compare(a.key ?? "", b.key ?? "");
    })
    .map((g) => ({ groupKey: g.key, group: g.label, ...measureOf(g.tasks, now) }));
  return { rows, total: measureOf(tasks, now) };
}

/** The tasks behind the denominator that are not in the numerator: the list quality staff work. */
export const missesOf = (tasks: readonly EvaluatedTask[]): EvaluatedTask[] => tasks.filter((t) => !t.met);

/**
 * Why a task is a miss, so the list can be worked: still open with time left (`open-in-window`: not a
 * miss yet), open past the window (`overdue`), contact made after the window (`late-contact`), or
 * closed without reaching the patient (`no-contact`: voicemail, unable to reach, declined...).
 */
export type MissReason = "open-in-window" | "overdue" | "late-contact" | "no-contact";

export function missReason(task: EvaluatedTask, now: Date): MissReason {
  if (task.completedAt === null)
    return task.windowEndsAt.getTime() >= now.getTime() ? "open-in-window" : "overdue";
  return task.hoursToContact === null ? "no-contact" : "late-contact";
}
