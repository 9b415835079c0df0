import { formatBirthDate, parseBirthDate } from "./normalize-contact.ts";
import type { SeededRandom } from "./random.ts";
import { FEMALE_GIVEN, inventedName, MALE_GIVEN } from "./synthetic-names.ts";

/**
 * Households whose members look alike to a matcher: the relatives a wrong auto-match would
 * disclose a patient to. Each is a scenario of its own in the benchmark, so that its false matches
 * and recall are measured apart from the general traffic. Synthetic: no PHI.
 */

/** The look-alike household a synthetic person belongs to. */
export type HouseholdScenario =
  /** Parent and child of one sex with the same given and family name, no suffix written. */
  | "parent-child-same-name"
  /** Father and son named alike with a generational suffix (Sr/Jr, II/III), often the same middle. */
  | "senior-junior"
  /** Same-sex twins with the same given name, told apart only by the middle name or initial. */
  | "twins-by-middle"
  /** Siblings of one sex with the same given name and different middle names, a few years apart. */
  | "siblings-by-middle"
  /** Siblings of one sex, a year or two apart, sharing the address and the phone number. */
  | "siblings-shared-contact";

export const HOUSEHOLD_SCENARIOS: readonly HouseholdScenario[] = [
  "parent-child-same-name",
  "senior-junior",
  "twins-by-middle",
  "siblings-by-middle",
  "siblings-shared-contact",
];

/** What a look-alike household adds for one person (the population fills in ids and numbers). */
export interface HouseholdMember {
  readonly family: string;
  readonly given: string;
  readonly middle?: string | undefined;
  /** Generational suffix the person uses (`Jr`, `Sr`, `II`, `III`). */
  readonly suffix?: string | undefined;
  readonly sex: "F" | "M";
  readonly birthDate: string;
  readonly postalCode: string;
  readonly phone: string;
  /** The hospital records the middle name every time (it tells apart two people of one given name). */
  readonly registeredWithMiddle?: boolean | undefined;
  readonly scenario: HouseholdScenario;
}

/** What the members of one household share. */
export interface HouseholdBase {
  readonly family: string;
  readonly postalCode: string;
  /** The household's landline; each member uses it or a number of their own. */
  readonly sharedPhone: string;
  readonly ownPhone: () => string;
}

function givenOf(random: SeededRandom, sex: "F" | "M"): string {
  return random.chance(0.8) ? random.pick(sex === "F" ? FEMALE_GIVEN : MALE_GIVEN) : inventedName(random);
}

/** Two middle names (or initials) that start with different letters. */
function distinctMiddles(random: SeededRandom, sex: "F" | "M"): [string, string] {
  const a = givenOf(random, sex);
  let b = givenOf(random, sex);
  while (b[0]?.toUpperCase() === a[0]?.toUpperCase()) b = givenOf(random, sex);
  return random.chance(0.3) ? [a.slice(0, 1), b.slice(0, 1)] : [a, b];
}

function randomDate(random: SeededRandom, year: number): string {
  return formatBirthDate({ year, month: 1 + random.int(12), day: 1 + random.int(28) });
}

function withYear(date: string, year: number): string {
  const d = parseBirthDate(date) ?? { year, month: 1, day: 1 };
  return formatBirthDate({ ...d, year });
}

/**
 * The members of one look-alike household of the given scenario, parents first. Birth years of a
 * parent and a same-name child differ by 20, 30 or 40 years, half the time on the same month and
 * day: a generation apart, yet often one digit apart (1958 and 1988).
 */
export function lookAlikeHousehold(
  random: SeededRandom,
  scenario: HouseholdScenario,
  base: HouseholdBase,
): HouseholdMember[] {
  const { family, postalCode } = base;
  const phone = (shareRate: number) => (random.chance(shareRate) ? base.sharedPhone : base.ownPhone());
  switch (scenario) {
    case "parent-child-same-name":
    case "senior-junior": {
      const suffixed = scenario === "senior-junior";
      const sex = suffixed || random.chance(0.6) ? "M" : "F";
      const parentYear = 1935 + random.int(55);
      const gap = parentYear + 40 <= 2024 ? 20 + 10 * random.int(3) : 20;
      const parentDate = randomDate(random, parentYear);
      const childDate = random.chance(0.5)
        ? withYear(parentDate, parentYear + gap)
        : randomDate(random, parentYear + gap);
      const given = givenOf(random, sex);
      const parentMiddle = random.chance(0.7) ? givenOf(random, sex) : undefined;
      // A junior carries his father's whole name; an unsuffixed same-name child often another middle.
      const childMiddle = suffixed ? parentMiddle : random.chance(0.5) ? givenOf(random, sex) : undefined;
      const [parentSuffix, childSuffix] = !suffixed
        ? [undefined, undefined]
        : random.chance(0.2)
          ? ["II", "III"]
          : [random.chance(0.6) ? "Sr" : undefined, "Jr"];
      const common = { family, given, sex, postalCode, scenario } as const;
      return [
        { ...common, middle: parentMiddle, suffix: parentSuffix, birthDate: parentDate, phone: phone(0.8) },
        { ...common, middle: childMiddle, suffix: childSuffix, birthDate: childDate, phone: phone(0.8) },
      ];
    }
    case "twins-by-middle":
    case "siblings-by-middle": {
      const sex = random.chance(0.5) ? "F" : "M";
      const year = 1950 + random.int(72);
      const given = givenOf(random, sex);
      const [m1, m2] = distinctMiddles(random, sex);
      const first = randomDate(random, year);
      const second =
        scenario === "twins-by-middle" ? first : randomDate(random, Math.min(2024, year + 1 + random.int(4)));
      const common = { family, given, sex, postalCode, registeredWithMiddle: true, scenario } as const;
      return [
        { ...common, middle: m1, birthDate: first, phone: phone(0.7) },
        { ...common, middle: m2, birthDate: second, phone: phone(0.7) },
      ];
    }
    case "siblings-shared-contact": {
      const sex = random.chance(0.5) ? "F" : "M";
      const year = 1950 + random.int(70);
      const firstDate = randomDate(random, year);
      const count = random.chance(0.3) ? 3 : 2;
      const names: string[] = [];
      while (names.length < count) {
        const name = givenOf(random, sex);
        if (!names.some((n) => n.toUpperCase() === name.toUpperCase())) names.push(name);
      }
      return names.map((given, i) => ({
        family,
        given,
        sex,
        // A birthday shared across years now and then (born on the same day a year or two apart).
        birthDate:
          i === 0
            ? firstDate
            : random.chance(0.2)
              ? withYear(firstDate, year + i)
              : randomDate(random, year + i),
        postalCode,
        phone: base.sharedPhone,
        scenario,
      }));
    }
  }
}
