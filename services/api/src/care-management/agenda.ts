import type { CsvColumn } from "../reports/csv.ts";
import type {
  AgendaEvent,
  AgendaItem,
  AgendaReason,
  AgendaTask,
  HighRiskEntry,
} from "./enrollment-schemas.ts";

/** How far back the agenda looks for events to talk about. */
export const RECENT_EVENT_DAYS = 30;

const REASON_ORDER: readonly AgendaReason[] = [
  "both-lists-recent-event",
  "open-tasks",
  "recent-event",
  "goal-not-met",
];

/** Whether some list's enrollment of the patient has no goal yet, or a goal not (yet) met. */
const goalNotMet = (entry: HighRiskEntry) =>
  entry.enrollments.some((e) => (e.status === "active" || e.status === "monitor") && e.goalMet !== true);

/**
 * The patients for the next plan–practice call (the guideline discusses about 10 per 30-minute
 * call, patients on both lists first, and starts with what happened since). From the combined list
 * (tracking-list patients are reviewed apart, every six months), in this order:
 * 1. on both lists with an event in the last 30 days, latest event first;
 * 2. with open tasks, the soonest due first;
 * 3. any other patient with an event in the last 30 days, latest first;
 * 4. a goal not met, or no goal yet, in list order.
 * Ties keep list order. Patients with none of these are not on the agenda.
 */
export function pickAgenda(
  entries: readonly HighRiskEntry[],
  events: ReadonlyMap<string, AgendaEvent[]>,
  tasks: ReadonlyMap<string, AgendaTask[]>,
  limit: number,
): AgendaItem[] {
  const reasonOf = (entry: HighRiskEntry): AgendaReason | undefined => {
    const recent = (events.get(entry.patient.id) ?? []).length > 0;
    if (recent && entry.listedBy === "both") return "both-lists-recent-event";
    if ((tasks.get(entry.patient.id) ?? []).length > 0) return "open-tasks";
    if (recent) return "recent-event";
    if (goalNotMet(entry)) return "goal-not-met";
    return undefined;
  };
  const latest = (entry: HighRiskEntry) => events.get(entry.patient.id)?.[0]?.occurredAt ?? "";
  const soonest = (entry: HighRiskEntry) => tasks.get(entry.patient.id)?.[0]?.dueAt ?? "";
  const candidates = entries.flatMap((entry) => {
    const reason = reasonOf(entry);
    return reason === undefined ? [] : [{ entry, reason }];
  });
  candidates.sort((a, b) => {
    const byReason = REASON_ORDER.indexOf(a.reason) - REASON_ORDER.indexOf(b.reason);
    if (byReason !== 0) return byReason;
    if (a.reason === "open-tasks")
      return soonest(a.entry).localeCompare(soonest(b.entry)) || a.entry.rank - b.entry.rank;
    if (a.reason === "goal-not-met") return a.entry.rank - b.entry.rank;
    return latest(b.entry).localeCompare(latest(a.entry)) || a.entry.rank - b.entry.rank;
  });
  return candidates.slice(0, limit).map(({ entry, reason }, i) => ({
    order: i + 1,
    reason,
    entry,
    recentEvents: events.get(entry.patient.id) ?? [],
    openTasks: tasks.get(entry.patient.id) ?? [],
  }));
}

export const REASON_TEXT: Record<AgendaReason, string> = {
  "both-lists-recent-event": "On both lists, recent event",
  "open-tasks": "Open tasks",
  "recent-event": "Recent event",
  "goal-not-met": "Goal not met",
};

const zonedParts = (iso: string, timeZone: string, withClock: boolean) => {
  const options: Intl.DateTimeFormatOptions = {
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    ...(withClock ? { hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZoneName: "short" } : {}),
  };
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat("en-US", { ...options, timeZone });
  } catch {
    format = new Intl.DateTimeFormat("en-US", { ...options, timeZone: "UTC" });
  }
  const part = (type: string) =>
    format.formatToParts(new Date(iso)).find((p) => p.type === type)?.value ?? "";
  const date = `${part("year")}-${part("month")}-${part("day")}`;
  return withClock ? `${date} ${part("hour")}:${part("minute")} ${part("timeZoneName")}` : date;
};

/** `2026-03-09 09:00 CDT` in the zone named (an event's facility, a task's practice). */
export const zonedStamp = (iso: string, timeZone: string) => zonedParts(iso, timeZone, true);
/** `2026-03-09`: the calendar day in the zone named. */
export const zonedDate = (iso: string | null, timeZone: string | null) =>
  iso === null ? null : zonedParts(iso, timeZone ?? "UTC", false);

const SIDE_NAME = { plan: "Plan", practice: "Practice" } as const;

/** Each side's value, or one value when both sides say the same. */
function perSide(entry: HighRiskEntry, read: (e: HighRiskEntry["enrollments"][number]) => string | null) {
  const values = entry.enrollments
    .map((e) => ({ side: e.side, value: read(e) }))
    .filter((v): v is { side: "plan" | "practice"; value: string } => v.value !== null && v.value !== "");
  const distinct = new Set(values.map((v) => v.value));
  if (distinct.size <= 1) return [...distinct][0] ?? null;
  return values.map((v) => `${SIDE_NAME[v.side]}: ${v.value}`).join(" | ");
}

const metText = (met: boolean | null) => (met === null ? null : met ? "met" : "not met");

/** The agenda's columns: what the call goes through, one line per patient. */
export const AGENDA_COLUMNS: readonly CsvColumn<AgendaItem>[] = [
  { header: "order", value: (i) => i.order },
  { header: "reason", value: (i) => REASON_TEXT[i.reason] },
  { header: "patient", value: (i) => i.entry.patient.displayName },
  { header: "birth_date", value: (i) => i.entry.patient.birthDate },
  { header: "lists", value: (i) => i.entry.listedBy },
  { header: "plan_rank", value: (i) => i.entry.planRank },
  { header: "practice_rank", value: (i) => i.entry.practiceRank },
  { header: "plan_risk_score", value: (i) => i.entry.planRiskScore },
  { header: "plan_tier", value: (i) => i.entry.planRiskTier },
  { header: "practice_tier", value: (i) => i.entry.practiceRiskTier },
  { header: "plan_lead", value: (i) => i.entry.planLead },
  { header: "practice_lead", value: (i) => i.entry.practiceLead },
  { header: "plan_status", value: (i) => i.entry.planStatus },
  { header: "practice_status", value: (i) => i.entry.practiceStatus },
  { header: "care_managers", value: (i) => perSide(i.entry, (e) => e.careManager?.displayName ?? null) },
  { header: "goal", value: (i) => perSide(i.entry, (e) => e.goal) },
  { header: "goal_met", value: (i) => perSide(i.entry, (e) => metText(e.goalMet)) },
  {
    header: "last_ed_visit",
    value: (i) => zonedDate(i.entry.utilization.lastEdVisitAt, i.entry.utilization.lastEdVisitTimeZone),
  },
  { header: "ed_visits_6mo", value: (i) => i.entry.utilization.edVisits6mo },
  {
    header: "last_admission",
    value: (i) => zonedDate(i.entry.utilization.lastAdmissionAt, i.entry.utilization.lastAdmissionTimeZone),
  },
  { header: "admissions_6mo", value: (i) => i.entry.utilization.admissions6mo },
  {
    header: "recent_events",
    value: (i) =>
      i.recentEvents
        .map((e) => `${zonedStamp(e.occurredAt, e.facility.timeZone)} ${e.kind} at ${e.facility.name}`)
        .join("; "),
  },
  {
    header: "open_tasks",
    value: (i) =>
      i.openTasks
        .map(
          (t) => `${t.title} (due ${zonedStamp(t.dueAt, t.timeZone)}${t.assignee ? `, ${t.assignee}` : ""})`,
        )
        .join("; "),
  },
];
