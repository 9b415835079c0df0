import Holidays from "date-holidays";

/** Which public-holiday set a practice closes for: a country (ISO 3166-1) and optionally a state. */
export interface HolidaySet {
  country: string;
  state?: string | undefined;
}

const instances = new Map<string, Holidays>();
const federalRules = new Map<string, ReadonlySet<string>>();
const byYear = new Map<string, ReadonlySet<string>>();

const setKey = (set: HolidaySet): string => `${set.country}|${set.state ?? ""}`;

function holidaysFor(set: HolidaySet): Holidays {
  const key = setKey(set);
  let instance = instances.get(key);
  if (instance === undefined) {
    instance = set.state === undefined ? new Holidays(set.country) : new Holidays(set.country, set.state);
    instances.set(key, instance);
  }
  return instance;
}

/** The rules of the country-wide set (for the US: the federal holidays), to recognise them in a state set. */
function countryRules(country: string): ReadonlySet<string> {
  let rules = federalRules.get(country);
  if (rules === undefined) {
    const all = holidaysFor({ country }).getHolidays(2024);
    rules = new Set(all.filter((h) => h.type === "public").map((h) => h.rule));
    federalRules.set(country, rules);
  }
  return rules;
}

const isoDate = (d: Date): string => d.toISOString().slice(0, 10);

function shiftDate(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return isoDate(d);
}

/**
 * Closed dates derived from one year's holiday list (may spill into the year before: a Saturday
 * January 1 is observed on the Friday before). Only `public` holidays count: date-holidays also lists
 * observances (Valentine's Day, Halloween), optional days (Christmas Eve) and bank holidays, which are
 * working days. date-holidays adds the Friday/Monday substitute for most fixed federal holidays
 * (New Year, Juneteenth, July 4, Christmas) but not for Veterans Day (November 11 2023 and 2028 are
 * Saturdays: observed Friday November 10), so for the US the federal in-lieu rule (5 U.S.C. 6103(b):
 * Saturday → Friday before, Sunday → Monday after) is applied to every federal holiday of the set.
 */
function closedDatesFrom(set: HolidaySet, year: number): string[] {
  const publicHolidays = holidaysFor(set)
    .getHolidays(year)
    .filter((h) => h.type === "public");
  const dates = publicHolidays.map((h) => h.date.slice(0, 10));
  if (set.country === "US") {
    const federal = countryRules("US");
    for (const holiday of publicHolidays) {
      if (holiday.substitute === true || !federal.has(holiday.rule)) continue;
      const date = holiday.date.slice(0, 10);
      const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
      if (weekday === 6) dates.push(shiftDate(date, -1));
      if (weekday === 0) dates.push(shiftDate(date, 1));
    }
  }
  return dates;
}

/**
 * Every public-holiday date (`YYYY-MM-DD`, observed days included) of `year` in the set. Cached per
 * (year, country, state): deadlines are computed for every event, the holiday rules parsed once.
 */
export function publicHolidayDates(set: HolidaySet, year: number): ReadonlySet<string> {
  const key = `${year}|${setKey(set)}`;
  let dates = byYear.get(key);
  if (dates === undefined) {
    const prefix = `${year}-`;
    const all = [...closedDatesFrom(set, year), ...closedDatesFrom(set, year + 1)];
    dates = new Set(all.filter((d) => d.startsWith(prefix)));
    byYear.set(key, dates);
  }
  return dates;
}

/** True when date-holidays knows the country (and the state within it), so a typo fails at load. */
export function isKnownHolidaySet(set: HolidaySet): boolean {
  const countries = new Holidays().getCountries();
  if (countries[set.country] === undefined) return false;
  if (set.state === undefined) return true;
  return new Holidays().getStates(set.country)?.[set.state] !== undefined;
}
