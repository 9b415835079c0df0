import { type HolidaySet, publicHolidayDates } from "@homeward/protocols";
import Holidays from "date-holidays";

/** A day an organization's deadlines skip for a public holiday, with its name. */
export interface NamedHoliday {
  date: string;
  name: string;
}

/**
 * The public holidays of `year` in the set, exactly the dates deadlines skip (`publicHolidayDates`,
 * observed days included), each named by date-holidays; an observed day the US in-lieu rule adds
 * (a Saturday holiday kept on the Friday) is named after the holiday it stands for.
 */
export function namedHolidays(set: HolidaySet, year: number): NamedHoliday[] {
  const calendar = set.state === undefined ? new Holidays(set.country) : new Holidays(set.country, set.state);
  const listed = [year - 1, year, year + 1].flatMap((y) =>
    calendar
      .getHolidays(y)
      .filter((h) => h.type === "public")
      .map((h) => ({ date: h.date.slice(0, 10), name: h.name })),
  );
  const nameOf = (date: string): string => {
    const own = listed.find((h) => h.date === date);
    if (own !== undefined) return own.name;
    const day = Date.parse(`${date}T00:00:00Z`);
    const near = listed.find((h) => Math.abs(Date.parse(`${h.date}T00:00:00Z`) - day) === 86_400_000);
    return near === undefined ? "Public holiday (observed)" : `${near.name} (observed)`;
  };
  return [...publicHolidayDates(set, year)].sort().map((date) => ({ date, name: nameOf(date) }));
}

/** The countries date-holidays knows, and the states (regions) of one, for the settings form. */
export function holidayRegions(country: string): {
  countries: { code: string; name: string }[];
  states: { code: string; name: string }[];
} {
  const all = new Holidays();
  const byName = (entries: [string, string][]) =>
    entries.map(([code, name]) => ({ code, name })).sort((a, b) => a.name.localeCompare(b.name));
  return {
    countries: byName(Object.entries(all.getCountries("en"))),
    states: byName(Object.entries(all.getStates(country, "en") ?? {})),
  };
}
