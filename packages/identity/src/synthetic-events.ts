import { nicknamesOf } from "./nicknames.ts";
import { formatBirthDate, parseBirthDate } from "./normalize-contact.ts";
import { normalizeGivenName } from "./normalize-name.ts";
import { type SeededRandom, seededRandom } from "./random.ts";
import {
  DEFAULT_ERROR_RATES,
  type ErrorRates,
  SYNTHETIC_MRN_AUTHORITY,
  type SyntheticEvent,
  type SyntheticPerson,
  type SyntheticPopulation,
} from "./synthetic.ts";

export interface EventOptions {
  readonly seed: number;
  readonly events: number;
  readonly errorRates?: Partial<ErrorRates>;
}

const LETTERS = "abcdefghijklmnopqrstuvwxyz";

/** A transposition, deletion or substitution at a random inner position (never the first letter alone). */
export function typo(random: SeededRandom, name: string): string {
  if (name.length < 3) return name;
  const i = 1 + random.int(name.length - 2);
  switch (random.int(3)) {
    case 0:
      return name.slice(0, i) + (name[i + 1] ?? "") + (name[i] ?? "") + name.slice(i + 2);
    case 1:
      return name.slice(0, i) + name.slice(i + 1);
    default:
      return name.slice(0, i) + random.pick([...LETTERS]) + name.slice(i + 1);
  }
}

/** How a hospital writes what a roster wrote: case, accents, punctuation vary; the person does not. */
function restyle(random: SeededRandom, name: string): string {
  const roll = random.int(4);
  if (roll === 0) return name.toUpperCase();
  if (roll === 1) return name.normalize("NFD").replace(/\p{M}/gu, "").replace(/['.-]/g, " ").toUpperCase();
  return name;
}

function formatPhone(random: SeededRandom, digits: string): string {
  return random.chance(0.5)
    ? `(${digits.slice(0, 3)})${digits.slice(3, 6)}-${digits.slice(6)}`
    : `+1${digits}`;
}

function eventFor(
  random: SeededRandom,
  person: SyntheticPerson,
  people: readonly SyntheticPerson[],
  rates: ErrorRates,
  errors: (keyof ErrorRates)[],
): SyntheticEvent["patient"] {
  const hit = (e: keyof ErrorRates) => {
    const yes = random.chance(rates[e]);
    if (yes) errors.push(e);
    return yes;
  };
  let family = person.family;
  let given = person.given;
  if (person.previousFamily !== undefined && hit("maidenName")) family = person.previousFamily;
  const nicknames = nicknamesOf(normalizeGivenName(given).first);
  if (nicknames.length > 0 && hit("nickname")) given = random.pick(nicknames);
  if (hit("nameTypo")) {
    if (random.chance(0.5)) family = typo(random, family);
    else given = typo(random, given);
  }
  let date = parseBirthDate(person.birthDate) ?? { year: 1970, month: 1, day: 1 };
  const swappable = date.day <= 12 && date.day !== date.month;
  let withoutPhone = false;
  if (swappable && hit("dateSwapYearTypo")) {
    const lastDigit = date.year % 10;
    const typed = (lastDigit + 1 + random.int(9)) % 10;
    date = { year: date.year - lastDigit + typed, month: date.day, day: date.month };
    withoutPhone = true;
  } else if (swappable && hit("dayMonthSwap")) date = { year: date.year, month: date.day, day: date.month };
  else if (hit("dateOffByOne")) {
    const part = random.int(3);
    const step = random.chance(0.5) ? 1 : -1;
    if (part === 0) date = { ...date, year: date.year + step };
    else if (part === 1)
      date = { ...date, month: date.month === 12 ? 11 : date.month === 1 ? 2 : date.month + step };
    else date = { ...date, day: date.day === 28 ? 27 : date.day === 1 ? 2 : date.day + step };
  }
  let postalCode: string | undefined = person.postalCode;
  let phone: string | undefined = person.phone;
  if (hit("moved")) {
    postalCode = String(10001 + random.int(160) * 37).padStart(5, "0");
    phone = `${random.pick(["339", "774", "351"])}${String(2000000 + random.int(7999999))}`;
  }
  if (hit("missingPhone") || withoutPhone) phone = undefined;
  if (hit("missingPostalCode")) postalCode = undefined;
  const sex = hit("unknownSex") ? "U" : person.sex;
  const mrn = hit("mrnReuse") ? random.pick(people).mrn : person.mrn;
  const memberId = person.memberId !== undefined && !hit("missingMemberId") ? person.memberId : undefined;
  // A suffix goes in XPN-4, or after the family name in XPN-1, or is left out.
  const suffixRoll = person.suffix === undefined ? 1 : random.next();
  if (suffixRoll < 0.2) family = `${family} ${person.suffix}`;
  const sendsMiddle =
    person.middle !== undefined && (person.registeredWithMiddle === true || random.chance(0.5));
  return {
    identifiers: [{ value: mrn, typeCode: "MR", assigningAuthority: SYNTHETIC_MRN_AUTHORITY }],
    name: {
      family: restyle(random, family),
      given: restyle(random, given),
      ...(sendsMiddle && person.middle !== undefined ? { middle: restyle(random, person.middle) } : {}),
      ...(person.suffix !== undefined && suffixRoll >= 0.2 && suffixRoll < 0.8
        ? { suffix: person.suffix.toUpperCase() }
        : {}),
    },
    birthDate: formatBirthDate(date),
    sex,
    addresses: postalCode === undefined ? [] : [{ postalCode, typeCode: "H" }],
    telecoms:
      phone === undefined ? [] : [{ system: "phone", value: formatPhone(random, phone), field: "PID-13" }],
    ...(memberId === undefined ? {} : { memberId }),
  };
}

/**
 * ADT patients about members (and, at `nonMember` rate, about people the roster does not hold, many
 * of them relatives of members at the same address), each with the truth it was made from.
 */
export function generateEvents(population: SyntheticPopulation, options: EventOptions): SyntheticEvent[] {
  const random = seededRandom(options.seed ^ 0x5bd1e995);
  const rates: ErrorRates = { ...DEFAULT_ERROR_RATES, ...options.errorRates };
  const members = population.people.filter((p) => population.patientIdOf.has(p.personId));
  const others = population.people.filter((p) => !population.patientIdOf.has(p.personId));
  const events: SyntheticEvent[] = [];
  for (let i = 0; i < options.events; i++) {
    const errors: (keyof ErrorRates)[] = [];
    const nonMember = others.length > 0 && (members.length === 0 || random.chance(rates.nonMember));
    if (nonMember) errors.push("nonMember");
    const person = random.pick(nonMember ? others : members);
    const patient = eventFor(random, person, population.people, rates, errors);
    events.push({
      patient,
      truth: {
        personId: person.personId,
        patientId: population.patientIdOf.get(person.personId),
        errors,
        ...(person.scenario === undefined ? {} : { scenario: person.scenario }),
      },
    });
  }
  return events;
}
