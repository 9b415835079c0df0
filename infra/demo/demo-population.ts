/**
 * The demo's synthetic population: 200 patients of Springvale Family Medicine, with obviously
 * invented names (Demowood, Synthfield, Mockridge…), phone numbers in the fictional 555-01xx range,
 * a health-plan member id each and an MRN at every synthetic hospital of
 * services/adt-listener/config/facilities.example.json. Deterministic: the same seed, the same people.
 */
import { seededRandom } from "@homeward/identity";

export type Tier = "I" | "II" | "III";
export type Lead = "practice" | "plan" | "joint";
export type EnrollmentStatus = "active" | "monitor" | "tracking_list";

/** The practice's care managers (demo-directory.ts keys): each carries patients of every tier. */
export const PRACTICE_CARE_MANAGERS = [
  "practiceCareManager",
  "practiceCareManager2",
  "practiceCareManager3",
] as const;
export type PracticeCareManager = (typeof PRACTICE_CARE_MANAGERS)[number];

/** A line on a care-management list. */
export interface DemoEnrollment {
  tier: Tier;
  lead: Lead;
  status: EnrollmentStatus;
  goal: string;
  goalMet: boolean;
  /** How many days before the roster's date the patient went on the list (its Enrollment Date). */
  sinceDays: number;
  /** The practice's care manager of this line (the plan's list names the plan's own). */
  careManager?: PracticeCareManager;
}

export interface DemoPerson {
  /** The practice's chart number (the demo's own key; not an identifier any hospital sends). */
  chart: string;
  family: string;
  given: string;
  middle?: string;
  sex: "F" | "M";
  birthDate: string;
  street: string;
  city: string;
  state: string;
  postalCode: string;
  phone: string;
  /** The health plan's member id (authority HPLAN, type MB). */
  memberId: string;
  /** MRN by sending facility (MSH-4). */
  mrns: Record<string, string>;
  /** The hospital whose MRN the plan's roster carries (from claims), if any. */
  rosterMrnFacility?: "MERCYGEN" | "STLUKES";
  /** On the practice's care-management list. */
  practiceList?: DemoEnrollment;
  /** On the plan's high-risk list. */
  planList?: DemoEnrollment;
}

export const PLAN_MEMBER_AUTHORITY = "HPLAN";

// biome-ignore format: name tables read better dense
const GIVEN_F = ["Aurelia", "Brisa", "Celestine", "Delphine", "Elowen", "Fenna", "Giselle", "Honora", "Isolde", "Juniper",
  "Kestrel", "Liora", "Maris", "Nerys", "Ondine", "Perpetua", "Quilla", "Rosamund", "Sabine", "Tamsin"];
// biome-ignore format: name tables read better dense
const GIVEN_M = ["Ambrose", "Bartholomew", "Cosimo", "Dashiell", "Evander", "Florian", "Gideon", "Horatio", "Ignatius",
  "Jasper", "Lysander", "Mortimer", "Octavius", "Peregrine", "Quentin", "Rupert", "Silas", "Tobias", "Ulysses", "Wendell"];
const FAMILY_START = ["Demo", "Synth", "Sample", "Mock", "Fict", "Proto"];
const FAMILY_END = [
  "wood",
  "field",
  "ridge",
  "brook",
  "stone",
  "hollow",
  "worth",
  "ley",
  "mere",
  "croft",
  "well",
  "ford",
];
const STREETS = ["Maple Demo Ave", "Birch Sample St", "Cedar Test Rd", "Willow Mock Ln", "Aspen Synth Way"];
const ZIPS = ["14850", "14851", "14853", "14882", "14886"];
const AREA_CODES = ["607", "315", "585"];
const GOALS = [
  "Walk 20 minutes most days",
  "Keep A1c under 8",
  "Use the controller inhaler every day",
  "No ED visit this quarter",
  "Weigh in daily and call if up 3 lb",
  "Keep every PCP appointment",
];

const pad = (n: number, width: number) => String(n).padStart(width, "0");

/** `count` people (default 200) from `seed`; unique by name and birth date. */
export function demoPopulation(seed = 20261123, count = 200): DemoPerson[] {
  const random = seededRandom(seed);
  const people: DemoPerson[] = [];
  const seen = new Set<string>();
  const enrollment = (tier: Tier, lead: Lead): DemoEnrollment => ({
    tier,
    lead,
    status: random.chance(0.85) ? "active" : random.chance(0.6) ? "monitor" : "tracking_list",
    goal: random.pick(GOALS),
    goalMet: random.chance(0.3),
    sinceDays: 0,
  });
  while (people.length < count) {
    const i = people.length;
    const sex = random.chance(0.52) ? "F" : "M";
    const family = `${random.pick(FAMILY_START)}${random.pick(FAMILY_END)}`;
    const given = random.pick(sex === "F" ? GIVEN_F : GIVEN_M);
    const birthDate = `${1938 + random.int(67)}-${pad(1 + random.int(12), 2)}-${pad(1 + random.int(28), 2)}`;
    const key = `${family}|${given}|${birthDate}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const middle = random.chance(0.4) ? random.pick(sex === "F" ? GIVEN_F : GIVEN_M) : undefined;
    const person: DemoPerson = {
      chart: `SFM${pad(i + 1, 5)}`,
      family,
      given,
      ...(middle === undefined || middle === given ? {} : { middle }),
      sex,
      birthDate,
      street: `${10 + random.int(980)} ${random.pick(STREETS)}`,
      city: "Springvale",
      state: "NY",
      postalCode: random.pick(ZIPS),
      phone: `${random.pick(AREA_CODES)}55501${pad(random.int(100), 2)}`,
      memberId: `HPL${pad(40_000_000 + i * 37, 8)}`,
      mrns: {
        MERCYGEN: `MG${600_000 + i * 7}`,
        STLUKES: `SL${3_100_000 + i * 11}`,
        VALLEYGEN: `VG${500_000 + i * 13}`,
        RECOVERY: `RC${90_000 + i}`,
      },
    };
    // The plan learned hospital MRNs from claims: most at Mercy General, some at St. Luke's.
    const mrnFrom = i % 5;
    if (mrnFrom < 3) person.rosterMrnFacility = "MERCYGEN";
    else if (mrnFrom === 3) person.rosterMrnFacility = "STLUKES";
    // About 30% on the practice's care-management list; the sickest also on the plan's list.
    if (random.chance(0.3)) {
      const x = random.next();
      const tier: Tier = x < 0.2 ? "I" : x < 0.55 ? "II" : "III";
      person.practiceList = enrollment(tier, tier === "I" && random.chance(0.5) ? "joint" : "practice");
      if (tier !== "III" && random.chance(0.5)) person.planList = enrollment(tier, "joint");
    } else if (random.chance(0.07)) {
      person.planList = enrollment(random.chance(0.4) ? "II" : "III", "plan");
    }
    people.push(person);
  }
  arrangeLists(people, seededRandom(seed ^ LIST_STREAM));
  return people;
}

/**
 * A second random stream for what the lists say beyond who is on them (dates, tracking list, care
 * managers), so the people above, drawn from the first, stay the same people as before these were
 * added: an install seeded earlier keeps its patients.
 */
const LIST_STREAM = 0x7ac4_11e5;

/** Practice-list patients on the tracking list (more if the draw above put more there). */
export const TRACKING_LIST_SIZE = 8;

/**
 * Days on the tracking list, in the order its patients come: with the six-month review opening two
 * weeks ahead, some reviews are overdue, some due within days whatever day of the month the demo is
 * first seeded (the roster date is the first of the month), and some months away.
 */
const TRACKING_SINCE_DAYS = [176, 200, 170, 160, 150, 120, 60, 30];

/**
 * The tracking list (practice-only, tier II and III patients who were active, until it holds
 * TRACKING_LIST_SIZE), how long everyone has been on their lists (two months to two years; the
 * tracking list by TRACKING_SINCE_DAYS), and the practice's care managers, dealt round by tier so
 * each has patients of every tier.
 */
function arrangeLists(people: DemoPerson[], random: ReturnType<typeof seededRandom>): void {
  const onTracking = () => people.filter((p) => p.practiceList?.status === "tracking_list").length;
  const candidates = people.filter(
    (p) => p.planList === undefined && p.practiceList?.status === "active" && p.practiceList.tier !== "I",
  );
  while (onTracking() < TRACKING_LIST_SIZE && candidates.length > 0) {
    const [chosen] = candidates.splice(random.int(candidates.length), 1);
    if (chosen?.practiceList !== undefined) chosen.practiceList.status = "tracking_list";
  }
  let tracking = 0;
  const dealt: Record<Tier, number> = { I: 0, II: 0, III: 0 };
  for (const p of people) {
    for (const list of [p.practiceList, p.planList]) {
      if (list === undefined) continue;
      list.sinceDays =
        list === p.practiceList && list.status === "tracking_list"
          ? (TRACKING_SINCE_DAYS[tracking++ % TRACKING_SINCE_DAYS.length] ?? 180)
          : 60 + random.int(670);
    }
    if (p.practiceList !== undefined) {
      const tier = p.practiceList.tier;
      p.practiceList.careManager =
        PRACTICE_CARE_MANAGERS[dealt[tier]++ % PRACTICE_CARE_MANAGERS.length] ?? "practiceCareManager";
    }
  }
}

/** The highest tier a person has on either list (I is highest), or undefined if on neither. */
export function highestTier(person: {
  practiceList?: DemoEnrollment | undefined;
  planList?: DemoEnrollment | undefined;
}): Tier | undefined {
  const tiers = [person.practiceList?.tier, person.planList?.tier].filter((t): t is Tier => t !== undefined);
  return (["I", "II", "III"] as const).find((t) => tiers.includes(t));
}
