/**
 * Encounter stories the feed simulator tells, each as the ordered ADT messages a hospital sends for
 * it, with the event kind Homeward's normalizer should make of every message. Pure data from a seeded
 * random: the same seed tells the same stories.
 */
import type { AdtEventKind } from "@homeward/contracts";
import type { SimTrigger } from "./simulator-messages.ts";
import type { Random } from "./simulator-patients.ts";
import type { LocationKind } from "./simulator-vendors.ts";

export type StoryKind =
  | "ed-treat-and-release"
  | "ed-to-admission"
  | "direct-admission"
  | "ed-registered-in-error"
  | "discharge-cancelled"
  | "duplicate-record-merged"
  | "outpatient-registration"
  | "sensitive-admission";

/** One message of a story: its trigger, what it changes in the visit, and the kind it must become. */
export interface StoryStep {
  trigger: SimTrigger;
  expect: AdtEventKind;
  /** New PV1-2. */
  patientClass?: "E" | "I" | "O";
  /** The patient moves (the old place becomes PV1-6). */
  moveTo?: LocationKind;
  /** New PV1-10 hospital service. */
  service?: string;
  /** Discharged now, with this PV1-36 disposition. */
  discharge?: string;
  /** A13: the discharge is taken back, the patient is inpatient again. */
  undoDischarge?: boolean;
  /** `temporary`: sent under a duplicate MRN; `merge`: the A40 folding it into the real one. */
  identity?: "temporary" | "merge";
}

export interface StoryPlan {
  kind: StoryKind;
  /** PV1-4 admission type and PV1-14 admit source for the whole visit. */
  admissionType: string;
  admitSource: string;
  service: string;
  diagnosis: { code: string; text: string };
  steps: StoryStep[];
}

/** How often each story starts (the sensitive one only where the simulator has a sensitive facility). */
export const STORY_WEIGHTS: Readonly<Record<StoryKind, number>> = {
  "ed-treat-and-release": 38,
  "ed-to-admission": 22,
  "direct-admission": 10,
  "ed-registered-in-error": 5,
  "discharge-cancelled": 5,
  "duplicate-record-merged": 5,
  "outpatient-registration": 12,
  "sensitive-admission": 3,
};

const ED_DX = [
  { code: "R07.9", text: "Chest pain, unspecified" },
  { code: "R10.9", text: "Unspecified abdominal pain" },
  { code: "J45.901", text: "Asthma with acute exacerbation" },
  { code: "R55", text: "Syncope and collapse" },
  { code: "N39.0", text: "Urinary tract infection" },
  { code: "E16.2", text: "Hypoglycemia, unspecified" },
];
const ADMIT_DX = [
  { code: "I50.9", text: "Heart failure, unspecified" },
  { code: "J18.9", text: "Pneumonia, unspecified organism" },
  { code: "J44.1", text: "COPD with acute exacerbation" },
  { code: "A41.9", text: "Sepsis, unspecified organism" },
  { code: "K92.2", text: "Gastrointestinal hemorrhage" },
];
const ELECTIVE_DX = [{ code: "M17.11", text: "Primary osteoarthritis, right knee" }];
const CLINIC_DX = [{ code: "E11.9", text: "Type 2 diabetes mellitus" }];
const RESIDENTIAL_DX = [{ code: "F10.20", text: "Alcohol dependence, uncomplicated" }];

/** PV1-36 for an ED discharge: mostly home, some against advice, some sent to another hospital. */
function edDisposition(random: Random): string {
  const x = random.next();
  return x < 0.82 ? "01" : x < 0.9 ? "07" : "02";
}

/** PV1-36 for an inpatient discharge: home, home health, SNF, rehab. */
function inpatientDisposition(random: Random): string {
  const x = random.next();
  return x < 0.55 ? "01" : x < 0.77 ? "06" : x < 0.92 ? "03" : "62";
}

const arrival: StoryStep = { trigger: "A04", expect: "ed-arrival", patientClass: "E", moveTo: "ed" };
const update: StoryStep = { trigger: "A08", expect: "update" };

/** The steps of a `kind` story, with its chance branches (an update, a transfer) decided now. */
export function planStory(kind: StoryKind, random: Random): StoryPlan {
  const ed = { admissionType: "E", admitSource: "7", service: "EM" };
  const admit = (): StoryStep => ({
    trigger: "A06",
    expect: "ed-to-inpatient",
    patientClass: "I",
    moveTo: random.pick(["ward", "ward", "stepdown", "icu"] as const),
    service: "MED",
  });
  const transfer = (): StoryStep => ({
    trigger: "A02",
    expect: "transfer",
    moveTo: random.pick(["ward", "stepdown"] as const),
  });
  const discharge = (): StoryStep => ({
    trigger: "A03",
    expect: "discharge",
    discharge: inpatientDisposition(random),
  });
  const maybe = (p: number, step: () => StoryStep): StoryStep[] => (random.chance(p) ? [step()] : []);
  switch (kind) {
    case "ed-treat-and-release":
      return {
        kind,
        ...ed,
        diagnosis: random.pick(ED_DX),
        steps: [
          arrival,
          ...maybe(0.3, () => update),
          { trigger: "A03", expect: "ed-discharge", discharge: edDisposition(random) },
        ],
      };
    case "ed-to-admission":
      return {
        kind,
        ...ed,
        diagnosis: random.pick(ADMIT_DX),
        steps: [arrival, admit(), ...maybe(0.5, transfer), ...maybe(0.3, () => update), discharge()],
      };
    case "direct-admission":
      return {
        kind,
        admissionType: random.pick(["U", "C"]),
        admitSource: "1",
        service: "SUR",
        diagnosis: random.pick([...ADMIT_DX, ...ELECTIVE_DX]),
        steps: [
          { trigger: "A01", expect: "inpatient-admit", patientClass: "I", moveTo: "ward" },
          ...maybe(0.4, transfer),
          discharge(),
        ],
      };
    case "ed-registered-in-error":
      return {
        kind,
        ...ed,
        diagnosis: random.pick(ED_DX),
        steps: [arrival, { trigger: "A11", expect: "cancel-admit" }],
      };
    case "discharge-cancelled":
      return {
        kind,
        ...ed,
        diagnosis: random.pick(ADMIT_DX),
        steps: [
          arrival,
          admit(),
          { trigger: "A03", expect: "discharge", discharge: "01" },
          { trigger: "A13", expect: "cancel-discharge", undoDischarge: true },
          discharge(),
        ],
      };
    case "duplicate-record-merged":
      return {
        kind,
        ...ed,
        diagnosis: random.pick(ED_DX),
        steps: [
          { ...arrival, identity: "temporary" },
          { trigger: "A40", expect: "merge", identity: "merge" },
          { trigger: "A03", expect: "ed-discharge", discharge: "01" },
        ],
      };
    case "outpatient-registration":
      return {
        kind,
        admissionType: "R",
        admitSource: "1",
        service: "MED",
        diagnosis: random.pick(CLINIC_DX),
        steps: [
          { trigger: "A04", expect: "registration", patientClass: "O", moveTo: "clinic" },
          ...maybe(0.3, () => update),
        ],
      };
    case "sensitive-admission":
      return {
        kind,
        admissionType: "C",
        admitSource: "1",
        service: "BH",
        diagnosis: random.pick(RESIDENTIAL_DX),
        steps: [
          { trigger: "A01", expect: "inpatient-admit", patientClass: "I", moveTo: "residential" },
          { trigger: "A03", expect: "discharge", discharge: "01" },
        ],
      };
  }
}

/** A story kind drawn by `STORY_WEIGHTS`, leaving out the sensitive one when `allowSensitive` is false. */
export function pickStoryKind(random: Random, allowSensitive: boolean): StoryKind {
  const kinds = (Object.keys(STORY_WEIGHTS) as StoryKind[]).filter(
    (k) => allowSensitive || k !== "sensitive-admission",
  );
  const total = kinds.reduce((sum, k) => sum + STORY_WEIGHTS[k], 0);
  let x = random.next() * total;
  for (const k of kinds) {
    x -= STORY_WEIGHTS[k];
    if (x < 0) return k;
  }
  return "ed-treat-and-release";
}
