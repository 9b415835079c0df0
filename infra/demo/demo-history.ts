/**
 * The demo's six months of history: which roster patients went to the ED or were admitted, when,
 * where and how each visit ended, from the first of the month six months before the demo was first
 * seeded until shortly before its recent past (demo-scenario.ts). The feed simulator sends these
 * visits through the listener, matcher and notifier like any feed (simulator-history.ts), and
 * demo-history-care.ts plans the care team's work on the tasks they open.
 *
 * Plausible rather than clever: ED visits and admissions by risk tier (the sickest go most), a few
 * frequent ED users, 30-day readmissions, transfers between units, and the visits that open no
 * follow-up or should not count: a transfer to another hospital, a discharge to a nursing facility,
 * an ED visit registered in error (A11), an ED visit followed by an admission under a new visit
 * number, and two deaths (nobody visits again after). Pure and deterministic: each patient's visits
 * come from their own random stream (seed and member id), so the same population and epoch give
 * the same history, visit numbers included.
 */
import { seededRandom } from "@homeward/identity";
import {
  type HISTORY_HOSPITALS,
  type HistoryBeat,
  type HistoryVisit,
  historyVisitNumber,
  scenarioTag,
} from "@homeward/simulator";
import { DateTime } from "luxon";
import { PRACTICE } from "./demo-directory.ts";
import { type DemoEnrollment, type DemoPerson, highestTier, type Tier } from "./demo-population.ts";

/** How a visit went: what the care planner (demo-history-care.ts) and the tests read. */
export type VisitStory =
  /** ED visit, sent home (or left against advice): the follow-up call applies. */
  | "ed-home"
  /** ED visit, transferred to another acute hospital (PV1-36 02): no call to make. */
  | "ed-transferred"
  /** ED visit registered in error and cancelled (A11): its task is cancelled. */
  | "ed-cancelled"
  /** Died in the ED (PV1-36 20). */
  | "ed-died"
  /** ED visit ended "admitted" (09), then an admission under a new visit number an hour later. */
  | "ed-then-new-visit"
  /** An inpatient stay (through the ED or direct), discharged to the community: transitional care. */
  | "admission-home"
  /** An inpatient stay ending at a nursing facility or another hospital: no transitional-care tasks. */
  | "admission-transferred"
  /** Died in hospital. */
  | "admission-died";

/** A visit of the history with what the generator knows about it beyond the messages. */
export interface PlannedVisit extends HistoryVisit {
  story: VisitStory;
  /** The patient's practice (or plan) care-management line's tier, if any. */
  tier: Tier | undefined;
  /** Admission within 30 days of this patient's previous discharge. */
  readmission: boolean;
}

export interface DemoHistory {
  /** First and last day (practice zone, `YYYY-MM-DD`) a visit may start on. */
  from: string;
  to: string;
  visits: PlannedVisit[];
}

export interface HistoryOptions {
  /** When the demo was first seeded (the scenario's epoch): the history is told before it. */
  epoch: Date;
  /** Months before the epoch's month the history starts on the first of (default 6). */
  months?: number;
  seed?: number;
  /** Member ids that play the recent past (their own stories): left out of the history. */
  exclude?: ReadonlySet<string>;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** The recent past (the last five weeks) belongs to its cast; the history stops this long before the epoch. */
const QUIET_BEFORE_EPOCH_DAYS = 12;

/** Expected ED visits and admissions per patient over six months, by tier (none: on no list). */
const RATES: Record<Tier | "none", { ed: number; admit: number }> = {
  I: { ed: 2.4, admit: 0.8 },
  II: { ed: 1.5, admit: 0.45 },
  III: { ed: 0.8, admit: 0.2 },
  none: { ed: 0.12, admit: 0.08 },
};

// biome-ignore format: tables read better dense
const ED_REASONS = [
  { code: "J45.901", text: "Asthma with acute exacerbation" }, { code: "R07.9", text: "Chest pain, unspecified" },
  { code: "J44.1", text: "COPD with acute exacerbation" }, { code: "L03.115", text: "Cellulitis of right lower limb" },
  { code: "W19.XXXA", text: "Unspecified fall, initial encounter" }, { code: "N39.0", text: "Urinary tract infection" },
  { code: "E16.2", text: "Hypoglycemia, unspecified" }, { code: "R55", text: "Syncope and collapse" },
];
// biome-ignore format: tables read better dense
const ADMIT_REASONS = [
  { code: "I50.9", text: "Heart failure, unspecified" }, { code: "J44.1", text: "COPD with acute exacerbation" },
  { code: "J18.9", text: "Pneumonia, unspecified organism" }, { code: "A41.9", text: "Sepsis, unspecified organism" },
  { code: "N17.9", text: "Acute kidney failure, unspecified" }, { code: "I63.9", text: "Cerebral infarction, unspecified" },
];

/**
 * The day a list line went in force (its Enrollment Date, `YYYY-MM-DD`): `sinceDays` before the
 * first of the month the demo was first seeded in (UTC, as the seed dates its rosters).
 */
export function listedFrom(line: DemoEnrollment, epoch: Date): string {
  const d = new Date(Date.UTC(epoch.getUTCFullYear(), epoch.getUTCMonth(), 1));
  d.setUTCDate(d.getUTCDate() - line.sinceDays);
  return d.toISOString().slice(0, 10);
}

/** A small stable hash of a string (FNV-1a), to give each patient their own random stream. */
export function hashOf(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** Draws a Poisson count (Knuth): small means only. */
function poisson(random: ReturnType<typeof seededRandom>, mean: number): number {
  const limit = Math.exp(-mean);
  let k = 0;
  for (let p = random.next(); p > limit; p *= random.next()) k++;
  return k;
}

/** A visit in the making: its kind, start and the beats relative to it. */
interface Draft {
  kind: "ed" | "admit";
  start: number;
  end: number;
  person: DemoPerson;
  beats: HistoryBeat[];
  story: VisitStory;
  facility: (typeof HISTORY_HOSPITALS)[number];
  diagnosis: { code: string; text: string };
  readmission: boolean;
}

/** The local hour (practice zone) of an instant moved to `hour`:`minute` of its own day. */
function atLocal(instant: number, hour: number, minute: number): number {
  return DateTime.fromMillis(instant, { zone: PRACTICE.timeZone })
    .set({ hour, minute, second: 0, millisecond: 0 })
    .toMillis();
}

const iso = (ms: number) => new Date(ms).toISOString();

/** The history; see the file comment. */
export function demoHistory(people: readonly DemoPerson[], options: HistoryOptions): DemoHistory {
  const months = options.months ?? 6;
  const seed = options.seed ?? 20261206;
  const epoch = options.epoch.getTime();
  const local = DateTime.fromMillis(epoch, { zone: PRACTICE.timeZone });
  const start = local.startOf("month").minus({ months }).toMillis();
  const end = epoch - QUIET_BEFORE_EPOCH_DAYS * DAY;
  const span = end - start;
  const drafts: Draft[] = [];
  // A few frequent ED users: the sickest active patients with no plan line, by a stable order.
  const frequent = new Set(
    people
      .filter(
        (p) =>
          p.practiceList?.status === "active" &&
          p.practiceList.tier !== "III" &&
          !options.exclude?.has(p.memberId),
      )
      .sort((a, b) => hashOf(`${seed}${a.memberId}`) - hashOf(`${seed}${b.memberId}`))
      .slice(0, 4)
      .map((p) => p.memberId),
  );
  for (const person of people) {
    if (options.exclude?.has(person.memberId)) continue;
    const random = seededRandom((seed ^ hashOf(person.memberId)) >>> 0);
    const tier = highestTier(person);
    const rate = RATES[tier ?? "none"];
    const scale = span / (182 * DAY);
    // An enrolled patient's ED visits come after they went on their lists (each line's Enrollment Date).
    const lines = [person.practiceList, person.planList].flatMap((l) => (l === undefined ? [] : [l]));
    const earliest = Math.max(
      start,
      ...lines.map((l) => Date.parse(`${listedFrom(l, options.epoch)}T00:00:00Z`) + 3 * DAY),
    );
    const home = person.rosterMrnFacility === "STLUKES" || random.chance(0.3) ? "STLUKES" : "MERCYGEN";
    const edCount = frequent.has(person.memberId) ? 4 + random.int(3) : poisson(random, rate.ed * scale);
    const admitCount = poisson(random, rate.admit * scale);
    const wanted: Draft[] = [];
    for (let i = 0; i < edCount + admitCount; i++) {
      const kind = i < edCount ? "ed" : "admit";
      const from = kind === "ed" && tier !== undefined ? earliest : start;
      if (from >= end) continue;
      const at = from + random.next() * (end - from);
      const facility = random.chance(0.85) ? home : home === "STLUKES" ? "MERCYGEN" : "STLUKES";
      wanted.push(
        kind === "ed" ? edVisit(person, at, facility, random) : admission(person, at, facility, random),
      );
      // Some stays are followed by a readmission within 30 days.
      const last = wanted.at(-1);
      if (
        kind === "admit" &&
        last !== undefined &&
        random.chance(tier === "I" ? 0.35 : tier === "II" ? 0.2 : 0.1)
      ) {
        const again = last.end + (6 + random.int(20)) * DAY + random.int(8) * HOUR;
        if (again < end) wanted.push({ ...admission(person, again, facility, random), readmission: true });
      }
    }
    drafts.push(...spaced(wanted));
  }
  const visits = assignOneOffs(drafts, seed);
  return {
    from: DateTime.fromMillis(start, { zone: PRACTICE.timeZone }).toISODate() ?? "",
    to: DateTime.fromMillis(end, { zone: PRACTICE.timeZone }).toISODate() ?? "",
    visits: number(visits, options.epoch),
  };
}

/** An ED visit: arrival at a plausible hour, home three to seven hours later. */
function edVisit(person: DemoPerson, at: number, facility: Draft["facility"], random: Random): Draft {
  const arrive = atLocal(at, 7 + random.int(16), random.int(60));
  const leave = arrive + (3 + random.int(5)) * HOUR + random.int(60) * 60_000;
  return {
    kind: "ed",
    start: arrive,
    end: leave,
    person,
    facility,
    story: "ed-home",
    diagnosis: random.pick(ED_REASONS),
    readmission: false,
    beats: [
      { at: iso(arrive), trigger: "A04", patientClass: "E", moveTo: "ed" },
      // A few leave against advice (07), which still counts as going home.
      { at: iso(leave), trigger: "A03", discharge: random.chance(0.04) ? "07" : "01" },
    ],
  };
}

/** An inpatient stay: through the ED (most) or direct, perhaps a move between units, discharged days later. */
function admission(person: DemoPerson, at: number, facility: Draft["facility"], random: Random): Draft {
  const viaEd = random.chance(0.6);
  const arrive = atLocal(at, viaEd ? 6 + random.int(17) : 9 + random.int(9), random.int(60));
  const admitted = viaEd ? arrive + (2 + random.int(4)) * HOUR : arrive;
  const stayDays = 2 + random.int(3) + (random.chance(0.3) ? random.int(6) : 0);
  const discharged = atLocal(admitted + stayDays * DAY, 10 + random.int(7), random.int(60));
  const beats: HistoryBeat[] = viaEd
    ? [
        { at: iso(arrive), trigger: "A04", patientClass: "E", moveTo: "ed" },
        { at: iso(admitted), trigger: "A06", patientClass: "I", moveTo: random.chance(0.2) ? "icu" : "ward" },
      ]
    : [{ at: iso(arrive), trigger: "A01", patientClass: "I", moveTo: "ward" }];
  if (random.chance(0.3)) {
    const moved = admitted + (12 + random.int(24)) * HOUR;
    if (moved < discharged - 6 * HOUR) beats.push({ at: iso(moved), trigger: "A02", moveTo: "stepdown" });
  }
  const x = random.next();
  const disposition = x < 0.72 ? "01" : x < 0.88 ? "06" : x < 0.95 ? "03" : x < 0.97 ? "02" : "07";
  beats.push({ at: iso(discharged), trigger: "A03", discharge: disposition });
  return {
    kind: "admit",
    start: arrive,
    end: discharged,
    person,
    facility,
    story: disposition === "03" || disposition === "02" ? "admission-transferred" : "admission-home",
    diagnosis: random.pick(ADMIT_REASONS),
    readmission: false,
    beats,
  };
}

type Random = ReturnType<typeof seededRandom>;

/**
 * One patient's visits in time order, none overlapping: two days apart at least, and an admission
 * at least ten days after an ED visit (an admission soon after an ED visit is its own story,
 * `ed-then-new-visit`, whose follow-up call no longer applies).
 */
function spaced(visits: Draft[]): Draft[] {
  const kept: Draft[] = [];
  for (const v of [...visits].sort((a, b) => a.start - b.start)) {
    const last = kept.at(-1);
    const gap = last?.kind === "ed" && v.kind === "admit" ? 10 * DAY : 2 * DAY;
    if (last === undefined || v.start >= last.end + gap) kept.push(v);
  }
  return kept;
}

/**
 * The one-off stories, each given to a fitting ED visit or stay chosen by a stable order: two ED
 * visits transferred to another hospital, two registered in error, two followed by an admission
 * under a new visit number, a death in the ED and one in hospital (each the patient's last visit:
 * their later visits are dropped).
 */
function assignOneOffs(drafts: Draft[], seed: number): Draft[] {
  const order = (d: Draft) => hashOf(`${seed}|${d.person.memberId}|${d.start}`);
  const byOrder = [...drafts].sort((a, b) => order(a) - order(b));
  const taken = new Set<Draft>();
  const enrolledEd = byOrder.filter(
    (d) => d.kind === "ed" && d.story === "ed-home" && highestTier(d.person) !== undefined,
  );
  const take = (from: Draft[], n: number, also: (d: Draft) => boolean = () => true) => {
    const chosen = from.filter((d) => !taken.has(d) && also(d)).slice(0, n);
    for (const d of chosen) taken.add(d);
    return chosen;
  };
  for (const d of take(enrolledEd, 2)) endEd(d, "ed-transferred", "02");
  for (const d of take(enrolledEd, 2)) cancelEd(d);
  // The admission follows within the hour and lasts four days: only where the patient's next visit is later.
  const roomAfter = (d: Draft) =>
    !drafts.some((o) => o.person === d.person && o.start > d.start && o.start < d.end + 8 * DAY);
  for (const d of take(enrolledEd, 2, roomAfter)) d.story = "ed-then-new-visit";
  const lastOfPatient = (d: Draft) =>
    !drafts.some((o) => o.person === d.person && o.start > d.start) && highestTier(d.person) === "I";
  for (const d of take(enrolledEd, 1, lastOfPatient)) endEd(d, "ed-died", "20");
  const stays = byOrder.filter((d) => d.kind === "admit" && d.story === "admission-home");
  for (const d of take(stays, 1, lastOfPatient)) {
    const discharge = d.beats.at(-1);
    if (discharge !== undefined) discharge.discharge = "20";
    d.story = "admission-died";
  }
  const out: Draft[] = [];
  for (const d of drafts) {
    out.push(d);
    if (d.story === "ed-then-new-visit") out.push(admittedAfter(d));
  }
  return out;
}

function endEd(d: Draft, story: VisitStory, disposition: string): void {
  d.story = story;
  const leave = d.beats.at(-1);
  if (leave !== undefined) leave.discharge = disposition;
}

/** Registered in error: the hospital cancels the arrival (A11) within the hour instead of discharging. */
function cancelEd(d: Draft): void {
  d.story = "ed-cancelled";
  const arrival = d.beats[0];
  if (arrival === undefined) return;
  const cancelled = Date.parse(arrival.at) + 25 * 60_000;
  d.beats = [arrival, { at: iso(cancelled), trigger: "A11" }];
  d.end = cancelled;
}

/** The ED visit closes "admitted as an inpatient" (09) and the admission opens under a new visit number. */
function admittedAfter(d: Draft): Draft {
  const leave = d.beats.at(-1);
  if (leave !== undefined) leave.discharge = "09";
  const admitted = d.end + 50 * 60_000;
  const discharged = atLocal(admitted + 4 * DAY, 13, 15);
  return {
    ...d,
    kind: "admit",
    start: admitted,
    end: discharged,
    story: "admission-home",
    diagnosis: ADMIT_REASONS[0] ?? d.diagnosis,
    readmission: false,
    beats: [
      { at: iso(admitted), trigger: "A01", patientClass: "I", moveTo: "ward" },
      { at: iso(discharged), trigger: "A03", discharge: "01" },
    ],
  };
}

/** Visits in time order with their visit numbers; visits after a patient's death are dropped. */
function number(drafts: Draft[], epoch: Date): PlannedVisit[] {
  const tag = scenarioTag(epoch);
  const died = new Map<string, number>();
  for (const d of drafts)
    if (d.story === "ed-died" || d.story === "admission-died") died.set(d.person.memberId, d.start);
  return drafts
    .filter((d) => d.start <= (died.get(d.person.memberId) ?? Number.POSITIVE_INFINITY))
    .sort((a, b) => a.start - b.start || hashOf(a.person.memberId) - hashOf(b.person.memberId))
    .map((d, i) => ({
      memberId: d.person.memberId,
      facility: d.facility,
      visitNumber: historyVisitNumber(d.facility, tag, i),
      diagnosis: d.diagnosis,
      beats: d.beats,
      story: d.story,
      tier: highestTier(d.person),
      readmission: d.readmission,
    }));
}
