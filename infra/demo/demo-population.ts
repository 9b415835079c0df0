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

/** A line on a care-management list. */
export interface DemoEnrollment {
  tier: Tier;
  lead: Lead;
  status: EnrollmentStatus;
  goal: string;
  goalMet: boolean;
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
  return people;
}

/** The highest tier a person has on either list (I is highest), or undefined if on neither. */
export function highestTier(person: {
  practiceList?: DemoEnrollment | undefined;
  planList?: DemoEnrollment | undefined;
}): Tier | undefined {
  const tiers = [person.practiceList?.tier, person.planList?.tier].filter((t): t is Tier => t !== undefined);
  return (["I", "II", "III"] as const).find((t) => tiers.includes(t));
}
