/**
 * The care team's six months of work on the tasks the demo's history opens (demo-history.ts): for
 * each task the protocols will open, the attempts and the completion a care manager recorded, at
 * working hours of the practice's business days. demo-history-work.ts replays them through the
 * tasks family's command (@homeward/tasks changeTask, as the api's routes), dated as planned.
 *
 * Realistic rather than flattering: about four calls in five reach the patient within the two
 * business days; the rate improves month by month as the programme settles in, drops in the weeks
 * with a public holiday, and one care manager (Avery Bedside, practiceCareManager3) is slower. The
 * misses have their stories: reached late, three attempts and unable to reach, closed on a
 * voicemail, declined, never worked. Some calls are recorded as reached in time and the task closed
 * days later, which only the contact time counts right. Every month with two or more follow-up calls
 * (or discharge contacts) at the practice has at least one in time and one miss, so no monthly rate
 * is a flat 0% or 100%. Pure and deterministic: each task's work comes from its own random stream.
 */
import { seededRandom } from "@homeward/identity";
import {
  type BusinessCalendar,
  COMMUNITY_DISCHARGE_DISPOSITIONS,
  computeDueAt,
  type DueRule,
  isBusinessDay,
  type LocalDay,
  localDayOf,
  publicHolidayDates,
  stepBusinessDays,
} from "@homeward/protocols";
import { DateTime } from "luxon";
import { z } from "zod";
import { PRACTICE } from "./demo-directory.ts";
import { type DemoHistory, hashOf, type PlannedVisit } from "./demo-history.ts";
import { type DemoPerson, PRACTICE_CARE_MANAGERS } from "./demo-population.ts";

/** The practice's calendar as the seed sets it (demo-directory.ts: New York holidays). */
export const PRACTICE_CALENDAR: BusinessCalendar = {
  timeZone: PRACTICE.timeZone,
  holidays: { country: "US", state: "NY" },
  closures: [],
};

export const ContactMethod = z.enum(["phone", "video", "in_person", "message"]);
export type ContactMethod = z.infer<typeof ContactMethod>;
export const AttemptOutcome = z.enum(["reached_patient", "left_message", "unable_to_reach", "declined"]);
export type AttemptOutcome = z.infer<typeof AttemptOutcome>;

/** One thing a care manager did to a task, at its own past instant. */
export const PlannedAction = z.object({
  /** When it was recorded (the task command's clock). */
  at: z.iso.datetime(),
  kind: z.enum(["attempt", "complete"]),
  /** How the attempt was made, or how the patient was reached (a completion entered with its contact time). */
  method: ContactMethod.optional(),
  outcome: AttemptOutcome,
  note: z.string().min(1),
  /** When it happened, if it was recorded later: the attempt's own time, or the completion's contact time. */
  happenedAt: z.iso.datetime().optional(),
});
export type PlannedAction = z.infer<typeof PlannedAction>;

/** How the task fares in the measure, as planned: reached in time, reached late, not reached, or still open. */
export const Verdict = z.enum(["in-time", "late", "not-reached", "open"]);
export type Verdict = z.infer<typeof Verdict>;

/** Who works the practice's tasks of a patient, or the plan's care manager. */
export const CareManagerKey = z.enum([...PRACTICE_CARE_MANAGERS, "planCareManager"]);
export type CareManagerKey = z.infer<typeof CareManagerKey>;

/** The work on one task: found by its encounter and protocol step (one per organization). */
export const PlannedTaskWork = z.object({
  facility: z.string().min(1),
  visitNumber: z.string().min(1),
  stepId: z.string().min(1),
  /** `YYYY-MM` of the event in the practice's zone. */
  month: z.string().regex(/^\d{4}-\d{2}$/),
  careManager: CareManagerKey,
  verdict: Verdict,
  /** What happened, in a few words (for the summary and the tests; no patient data). */
  story: z.string(),
  actions: z.array(PlannedAction),
});
export type PlannedTaskWork = z.infer<typeof PlannedTaskWork>;

type Random = ReturnType<typeof seededRandom>;

/** A protocol step the history's visits open, with its rule (DEFAULT_PROTOCOLS) and kind of work. */
interface Step {
  stepId: string;
  due: DueRule;
  work: "call" | "visit" | "medrec";
}

const TWO_BUSINESS_DAYS: DueRule = { type: "business-days", days: 2, indexDayCounts: false };
const ED_CALL: Step = { stepId: "follow-up-call", due: TWO_BUSINESS_DAYS, work: "call" };
const DISCHARGE_STEPS: readonly Step[] = [
  { stepId: "interactive-contact", due: TWO_BUSINESS_DAYS, work: "call" },
  {
    stepId: "face-to-face-7-days",
    due: { type: "calendar-days", days: 7, indexDayCounts: false },
    work: "visit",
  },
  {
    stepId: "face-to-face-14-days",
    due: { type: "calendar-days", days: 14, indexDayCounts: false },
    work: "visit",
  },
  {
    stepId: "medication-reconciliation",
    due: { type: "calendar-days", days: 30, indexDayCounts: false },
    work: "medrec",
  },
];

/** How each care manager works: how much likelier to miss than the practice's base, and how soon they call. */
const PACE: Record<CareManagerKey, { missFactor: number; dayWeights: readonly number[] }> = {
  practiceCareManager: { missFactor: 0.7, dayWeights: [0.45, 0.4, 0.15] },
  practiceCareManager2: { missFactor: 1, dayWeights: [0.3, 0.45, 0.25] },
  practiceCareManager3: { missFactor: 1.8, dayWeights: [0.1, 0.35, 0.55] },
  planCareManager: { missFactor: 1.1, dayWeights: [0.3, 0.4, 0.3] },
};

/** Share of calls missed in the history's first month, and how much better each later month is. */
const FIRST_MONTH_MISS = 0.15;
const MONTHLY_GAIN = 0.02;
/** A public holiday in the call's window. */
const HOLIDAY_MISS = 0.12;

// biome-ignore format: notes read better dense
const NOTES = {
  reached: ["Reached the patient; feeling better, PCP visit booked", "Reached the patient; went over the discharge instructions",
    "Spoke with the patient's daughter (caregiver); appointment made", "Reached the patient; medications reviewed, no questions"],
  voicemail: ["No answer; left a voicemail with the callback number", "Left a message with the person who answered"],
  unable: ["No answer, voicemail full", "Number on file disconnected; asked the PCP's office for a new one", "No answer"],
  declined: ["Patient declined a follow-up call; says they are doing well"],
  visit: ["Seen in clinic", "Home visit with the community nurse", "Seen in clinic with the PCP"],
  medrec: ["Medication list reconciled with the discharge summary", "Medications reconciled at the clinic visit"],
} as const;

/** A task the history will open, before its work is drawn. */
interface Candidate {
  key: Omit<PlannedTaskWork, "verdict" | "story" | "actions">;
  step: Step;
  triggeredAt: number;
  /** At the practice (the monthly balance is the practice's chart). */
  practice: boolean;
  missChance: number;
}

/** The work the care team did on the history's tasks; see the file comment. */
export function planCareTeamWork(
  people: readonly DemoPerson[],
  history: DemoHistory,
  options: { epoch: Date; seed?: number },
): PlannedTaskWork[] {
  const seed = options.seed ?? 20261206;
  const byMember = new Map(people.map((p) => [p.memberId, p]));
  const first = DateTime.fromISO(history.from, { zone: PRACTICE.timeZone });
  const latest = options.epoch.getTime() - 3_600_000;
  const candidates: Candidate[] = [];
  for (const visit of history.visits) {
    const person = byMember.get(visit.memberId);
    if (person === undefined) continue;
    for (const { step, careManager, practice } of stepsOf(visit, person)) {
      const triggeredAt = triggerOf(visit, step);
      const month = DateTime.fromMillis(triggeredAt, { zone: PRACTICE.timeZone });
      const monthIndex = Math.max(0, Math.round(month.startOf("month").diff(first, "months").months));
      const base = (FIRST_MONTH_MISS - MONTHLY_GAIN * monthIndex) * PACE[careManager].missFactor;
      candidates.push({
        key: {
          facility: visit.facility,
          visitNumber: visit.visitNumber,
          stepId: step.stepId,
          month: month.toFormat("yyyy-MM"),
          careManager,
        },
        step,
        triggeredAt,
        practice,
        missChance: Math.min(0.9, base + (holidayNear(triggeredAt) ? HOLIDAY_MISS : 0)),
      });
    }
  }
  const misses = drawMisses(candidates, seed);
  balanceMonths(candidates, misses);
  return candidates.map((c) => {
    const random = seededRandom((seed ^ hashOf(`${c.key.visitNumber}|${c.key.stepId}|work`)) >>> 0);
    const planned = plan(c.step, c.triggeredAt, c.key.careManager, !misses.has(c), random);
    return finish(c.key, planned, c.step, c.triggeredAt, latest);
  });
}

/**
 * Which tasks are missed: each with its own chance, drawn by systematic sampling over each care
 * manager's tasks of a kind in time order (a miss each time the running sum of chances passes a
 * whole number, from a random offset), so every care manager and month get close to their expected
 * share instead of the wide spread of independent draws on a few dozen tasks.
 */
function drawMisses(candidates: readonly Candidate[], seed: number): Set<Candidate> {
  const groups = new Map<string, Candidate[]>();
  for (const c of candidates) {
    const key = `${c.key.careManager}|${c.step.work === "call" ? "call" : c.key.stepId}`;
    groups.set(key, [...(groups.get(key) ?? []), c]);
  }
  const misses = new Set<Candidate>();
  for (const [key, group] of groups) {
    let sum = seededRandom((seed ^ hashOf(key)) >>> 0).next();
    for (const c of [...group].sort(
      (a, b) => a.triggeredAt - b.triggeredAt || a.key.visitNumber.localeCompare(b.key.visitNumber),
    )) {
      const before = Math.floor(sum);
      sum += c.missChance;
      if (Math.floor(sum) > before) misses.add(c);
    }
  }
  return misses;
}

/**
 * No month of the practice's calls all in time or all missed (when it has two or more of a step):
 * the likeliest miss among the hits becomes a miss, or the least likely among the misses a hit, so
 * the chart has no flat 0% or 100%.
 */
function balanceMonths(candidates: readonly Candidate[], misses: Set<Candidate>): void {
  const groups = new Map<string, Candidate[]>();
  for (const c of candidates) {
    if (!c.practice || c.step.work !== "call") continue;
    const key = `${c.key.month}|${c.key.stepId}`;
    groups.set(key, [...(groups.get(key) ?? []), c]);
  }
  for (const group of groups.values()) {
    if (group.length < 2) continue;
    const missed = group.filter((c) => misses.has(c));
    const byChance = [...group].sort((a, b) => b.missChance - a.missChance);
    if (missed.length === 0 && byChance[0] !== undefined) misses.add(byChance[0]);
    const last = byChance.at(-1);
    if (missed.length === group.length && last !== undefined) misses.delete(last);
  }
}

/**
 * The steps a visit's events open, as DEFAULT_PROTOCOLS would for this patient: the ED call for an
 * ED visit of an active or monitored enrollee (at the practice for its own list's patients, at the
 * plan for the plan's), the transitional-care steps for a discharge to the community of anyone
 * attributed (the face-to-face step of both lengths: the matched tier decides which opens). The
 * in-hospital touches are left alone: the replay's own discharge cancels them at once.
 */
function stepsOf(
  visit: PlannedVisit,
  person: DemoPerson,
): { step: Step; careManager: CareManagerKey; practice: boolean }[] {
  const practiceManager = person.practiceList?.careManager ?? "practiceCareManager";
  if (visit.story === "ed-home") {
    const out: { step: Step; careManager: CareManagerKey; practice: boolean }[] = [];
    const practiceLine = person.practiceList;
    if (practiceLine !== undefined && practiceLine.status !== "tracking_list")
      out.push({ step: ED_CALL, careManager: practiceManager, practice: true });
    else if (person.planList !== undefined && person.planList.status !== "tracking_list")
      out.push({ step: ED_CALL, careManager: "planCareManager", practice: false });
    return out;
  }
  const discharge = visit.beats.at(-1)?.discharge;
  if (
    visit.story !== "admission-home" ||
    discharge === undefined ||
    !COMMUNITY_DISCHARGE_DISPOSITIONS.includes(discharge)
  )
    return [];
  return DISCHARGE_STEPS.map((step) => ({ step, careManager: practiceManager, practice: true }));
}

/** The event that opens the step's task: the ED arrival, or the discharge. */
function triggerOf(visit: PlannedVisit, step: Step): number {
  const beat = step === ED_CALL ? visit.beats[0] : visit.beats.at(-1);
  return Date.parse(beat?.at ?? "");
}

/** Whether a public holiday falls on the event's day or the four after it (a two-business-day window's span). */
function holidayNear(at: number): boolean {
  const day = localDayOf(new Date(at), PRACTICE_CALENDAR);
  for (let d = 0; d <= 4; d++) {
    const date = day.plus({ days: d });
    if (publicHolidayDates({ country: "US", state: "NY" }, date.year).has(date.toISODate() ?? ""))
      return true;
  }
  return false;
}

/** The first working day a care manager can act on: the event's own day if it came before 3 pm on one. */
function firstWorkday(at: number): LocalDay {
  const day = localDayOf(new Date(at), PRACTICE_CALENDAR);
  const hour = DateTime.fromMillis(at, { zone: PRACTICE.timeZone }).hour;
  return isBusinessDay(day, PRACTICE_CALENDAR) && hour < 15
    ? day
    : stepBusinessDays(day, 1, 1, PRACTICE_CALENDAR);
}

/** The working days from the first one on (index 0), found one step at a time and kept. */
function workdaysFrom(at: number): (k: number) => LocalDay {
  const days: LocalDay[] = [firstWorkday(at)];
  return (k) => {
    while (days.length <= k) days.push(stepBusinessDays(days.at(-1) as LocalDay, 1, 1, PRACTICE_CALENDAR));
    return days[Math.max(0, k)] as LocalDay;
  };
}

/** A minute between 8:30 and 16:45 of `day`, and after `notBefore` (+20 min) when that is the same day. */
function during(day: LocalDay, random: Random, notBefore = 0): number {
  const open = day.set({ hour: 8, minute: 30 }).toMillis();
  const close = day.set({ hour: 16, minute: 45 }).toMillis();
  const from = Math.max(open, notBefore + 20 * 60_000);
  if (from >= close) return close + random.int(10) * 60_000;
  return from + Math.floor(random.next() * ((close - from) / 60_000)) * 60_000;
}

/** How many working days after the first one the step is due on (the last in-time working day). */
function lastInTimeIndex(workday: (k: number) => LocalDay, due: number): number {
  let k = 0;
  while (workday(k + 1).toMillis() <= due) k++;
  return k;
}

/** Picks by weights (they need not sum to 1). */
function weighted<T>(random: Random, items: readonly (readonly [T, number])[]): T {
  const total = items.reduce((s, [, w]) => s + w, 0);
  let x = random.next() * total;
  for (const [item, w] of items) {
    x -= w;
    if (x < 0) return item;
  }
  return (items.at(-1) as readonly [T, number])[0];
}

interface Plan {
  story: string;
  actions: PlannedAction[];
}

const attempt = (
  at: number,
  method: ContactMethod,
  outcome: AttemptOutcome,
  note: string,
): PlannedAction => ({
  at: new Date(at).toISOString(),
  kind: "attempt",
  method,
  outcome,
  note,
});
const complete = (at: number, outcome: AttemptOutcome, note: string): PlannedAction => ({
  at: new Date(at).toISOString(),
  kind: "complete",
  outcome,
  note,
});

/** The actions of one task: in time (`hit`) or a miss, told as the kind of work asks. */
function plan(step: Step, at: number, who: CareManagerKey, hit: boolean, random: Random): Plan {
  const due = computeDueAt(new Date(at), step.due, PRACTICE_CALENDAR).getTime();
  const workday = workdaysFrom(at);
  const last = lastInTimeIndex(workday, due);
  if (step.work === "call")
    return hit ? callInTime(at, workday, last, who, random) : callMissed(at, workday, last, random);
  if (step.work === "visit") {
    // A visit on a working day from two days after discharge, within the window or after it.
    const lateBy = hit ? 0 : 1 + random.int(5);
    const day = hit ? 1 + random.int(Math.max(1, last)) : last + lateBy;
    if (!hit && random.chance(0.25)) return { story: "no visit recorded", actions: [] };
    const when = during(workday(day), random);
    return {
      story: hit ? "seen within the window" : "seen after the window",
      actions: [
        attempt(when, "in_person", "reached_patient", random.pick(NOTES.visit)),
        complete(when + (20 + random.int(40)) * 60_000, "reached_patient", random.pick(NOTES.visit)),
      ],
    };
  }
  if (!hit && random.chance(0.4)) return { story: "not reconciled", actions: [] };
  const day = hit ? 2 + random.int(Math.max(1, last - 2)) : last + 1 + random.int(6);
  const when = during(workday(day), random);
  return {
    story: hit ? "reconciled within 30 days" : "reconciled late",
    actions: [
      attempt(when, random.chance(0.6) ? "in_person" : "phone", "reached_patient", random.pick(NOTES.medrec)),
      complete(when + 15 * 60_000, "reached_patient", random.pick(NOTES.medrec)),
    ],
  };
}

/** Reached within the window: on the first call, after a voicemail, or recorded then and closed days later. */
function callInTime(
  at: number,
  workday: (k: number) => LocalDay,
  last: number,
  who: CareManagerKey,
  random: Random,
): Plan {
  const weights = PACE[who].dayWeights.slice(0, last + 1);
  const day = weighted(
    random,
    weights.map((w, k) => [k, w] as const),
  );
  const method: ContactMethod = weighted(random, [
    ["phone", 0.85],
    ["video", 0.08],
    ["message", 0.07],
  ]);
  const kind = weighted(random, [
    ["first", 0.55],
    ["second", day > 0 ? 0.25 : 0],
    ["closed-later", 0.2],
  ]);
  if (kind === "second") {
    const first = during(workday(day - 1), random, at);
    const reached = during(workday(day), random, first);
    return {
      story: "reached on the second call",
      actions: [
        attempt(first, "phone", "left_message", random.pick(NOTES.voicemail)),
        attempt(reached, method, "reached_patient", random.pick(NOTES.reached)),
        complete(reached + (10 + random.int(40)) * 60_000, "reached_patient", random.pick(NOTES.reached)),
      ],
    };
  }
  const reached = during(workday(day), random, at);
  const closedAt =
    kind === "closed-later"
      ? during(workday(last + 1 + random.int(2)), random)
      : reached + (10 + random.int(40)) * 60_000;
  // Closed later: the call was not logged that day; the completion enters when the patient was reached.
  if (kind === "closed-later")
    return {
      story: "reached in time, entered days later with the contact time",
      actions: [
        {
          ...complete(closedAt, "reached_patient", random.pick(NOTES.reached)),
          method,
          happenedAt: new Date(reached).toISOString(),
        },
      ],
    };
  return {
    story: "reached on the first call",
    actions: [
      attempt(reached, method, "reached_patient", random.pick(NOTES.reached)),
      complete(closedAt, "reached_patient", random.pick(NOTES.reached)),
    ],
  };
}

/** A miss: reached late, unable to reach after three tries, closed on a voicemail, declined, or never worked. */
function callMissed(at: number, workday: (k: number) => LocalDay, last: number, random: Random): Plan {
  const kind = weighted(random, [
    ["late", 0.4],
    ["unable", 0.22],
    ["voicemail", 0.1],
    ["declined", 0.06],
    ["open", 0.22],
  ]);
  switch (kind) {
    case "late": {
      const actions: PlannedAction[] = [];
      let notBefore = at;
      if (random.chance(0.6)) {
        const tried = during(workday(random.int(last + 1)), random, at);
        actions.push(attempt(tried, "phone", "left_message", random.pick(NOTES.voicemail)));
        notBefore = tried;
      }
      const reached = during(workday(last + 1 + random.int(4)), random, notBefore);
      actions.push(attempt(reached, "phone", "reached_patient", random.pick(NOTES.reached)));
      actions.push(
        complete(reached + (10 + random.int(30)) * 60_000, "reached_patient", random.pick(NOTES.reached)),
      );
      return { story: "reached after the window", actions };
    }
    case "unable": {
      const actions: PlannedAction[] = [];
      let t = at;
      for (const k of [0, 1, Math.max(2, last + 1)]) {
        t = during(workday(k), random, t);
        actions.push(
          attempt(t, "phone", k === 0 ? "left_message" : "unable_to_reach", random.pick(NOTES.unable)),
        );
      }
      actions.push(complete(t + 5 * 60_000, "unable_to_reach", "Three attempts on three days; closing"));
      return { story: "unable to reach after three attempts", actions };
    }
    case "voicemail": {
      const t = during(workday(random.int(last + 1)), random, at);
      return {
        story: "closed after a voicemail",
        actions: [
          attempt(t, "phone", "left_message", random.pick(NOTES.voicemail)),
          complete(t + 5 * 60_000, "left_message", "Voicemail left; closing"),
        ],
      };
    }
    case "declined": {
      const t = during(workday(random.int(last + 1)), random, at);
      return {
        story: "patient declined",
        actions: [
          attempt(t, "phone", "declined", random.pick(NOTES.declined)),
          complete(t + 5 * 60_000, "declined", random.pick(NOTES.declined)),
        ],
      };
    }
    default: {
      if (random.chance(0.5)) return { story: "never worked", actions: [] };
      const t = during(workday(random.int(Math.min(2, last + 1))), random, at);
      return {
        story: "one voicemail, then nothing",
        actions: [attempt(t, "phone", "left_message", random.pick(NOTES.voicemail))],
      };
    }
  }
}

/**
 * The task's work with what was done after the epoch left out (the demo's past ends there; the care
 * managers of the live demo take it from there), and its verdict from what is left: the contact
 * time (a reached attempt, else a reached completion) against the due date.
 */
function finish(
  key: Omit<PlannedTaskWork, "verdict" | "story" | "actions">,
  planned: Plan,
  step: Step,
  at: number,
  latest: number,
): PlannedTaskWork {
  const actions = planned.actions.filter((a) => Date.parse(a.at) < latest);
  const due = computeDueAt(new Date(at), step.due, PRACTICE_CALENDAR).getTime();
  const contact = actions.find((a) => a.outcome === "reached_patient");
  const closed = actions.some((a) => a.kind === "complete");
  const verdict: Verdict =
    contact !== undefined
      ? Date.parse(contact.happenedAt ?? contact.at) <= due
        ? "in-time"
        : "late"
      : closed
        ? "not-reached"
        : "open";
  const story =
    actions.length === planned.actions.length
      ? planned.story
      : `${planned.story} (cut short by the demo's start)`;
  return { ...key, verdict, story, actions };
}
