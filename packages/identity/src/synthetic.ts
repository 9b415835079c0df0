import type { Candidate, IncomingPatient } from "./identity-record.ts";
import { areNicknameEquivalent } from "./nicknames.ts";
import { formatBirthDate } from "./normalize-contact.ts";
import { normalizeGivenName } from "./normalize-name.ts";
import { type SeededRandom, seededRandom, zipfCumulative } from "./random.ts";
import {
  HOUSEHOLD_SCENARIOS,
  type HouseholdMember,
  type HouseholdScenario,
  lookAlikeHousehold,
} from "./synthetic-households.ts";
import { FEMALE_GIVEN, inventedName, MALE_GIVEN, SURNAMES } from "./synthetic-names.ts";

/**
 * A seeded synthetic population (households with shared addresses and phones, twins, juniors,
 * shared birthdays, and look-alike households: see synthetic-households.ts), the roster that holds part of it, and ADT patients derived from it with
 * registration errors at configurable rates, each with its ground truth. Synthetic: no PHI.
 */

/** How often each error is made, per event (0–1). */
export interface ErrorRates {
  /** A transposition, deletion or substitution in the family or the given name. */
  readonly nameTypo: number;
  /** A nickname instead of the formal given name (when the name has one). */
  readonly nickname: number;
  /** Day and month swapped (when the day is 12 or less). */
  readonly dayMonthSwap: number;
  /** One birth-date part off by one. */
  readonly dateOffByOne: number;
  /**
   * Two date errors at once, as seen in the field: day and month swapped (when the day is 12 or
   * less) and the year's last digit mistyped, on an event sent without a phone.
   */
  readonly dateSwapYearTypo: number;
  /** The member id the person has is not sent. */
  readonly missingMemberId: number;
  /** A woman registered under her maiden (or previous) family name. */
  readonly maidenName: number;
  /** Moved since the roster was made: postal code and phone differ. */
  readonly moved: number;
  readonly missingPhone: number;
  readonly missingPostalCode: number;
  /** Sex sent as `U`. */
  readonly unknownSex: number;
  /** The MRN sent is another person's (a reused or mistyped number). */
  readonly mrnReuse: number;
  /** The event is about someone who is not on the roster. */
  readonly nonMember: number;
}

export const DEFAULT_ERROR_RATES: ErrorRates = {
  nameTypo: 0.08,
  nickname: 0.1,
  dayMonthSwap: 0.02,
  dateOffByOne: 0.02,
  dateSwapYearTypo: 0.005,
  missingMemberId: 0.5,
  maidenName: 0.03,
  moved: 0.1,
  missingPhone: 0.2,
  missingPostalCode: 0.05,
  unknownSex: 0.01,
  mrnReuse: 0.005,
  nonMember: 0.3,
};

/** A person of the population: what a look-alike household gives its members, and ids and history. */
export interface SyntheticPerson extends Omit<HouseholdMember, "scenario"> {
  readonly personId: string;
  readonly householdId: number;
  /** The hospital's MRN (every person has one); the roster knows it only after a past visit. */
  readonly mrn: string;
  readonly memberId?: string | undefined;
  /** Family name before marriage, for maiden-name errors. */
  readonly previousFamily?: string | undefined;
  /** The look-alike household the person belongs to, if any. */
  readonly scenario?: HouseholdScenario | undefined;
}

export interface SyntheticPopulation {
  readonly people: readonly SyntheticPerson[];
  /** The roster: candidates for the people who are members (patientId = `P` + personId). */
  readonly roster: readonly Candidate[];
  /** personId → patientId for members. */
  readonly patientIdOf: ReadonlyMap<string, string>;
}

export interface SyntheticEvent {
  readonly patient: IncomingPatient;
  readonly truth: {
    readonly personId: string;
    /** The roster patient this event is about; `undefined` for a non-member. */
    readonly patientId: string | undefined;
    /** Which errors were applied (names of `ErrorRates` fields). */
    readonly errors: readonly (keyof ErrorRates)[];
    /** The look-alike household of the person, if any. */
    readonly scenario?: HouseholdScenario | undefined;
  };
}

export const SYNTHETIC_MRN_AUTHORITY = "MERCYGEN";

export interface PopulationOptions {
  readonly seed: number;
  /** People in the region (members and non-members). */
  readonly people: number;
  /** Share of people on the roster. */
  readonly rosterShare?: number;
  /** Share of roster people whose hospital MRN the roster already knows. */
  readonly knownMrnShare?: number;
  /** Share of households that are look-alike households (one of `HOUSEHOLD_SCENARIOS` each). */
  readonly lookAlikeShare?: number;
}

const ZIPS = Array.from({ length: 160 }, (_, i) => String(10001 + i * 37).padStart(5, "0"));
const ZIP_WEIGHTS = zipfCumulative(ZIPS.length, 0.7);
const SURNAME_WEIGHTS = zipfCumulative(SURNAMES.length, 0.5);

function surname(random: SeededRandom): string {
  return random.chance(0.4) ? random.pickWeighted(SURNAMES, SURNAME_WEIGHTS) : inventedName(random);
}

function givenName(random: SeededRandom, sex: "F" | "M"): string {
  return random.chance(0.75) ? random.pick(sex === "F" ? FEMALE_GIVEN : MALE_GIVEN) : inventedName(random);
}

function birthDate(random: SeededRandom, year: number, monthDay?: { month: number; day: number }): string {
  const month = monthDay?.month ?? 1 + random.int(12);
  const day = monthDay?.day ?? 1 + random.int(28);
  return formatBirthDate({ year, month, day });
}

function phoneNumber(random: SeededRandom): string {
  return `${random.pick(["617", "857", "781", "508", "978"])}${String(2000000 + random.int(7999999))}`;
}

/** Builds the population household by household, and the roster from a random share of it. */
export function generatePopulation(options: PopulationOptions): SyntheticPopulation {
  const random = seededRandom(options.seed);
  const people: SyntheticPerson[] = [];
  let household = 0;
  const add = (p: Omit<SyntheticPerson, "personId" | "householdId" | "mrn" | "memberId">) => {
    const n = people.length + 1;
    const memberId = random.chance(0.9) ? `W${String(100000000 + n * 7919).slice(-9)}` : undefined;
    const person: SyntheticPerson = {
      ...p,
      personId: `S${n}`,
      householdId: household,
      mrn: `M${1000000 + n}`,
      memberId,
    };
    people.push(person);
    return person;
  };
  const lookAlikeShare = options.lookAlikeShare ?? 0.04;
  while (people.length < options.people) {
    household++;
    const family = surname(random);
    const postalCode = random.pickWeighted(ZIPS, ZIP_WEIGHTS);
    const sharedPhone = phoneNumber(random);
    const phone = () => (random.chance(0.6) ? sharedPhone : phoneNumber(random));
    if (random.chance(lookAlikeShare)) {
      const scenario = random.pick(HOUSEHOLD_SCENARIOS);
      const base = { family, postalCode, sharedPhone, ownPhone: () => phoneNumber(random) };
      for (const member of lookAlikeHousehold(random, scenario, base))
        if (people.length < options.people) add(member);
      continue;
    }
    const size = random.pickWeighted([1, 2, 3, 4, 5], [35, 65, 80, 92, 100]);
    const parentYear = 1935 + random.int(70);
    const first = random.chance(0.5) ? "F" : "M";
    const parent = add({
      family,
      given: givenName(random, first),
      middle: random.chance(0.6) ? givenName(random, first) : undefined,
      sex: first,
      birthDate: birthDate(random, parentYear),
      postalCode,
      phone: phone(),
      previousFamily: first === "F" && random.chance(0.6) ? surname(random) : undefined,
    });
    if (size >= 2 && people.length < options.people) {
      const sex = first === "F" ? "M" : "F";
      add({
        family,
        given: givenName(random, sex),
        sex,
        birthDate: birthDate(random, parentYear - 3 + random.int(7)),
        postalCode,
        phone: phone(),
        previousFamily: sex === "F" && random.chance(0.6) ? surname(random) : undefined,
      });
    }
    // Children's given names differ, also as nicknames (no Katherine and Catherine), and at most
    // one son is a junior named after his father: siblings of one given name are the look-alike
    // households' business.
    const taken = [normalizeGivenName(parent.given).first];
    const isTaken = (name: string) => taken.some((t) => t === name || areNicknameEquivalent(t, name));
    let juniorBorn = false;
    const childName = (sex: "F" | "M") => {
      let given = givenName(random, sex);
      while (isTaken(normalizeGivenName(given).first)) given = givenName(random, sex);
      taken.push(normalizeGivenName(given).first);
      return given;
    };
    for (let c = 2; c < size && people.length < options.people; c++) {
      const sex = random.chance(0.5) ? "F" : "M";
      const year = Math.min(2024, parentYear + 20 + random.int(20));
      // Shared birthdays in one household: a child born on a parent's month and day.
      const shared = random.chance(0.05) ? /-(\d\d)-(\d\d)$/.exec(parent.birthDate) : null;
      const monthDay = shared !== null ? { month: Number(shared[1]), day: Number(shared[2]) } : undefined;
      const junior: boolean = !juniorBorn && sex === "M" && parent.sex === "M" && random.chance(0.15);
      juniorBorn ||= junior;
      const child = add({
        family,
        given: junior ? parent.given : childName(sex),
        sex,
        birthDate: birthDate(random, year, monthDay),
        postalCode,
        phone: phone(),
      });
      if (random.chance(0.04) && people.length < options.people) {
        const twinSex = random.chance(0.5) ? sex : sex === "F" ? "M" : "F";
        const given = childName(twinSex);
        add({ family, given, sex: twinSex, birthDate: child.birthDate, postalCode, phone: phone() });
      }
    }
  }
  const rosterShare = options.rosterShare ?? 0.7;
  const knownMrn = options.knownMrnShare ?? 0.4;
  const roster: Candidate[] = [];
  const patientIdOf = new Map<string, string>();
  for (const p of people) {
    if (!random.chance(rosterShare)) continue;
    const patientId = `P${p.personId.slice(1)}`;
    patientIdOf.set(p.personId, patientId);
    // Rosters without a suffix column write it after the family name ("Okonkwo Jr"), when at all.
    const suffixed = p.suffix !== undefined && random.chance(0.7);
    roster.push({
      patientId,
      identifiers: random.chance(knownMrn)
        ? [{ value: p.mrn, typeCode: "MR", assigningAuthority: SYNTHETIC_MRN_AUTHORITY }]
        : [],
      family: suffixed ? `${p.family} ${p.suffix}` : p.family,
      given: p.given,
      middle: p.middle,
      birthDate: p.birthDate,
      sex: p.sex,
      postalCode: p.postalCode,
      phone: p.phone,
      memberIds: p.memberId === undefined ? [] : [p.memberId],
    });
  }
  return { people, roster, patientIdOf };
}
