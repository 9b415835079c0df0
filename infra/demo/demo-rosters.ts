/**
 * The demo's roster files, as a health plan and a practice would send them: the plan's monthly
 * attribution roster (member id, demographics, attributed practice and PCP, and the hospital MRN
 * the plan knows from claims) and two care-management lists (the practice's and the plan's).
 * Pure: people in, CSV text out; the seed writes them under .stack/demo/ and imports them.
 */
import { type ColumnMapping, ROSTER_PRESETS } from "@homeward/rosters";
import { type DemoEnrollment, type DemoPerson, PLAN_MEMBER_AUTHORITY } from "./demo-population.ts";

/** The practice's PCP, as rosters name them (NPI with a valid check digit, invented person). */
export interface DemoPcp {
  npi: string;
  family: string;
  given: string;
}

/** Programme names on the two care-management lists. */
export const PRACTICE_PROGRAM = "complex-care";
export const PLAN_PROGRAM = "plan-care-coordination";

/**
 * The plan's attribution layout: the `payer-attribution` preset plus the two columns it adds for the
 * hospital MRN (a second identifier, linked to the member id on import).
 */
export const ATTRIBUTION_MAPPING: ColumnMapping = {
  columns: {
    ...ROSTER_PRESETS["payer-attribution"].columns,
    "Hospital MRN": "secondaryIdentifierValue",
    "Hospital MRN Authority": "secondaryIdentifierAuthority",
  },
  defaults: { identifierType: "MB", secondaryIdentifierType: "MR" },
};

/** A CSV line; cells with a comma, quote or line break are quoted. */
function csvLine(cells: readonly (string | number | undefined)[]): string {
  return cells
    .map((c) => {
      const s = c === undefined ? "" : String(c);
      return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
    })
    .join(",");
}

/** `YYYY-MM-DD` → `MM/DD/YYYY`, as payers' files usually write dates. */
const usDate = (iso: string) => `${iso.slice(5, 7)}/${iso.slice(8, 10)}/${iso.slice(0, 4)}`;

/** The calendar day `days` before `day` (both `YYYY-MM-DD`). */
export function daysBefore(day: string, days: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - days);
  return d.toISOString().slice(0, 10);
}

/** The plan's attribution roster: everyone, attributed to `practiceCode` with `pcp`. */
export function attributionCsv(
  people: readonly DemoPerson[],
  practiceCode: string,
  pcp: DemoPcp,
  from: string,
): string {
  const header = [
    "Member ID",
    "Member Last Name",
    "Member First Name",
    "Member Middle Name",
    "Date of Birth",
    "Gender",
    "Zip Code",
    "Phone",
    "Attributed Practice ID",
    "PCP NPI",
    "PCP Last Name",
    "PCP First Name",
    "Attribution Start Date",
    "Hospital MRN",
    "Hospital MRN Authority",
  ];
  const rows = people.map((p) => {
    const mrnFacility = p.rosterMrnFacility;
    return csvLine([
      p.memberId,
      p.family,
      p.given,
      p.middle,
      usDate(p.birthDate),
      p.sex,
      p.postalCode,
      p.phone,
      practiceCode,
      pcp.npi,
      pcp.family,
      pcp.given,
      usDate(from),
      mrnFacility === undefined ? undefined : p.mrns[mrnFacility],
      mrnFacility,
    ]);
  });
  return `${[csvLine(header), ...rows].join("\n")}\n`;
}

/**
 * A care-management list in the `cm-enrollment` layout, keyed by the plan's member id (so the
 * practice's list links to the same patients as the plan's roster). Each line has its care manager
 * and its own Enrollment Date, `sinceDays` before `from` (it only dates a new row: an import of a
 * line already on the list changes nothing).
 */
export function enrollmentCsv(
  people: readonly DemoPerson[],
  list: (p: DemoPerson) => DemoEnrollment | undefined,
  opts: {
    practiceCode: string;
    program: string;
    careManagerEmail: (e: DemoEnrollment) => string;
    from: string;
  },
): string {
  const header = [
    "Member ID",
    "ID Type",
    "ID Authority",
    "Last Name",
    "First Name",
    "DOB",
    "Sex",
    "Zip",
    "Phone",
    "Practice ID",
    "Program",
    "Risk Tier",
    "Care Manager Email",
    "Lead Organization",
    "Status",
    "Patient Goal",
    "Goal Met",
    "Enrollment Date",
  ];
  const rows: string[] = [];
  for (const p of people) {
    const e = list(p);
    if (e === undefined) continue;
    rows.push(
      csvLine([
        p.memberId,
        "MB",
        PLAN_MEMBER_AUTHORITY,
        p.family,
        p.given,
        p.birthDate,
        p.sex,
        p.postalCode,
        p.phone,
        opts.practiceCode,
        opts.program,
        e.tier,
        opts.careManagerEmail(e),
        e.lead,
        e.status,
        e.goal,
        e.goalMet ? "Y" : "N",
        daysBefore(opts.from, e.sinceDays),
      ]),
    );
  }
  return `${[csvLine(header), ...rows].join("\n")}\n`;
}
