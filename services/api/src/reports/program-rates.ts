import { rateOf, roundTo } from "./percentiles.ts";
import type { UtilizationRow } from "./program-schemas.ts";
import type { MonthCounts } from "./program-utilization-store.ts";

/**
 * Visits per 1,000 member-months: `count × 1000 ÷ memberMonths`, one decimal. A member-month is a
 * month of one patient's enrollment, so 20 patients enrolled all March are 20 member-months and 3
 * ED visits among them are 150.0 per 1,000. Null when nobody was enrolled (a rate of nobody is not 0).
 */
export function per1000(count: number, memberMonths: number): number | null {
  return memberMonths > 0 ? roundTo((count * 1000) / memberMonths, 1) : null;
}

/**
 * One month's line: patient-days become the average enrolled (÷ days covered) and member-months
 * (÷ days of the calendar month, so a half month in the period weighs half a month), and the counts
 * become rates. Rounded once, here, so JSON and CSV carry the same numbers.
 */
export function monthLine(m: MonthCounts): UtilizationRow {
  const memberMonths = m.daysInMonth > 0 ? m.patientDays / m.daysInMonth : 0;
  return {
    level: "month",
    organizationId: m.organizationId,
    organizationName: m.organizationName,
    month: m.month,
    firstDay: m.firstDay,
    lastDay: m.lastDay,
    daysCovered: m.daysCovered,
    enrolledAverage: roundTo(m.daysCovered > 0 ? m.patientDays / m.daysCovered : 0, 1) ?? 0,
    enrolledAtEnd: m.enrolledAtEnd,
    memberMonths: roundTo(memberMonths, 2) ?? 0,
    edVisits: m.edVisits,
    edVisitsPer1000: per1000(m.edVisits, memberMonths),
    admissions: m.admissions,
    admissionsPer1000: per1000(m.admissions, memberMonths),
    indexDischarges: m.indexDischarges,
    readmissions: m.readmissions,
    readmissionRate: rateOf(m.readmissions, m.indexDischarges),
    pendingDischarges: m.pendingDischarges,
  };
}

/**
 * The whole period of one organization: counts and patient-days summed over its months, so the
 * period's rates are weighted by enrollment (never an average of monthly rates); enrolled at the
 * end is the last month's.
 */
export function periodLine(months: readonly MonthCounts[]): UtilizationRow | null {
  const first = months[0];
  const last = months[months.length - 1];
  if (first === undefined || last === undefined) return null;
  const sum = (key: keyof MonthCounts) => months.reduce((n, m) => n + Number(m[key]), 0);
  const memberMonths = months.reduce(
    (n, m) => n + (m.daysInMonth > 0 ? m.patientDays / m.daysInMonth : 0),
    0,
  );
  const daysCovered = sum("daysCovered");
  const indexDischarges = sum("indexDischarges");
  const readmissions = sum("readmissions");
  return {
    level: "period",
    organizationId: first.organizationId,
    organizationName: first.organizationName,
    month: null,
    firstDay: first.firstDay,
    lastDay: last.lastDay,
    daysCovered,
    enrolledAverage: roundTo(daysCovered > 0 ? sum("patientDays") / daysCovered : 0, 1) ?? 0,
    enrolledAtEnd: last.enrolledAtEnd,
    memberMonths: roundTo(memberMonths, 2) ?? 0,
    edVisits: sum("edVisits"),
    edVisitsPer1000: per1000(sum("edVisits"), memberMonths),
    admissions: sum("admissions"),
    admissionsPer1000: per1000(sum("admissions"), memberMonths),
    indexDischarges,
    readmissions,
    readmissionRate: rateOf(readmissions, indexDischarges),
    pendingDischarges: sum("pendingDischarges"),
  };
}

/** Each organization's months in order, then its period line. */
export function utilizationRows(counts: readonly MonthCounts[]): UtilizationRow[] {
  const byOrganization = new Map<string, MonthCounts[]>();
  for (const m of counts)
    byOrganization.set(m.organizationId, [...(byOrganization.get(m.organizationId) ?? []), m]);
  return [...byOrganization.values()].flatMap((months) => {
    const period = periodLine(months);
    return [...months.map(monthLine), ...(period === null ? [] : [period])];
  });
}
