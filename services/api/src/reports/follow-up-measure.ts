import type { BusinessCalendar } from "@homeward/protocols";
import type { FollowUpTaskRow } from "./follow-up-store.ts";
import { evaluateTask, type FollowUpWindow, type TaskEvaluation } from "./follow-up-window.ts";
import { median, percentile, rateOf, roundTo } from "./percentiles.ts";

/** The dimensions quality staff slice a measure by. */
export type FollowUpGroupBy = "practice" | "care_manager" | "program" | "tier" | "month";

/**
 * What one line of the denominator is: a visit (each task), as HEDIS counts (FMC, TRC are per
 * event); or a patient, once per practice and period (per month when grouped by month), judged by
 * their first visit of the period that is not excluded. docs/measures.md has the definition.
 */
export type Counting = "visit" | "patient";

/**
 * Where a task stands: in the numerator (`met`), in the denominator only (`missed`), outside the rate
 * because its window is still running and nobody has reached the patient yet (`pending`), or out of
 * the measure for a reason the notifier recorded (`excluded`: admitted, transferred, died...).
 */
export type Verdict = "met" | "missed" | "pending" | "excluded";

/** A task with its window and contact time judged. */
export type EvaluatedTask = FollowUpTaskRow & TaskEvaluation;

/** One counted line: a visit's task, or a patient's first eligible visit, with its verdict. */
export type CountedTask = EvaluatedTask & {
  verdict: Verdict;
  /** The patient's visits in the period behind this line (1 when counting visits). */
  visits: number;
};

/** The numbers of one set of counted lines. */
export interface FollowUpNumbers {
  /** Lines met or missed: excluded and pending ones are not in it. */
  denominator: number;
  numerator: number;
  /** numerator / denominator (4 decimals); null for an empty denominator. */
  rate: number | null;
  /** Lines of the denominator whose patient was reached, in time or late: the base of the two times. */
  contacted: number;
  medianHoursToContact: number | null;
  p90HoursToContact: number | null;
  /** Window still running, patient not reached yet: shown apart, in neither numerator nor denominator. */
  pending: number;
  /** Out of the measure with a reason (tasks.excluded_reason). */
  excluded: number;
}

/** One line of a follow-up report. */
export interface FollowUpRow extends FollowUpNumbers {
  /** Id of the practice or care manager, the program, tier or `YYYY-MM`; null for "none". */
  groupKey: string | null;
  /** What a person reads: the practice's or care manager's name, "Unassigned", "No tier"... */
  group: string;
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

const isOpen = (task: EvaluatedTask) => task.status === "open" || task.status === "in_progress";

/**
 * Excluded first (whatever else happened), then met (reached within the window, even while the task
 * is still open), then pending (open, window not ended: not a miss yet), else missed.
 */
export function verdictOf(task: EvaluatedTask, now: Date): Verdict {
  if (task.excludedReason !== null) return "excluded";
  if (task.met) return "met";
  if (isOpen(task) && task.windowEndsAt.getTime() >= now.getTime()) return "pending";
  return "missed";
}

/**
 * The lines to count. Per visit: every task. Per patient: one line per practice, patient (and
 * `period(task)`, e.g. the month) — the first visit of the period that is not excluded, with its
 * verdict; a patient whose every visit was excluded is one excluded line. Tasks come sorted by event
 * time, so "first" is the earliest event.
 */
export function countedLines(
  tasks: readonly EvaluatedTask[],
  counting: Counting,
  now: Date,
  period: (task: EvaluatedTask) => string = () => "",
): CountedTask[] {
  if (counting === "visit") return tasks.map((t) => ({ ...t, verdict: verdictOf(t, now), visits: 1 }));
  const byPatient = new Map<string, EvaluatedTask[]>();
  for (const task of tasks) {
    const key = `${task.organizationId}|${task.patientId}|${period(task)}`;
    const list = byPatient.get(key);
    if (list === undefined) byPatient.set(key, [task]);
    else list.push(task);
  }
  return [...byPatient.values()].map((visits) => {
    const sorted = [...visits].sort((a, b) => a.triggeredAt.getTime() - b.triggeredAt.getTime());
    const first = sorted.find((t) => t.excludedReason === null) ?? (sorted[0] as EvaluatedTask);
    return { ...first, verdict: verdictOf(first, now), visits: sorted.length };
  });
}

/** The numbers of a set of counted lines. */
export function measureOf(lines: readonly CountedTask[]): FollowUpNumbers {
  const inDenominator = lines.filter((l) => l.verdict === "met" || l.verdict === "missed");
  const hours = inDenominator.flatMap((t) => (t.hoursToContact === null ? [] : [t.hoursToContact]));
  const numerator = inDenominator.filter((l) => l.verdict === "met").length;
  return {
    denominator: inDenominator.length,
    numerator,
    rate: rateOf(numerator, inDenominator.length),
    contacted: hours.length,
    medianHoursToContact: roundTo(median(hours), 2),
    p90HoursToContact: roundTo(percentile(hours, 0.9), 2),
    pending: lines.filter((l) => l.verdict === "pending").length,
    excluded: lines.filter((l) => l.verdict === "excluded").length,
  };
}

const NONE_LABEL: Record<FollowUpGroupBy, string> = {
  practice: "No practice",
  care_manager: "Unassigned",
  program: "No program",
  // Not enrolled, or on a list without a tier (unassigned): never counted as Priority III. The other
  // screens say "No tier" too.
  tier: "No tier",
  month: "No month",
};

function groupOf(task: FollowUpTaskRow, by: FollowUpGroupBy): { key: string | null; label: string | null } {
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

const collator = new Intl.Collator("en", { numeric: true, sensitivity: "base" });

/**
 * One row per group, sorted by the group's label (tiers I, II, III; months in order; names
 * alphabetically), with "none" (no program, unassigned...) last; and the total over all lines.
 * Counting patients, a patient is in the group of their first eligible visit (its care manager, tier,
 * program) once per period, and once per month when grouped by month: the months of a year can then
 * add up to more patients than the year's total, which counts each patient once.
 */
export function summarizeFollowUp(
  tasks: readonly EvaluatedTask[],
  groupBy: FollowUpGroupBy,
  now: Date,
  counting: Counting = "visit",
): { rows: FollowUpRow[]; total: FollowUpNumbers } {
  const lines =
    counting === "patient" && groupBy === "month"
      ? countedLines(tasks, counting, now, (t) => t.triggerMonth)
      : countedLines(tasks, counting, now);
  const rows = groupedRows(lines, (line) => line, groupBy, measureOf);
  return { rows, total: measureOf(countedLines(tasks, counting, now)) };
}

/**
 * Items grouped by the task each stands for (practice, care manager, program, tier or month), each
 * group summed up by `numbersOf`, sorted by the group's label with "none" (no program, unassigned…)
 * last: the rows of every follow-up report (the measure itself, its contact times).
 */
export function groupedRows<T, N>(
  items: readonly T[],
  taskOf: (item: T) => FollowUpTaskRow,
  groupBy: FollowUpGroupBy,
  numbersOf: (items: T[]) => N,
): ({ groupKey: string | null; group: string } & N)[] {
  const groups = new Map<string, { key: string | null; label: string; items: T[] }>();
  for (const item of items) {
    const { key, label } = groupOf(taskOf(item), groupBy);
    const id = key ?? "\u0000none";
    let group = groups.get(id);
    if (group === undefined) {
      group = { key, label: label ?? NONE_LABEL[groupBy], items: [] };
      groups.set(id, group);
    }
    group.items.push(item);
  }
  return [...groups.values()]
    .sort((a, b) => {
      if ((a.key === null) !== (b.key === null)) return a.key === null ? 1 : -1;
      return collator.compare(a.label, b.label) || collator.compare(a.key ?? "", b.key ?? "");
    })
    .map((g) => ({ groupKey: g.key, group: g.label, ...numbersOf(g.items) }));
}

/** The lines behind the numbers, by where they stand: what quality staff work and check. */
export function linesByVerdict(
  tasks: readonly EvaluatedTask[],
  counting: Counting,
  now: Date,
): { misses: CountedTask[]; pending: CountedTask[]; excluded: CountedTask[] } {
  const lines = countedLines(tasks, counting, now);
  return {
    misses: lines.filter((l) => l.verdict === "missed"),
    pending: lines.filter((l) => l.verdict === "pending"),
    excluded: lines.filter((l) => l.verdict === "excluded"),
  };
}

/**
 * Why a line is a miss, so the list can be worked: open past the window (`overdue`), patient reached
 * after the window (`late-contact`), or closed without reaching the patient (`no-contact`: voicemail,
 * unable to reach, declined...).
 */
export type MissReason = "overdue" | "late-contact" | "no-contact";

export function missReason(task: EvaluatedTask): MissReason {
  if (task.hoursToContact !== null) return "late-contact";
  return task.completedAt === null ? "overdue" : "no-contact";
}
