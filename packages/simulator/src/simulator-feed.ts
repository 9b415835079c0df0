/**
 * The feed simulator's scheduler: keeps a few encounter stories going at once, as a hospital's
 * feed interleaves its patients, and hands out their messages one at a time. Pure and seeded: the
 * same options and the same clock readings give the same messages.
 */
import type { AdtEventKind } from "@homeward/contracts";
import { buildAdtMessage, type SimLocation, type SimTrigger, type SimVisit } from "./simulator-messages.ts";
import { makeStrangers, type SimPatient, seededRandom } from "./simulator-patients.ts";
import { type DemoScenario, type ScenarioPart, scenarioMessages } from "./simulator-scenario.ts";
import {
  pickStoryKind,
  planStory,
  type StoryKind,
  type StoryPlan,
  type StoryStep,
} from "./simulator-stories.ts";
import { type LocationKind, VENDOR_STYLES, type VendorStyle } from "./simulator-vendors.ts";

export interface FeedOptions {
  seed: number;
  /** Unique per run (1–8 letters or digits): it goes into control ids, visit numbers and temporary MRNs, so a rerun is not taken for a resend. */
  runTag: string;
  /** Roster patients (from the demo seed); may be empty: then every story is about a stranger. */
  patients: readonly SimPatient[];
  /** Share of stories about strangers, who match nobody (default 0.2). */
  strangerShare?: number;
  /** Stories in progress at once (default 6). */
  maxActiveStories?: number;
  /** Hospitals to send from (default: every vendor style, the sensitive one only for its own story). */
  styles?: readonly VendorStyle[];
  /** The demo's recent past (from the patients file): its messages come first, each at its own time. */
  scenario?: DemoScenario;
}

/** One message and what it is meant to be; nothing here but the text carries PHI. */
export interface FeedMessage {
  text: string;
  controlId: string;
  trigger: SimTrigger;
  expectedKind: AdtEventKind;
  facility: string;
  /** The story it belongs to: a live one, or a part of the demo's replayed past. */
  story: StoryKind | ScenarioPart;
  /** 0 for the replayed past. */
  storyId: number;
  about: "roster" | "stranger";
  /** For the replayed past: when it happened (its message times); sent at once, without pacing. */
  replayedAt?: Date;
}

export interface Feed {
  /** The next message, stamped with `now` (the replayed past first, stamped with its own times). */
  next(now: Date): FeedMessage;
}

interface ActiveStory {
  id: number;
  plan: StoryPlan;
  style: VendorStyle;
  patient: SimPatient;
  patientIndex: number;
  about: "roster" | "stranger";
  withMemberId: boolean;
  visit: SimVisit | undefined;
  step: number;
}

const TIER_WEIGHT = { I: 6, II: 3, III: 2 } as const;
const SENSITIVE = "RECOVERY";

/** Creates a feed; see `FeedOptions`. */
export function createFeed(options: FeedOptions): Feed {
  if (!/^[A-Z0-9]{1,8}$/.test(options.runTag))
    throw new Error("runTag must be 1-8 capital letters or digits");
  const random = seededRandom(options.seed);
  const styles = options.styles ?? VENDOR_STYLES;
  const everyday = styles.filter((s) => s.facility !== SENSITIVE);
  const sensitive = styles.find((s) => s.facility === SENSITIVE);
  const strangers = makeStrangers(
    40,
    styles.map((s) => s.facility),
    random,
  );
  const weights = options.patients.map((p) => (p.riskTier === undefined ? 1 : TIER_WEIGHT[p.riskTier]));
  const strangerShare = options.patients.length === 0 ? 1 : (options.strangerShare ?? 0.2);
  const maxActive = options.maxActiveStories ?? 6;
  const active: ActiveStory[] = [];
  const busy = new Set<string>();
  // The replayed past's patients live their own stories (some are in hospital now): none of the
  // live feed's, which would have them arrive in an ED while they lie on a ward.
  // Nor does anyone the history saw die.
  const cast = new Set([
    ...(options.scenario?.cast.map((c) => c.memberId) ?? []),
    ...(options.scenario?.deceased ?? []),
  ]);
  options.patients.forEach((p, i) => {
    if (p.memberId !== undefined && cast.has(p.memberId)) busy.add(`r${i}`);
  });
  let stories = 0;
  let sent = 0;
  const replay: FeedMessage[] = (
    options.scenario === undefined ? [] : scenarioMessages(options.scenario, options.patients)
  ).map((m) => ({
    text: m.text,
    controlId: m.controlId,
    trigger: m.trigger,
    expectedKind: m.expectedKind,
    facility: m.facility,
    story: m.part,
    storyId: 0,
    about: "roster",
    replayedAt: m.at,
  }));

  const pickRoster = (): { patient: SimPatient; index: number } | undefined => {
    const total = weights.reduce((sum, w, i) => sum + (busy.has(`r${i}`) ? 0 : w), 0);
    let x = random.next() * total;
    for (const [i, w] of weights.entries()) {
      if (busy.has(`r${i}`)) continue;
      x -= w;
      const patient = options.patients[i];
      if (x < 0 && patient !== undefined) return { patient, index: i };
    }
    return undefined;
  };

  const start = (): ActiveStory => {
    const kind = pickStoryKind(random, sensitive !== undefined && everyday.length > 0);
    const style =
      kind === "sensitive-admission" && sensitive !== undefined ? sensitive : random.pick(everyday);
    const roster = random.chance(strangerShare) ? undefined : pickRoster();
    let strangerIndex = random.int(strangers.length);
    for (let tries = 0; busy.has(`s${strangerIndex}`) && tries < 10; tries++)
      strangerIndex = random.int(strangers.length);
    const patient = roster?.patient ?? strangers[strangerIndex];
    if (patient === undefined) throw new Error("no patient to tell a story about");
    const story: ActiveStory = {
      id: ++stories,
      plan: planStory(kind, random),
      style,
      patient,
      patientIndex: roster?.index ?? strangerIndex,
      about: roster === undefined ? "stranger" : "roster",
      withMemberId: random.chance(style.memberIdShare),
      visit: undefined,
      step: 0,
    };
    busy.add(`${roster === undefined ? "s" : "r"}${story.patientIndex}`);
    active.push(story);
    return story;
  };

  const place = (kind: LocationKind): SimLocation =>
    kind === "ed"
      ? { kind, room: `B${1 + random.int(24)}`, bed: "1" }
      : { kind, room: String(100 + random.int(60)), bed: random.pick(["A", "B"]) };

  /** The visit after `step`, as of `now`. */
  const advance = (story: ActiveStory, step: StoryStep, now: Date): SimVisit => {
    const { plan } = story;
    const previous = story.visit ?? {
      visitNumber: `${story.style.visitPrefix}${options.runTag}${String(story.id).padStart(5, "0")}`,
      patientClass: "E",
      location: place("ed"),
      admissionType: plan.admissionType,
      admitSource: plan.admitSource,
      service: plan.service,
      admittedAt: now,
      diagnosis: plan.diagnosis,
    };
    const visit: SimVisit = { ...previous, priorLocation: undefined };
    if (step.patientClass !== undefined) visit.patientClass = step.patientClass;
    if (step.service !== undefined) visit.service = step.service;
    if (step.moveTo !== undefined && story.visit !== undefined) {
      visit.priorLocation = previous.location;
      visit.location = place(step.moveTo);
    } else if (step.moveTo !== undefined) {
      visit.location = place(step.moveTo);
    }
    if (step.trigger === "A06") visit.admittedAt = now;
    if (step.discharge !== undefined) {
      visit.dischargedAt = now;
      visit.disposition = step.discharge;
    }
    if (step.undoDischarge === true) {
      visit.dischargedAt = undefined;
      visit.disposition = undefined;
    }
    return visit;
  };

  return {
    next(now) {
      const past = replay.shift();
      if (past !== undefined) return past;
      const startNew = active.length === 0 || (active.length < maxActive && random.chance(0.35));
      const story = startNew ? start() : random.pick(active);
      const step = story.plan.steps[story.step];
      if (step === undefined) throw new Error("a finished story was left active");
      story.visit = advance(story, step, now);
      const realMrn =
        story.patient.mrns[story.style.facility] ??
        `${story.style.visitPrefix}${story.about[0]}${story.patientIndex}`;
      const temporaryMrn = `T${options.runTag}${story.id}`;
      const controlId = `SIM${options.runTag}${String(++sent).padStart(6, "0")}`;
      const text = buildAdtMessage({
        trigger: step.trigger,
        style: story.style,
        patient: story.patient,
        mrn: step.identity === "temporary" ? temporaryMrn : realMrn,
        visit: step.trigger === "A40" ? undefined : story.visit,
        mergedMrn: step.identity === "merge" ? temporaryMrn : undefined,
        withMemberId: story.withMemberId,
        controlId,
        now,
      });
      story.step++;
      if (story.step >= story.plan.steps.length) {
        active.splice(active.indexOf(story), 1);
        busy.delete(`${story.about === "stranger" ? "s" : "r"}${story.patientIndex}`);
      }
      return {
        text,
        controlId,
        trigger: step.trigger,
        expectedKind: step.expect,
        facility: story.style.facility,
        story: story.plan.kind,
        storyId: story.id,
        about: story.about,
      };
    },
  };
}
