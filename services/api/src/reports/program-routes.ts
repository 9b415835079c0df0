import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { accessesByOrganization, recordPatientAccess } from "../audit.ts";
import { organizationScope } from "../auth/principal.ts";
import { alertTimelinessByFacility } from "./alert-timeliness-store.ts";
import { snakeCaseColumns, toCsv } from "./csv.ts";
import { loadActivity } from "./program-activity-store.ts";
import { loadFrequentEdPatients, windowFromOf } from "./program-frequent-ed-store.ts";
import { utilizationRows } from "./program-rates.ts";
import {
  ActivityReport,
  type ActivityRow,
  FacilityTimelinessQuery,
  FacilityTimelinessReport,
  type FacilityTimelinessRow,
  type FrequentEdPatient,
  FrequentEdQuery,
  FrequentEdReport,
  ProgramQuery,
  ProgramReport,
  type UtilizationRow,
} from "./program-schemas.ts";
import { loadMonthCounts, loadPrograms } from "./program-utilization-store.ts";
import { type ReportDeps, reportRouteOptions, sendCsv } from "./report-routing.ts";
import { ErrorBody, jsonOrCsv } from "./report-schemas.ts";

const UTILIZATION_COLUMNS = snakeCaseColumns<UtilizationRow>([
  "level",
  "organizationId",
  "organizationName",
  "month",
  "firstDay",
  "lastDay",
  "daysCovered",
  "enrolledAverage",
  "enrolledAtEnd",
  "memberMonths",
  "edVisits",
  "edVisitsPer1000",
  "admissions",
  "admissionsPer1000",
  "indexDischarges",
  "readmissions",
  "readmissionRate",
  "pendingDischarges",
]);

const FREQUENT_ED_COLUMNS = snakeCaseColumns<FrequentEdPatient>([
  "organizationId",
  "organizationName",
  "patientId",
  "patientName",
  "edVisits",
  "facilities",
  "lastEdVisitAt",
  "lastFacility",
  "lastFacilityTimeZone",
  "flaggedByMatcher",
  "program",
  "tier",
]);

const ACTIVITY_COLUMNS = snakeCaseColumns<ActivityRow>([
  "organizationId",
  "organizationName",
  "weekStart",
  "careManagerKey",
  "careManager",
  "attempts",
  "contacts",
  "completedTasks",
]);

const FACILITY_COLUMNS = snakeCaseColumns<FacilityTimelinessRow>([
  "organizationId",
  "organizationName",
  "facility",
  "facilityName",
  "events",
  "alerted",
  "medianMinutes",
  "p90Minutes",
  "withinTarget",
  "withinTargetRate",
]);

const fileName = (kind: string, q: { from: string; to: string; program?: string | undefined }) =>
  `${kind}_${q.from}_${q.to}${q.program === undefined ? "" : `_${q.program}`}`;

const responses = <T extends Parameters<typeof jsonOrCsv>[0]>(schema: T) => ({
  200: jsonOrCsv(schema),
  401: ErrorBody,
  403: ErrorBody,
});

/**
 * The program reports: GET /program (enrolled patients, ED visits and admissions per 1,000
 * member-months and the 30-day readmission rate, per month), /program/frequent-ed (patients with
 * many ED visits, by name: every patient listed is in the access log), /program/care-manager-activity
 * (attempts, contacts, completed tasks per care manager per week) and /program/alert-timeliness
 * (event → first alert delivered, by facility). Each JSON or `?format=csv`, for the report roles,
 * within the organizations the caller may read. Definitions: docs/program-reports.md.
 */
export async function registerProgramRoutes(app: FastifyInstance, deps: ReportDeps): Promise<void> {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const now = deps.now ?? (() => new Date());

  api.get(
    "/program",
    {
      ...reportRouteOptions,
      schema: {
        summary: "Enrolled patients, ED visits and admissions per 1,000, 30-day readmission rate, per month",
        tags: ["reports"],
        querystring: ProgramQuery,
        response: responses(ProgramReport),
      },
    },
    async (request, reply) => {
      const q = request.query;
      const scope = organizationScope(request.principal, q.organizationId);
      const counts = await loadMonthCounts(deps.pool, {
        scope,
        from: q.from,
        to: q.to,
        program: q.program,
        now: now(),
      });
      const rows = utilizationRows(counts);
      if (q.format === "csv") return sendCsv(reply, fileName("program", q), toCsv(UTILIZATION_COLUMNS, rows));
      const programs = await loadPrograms(deps.pool, scope);
      return { from: q.from, to: q.to, program: q.program ?? null, programs, rows };
    },
  );

  api.get(
    "/program/frequent-ed",
    {
      ...reportRouteOptions,
      schema: {
        summary: "Patients with many ED visits in the 12 months ending on `to` (audited: names patients)",
        tags: ["reports"],
        querystring: FrequentEdQuery,
        response: responses(FrequentEdReport),
      },
    },
    async (request, reply) => {
      const q = request.query;
      const patients = await loadFrequentEdPatients(deps.pool, {
        scope: organizationScope(request.principal, q.organizationId),
        windowTo: q.to,
        minEdVisits: q.minEdVisits,
        program: q.program,
      });
      // Each listed patient in the access log under the organization whose list named them, before
      // anything is sent: when the log cannot be written, nobody is disclosed.
      await recordPatientAccess(
        deps.pool,
        request,
        accessesByOrganization(patients, (p) => p, {
          action: "report.frequent-ed",
          detail: { minEdVisits: q.minEdVisits, windowTo: q.to, format: q.format },
        }),
      );
      if (q.format === "csv")
        return sendCsv(
          reply,
          `${fileName("frequent-ed", { ...q, from: windowFromOf(q.to) })}_min${q.minEdVisits}`,
          toCsv(FREQUENT_ED_COLUMNS, patients),
        );
      return {
        minEdVisits: q.minEdVisits,
        windowFrom: windowFromOf(q.to),
        windowTo: q.to,
        program: q.program ?? null,
        count: patients.length,
        patients,
      };
    },
  );

  api.get(
    "/program/care-manager-activity",
    {
      ...reportRouteOptions,
      schema: {
        summary: "Attempts, contacts and completed tasks per care manager per week",
        tags: ["reports"],
        querystring: ProgramQuery,
        response: responses(ActivityReport),
      },
    },
    async (request, reply) => {
      const q = request.query;
      const rows = await loadActivity(deps.pool, {
        scope: organizationScope(request.principal, q.organizationId),
        from: q.from,
        to: q.to,
        program: q.program,
      });
      if (q.format === "csv")
        return sendCsv(reply, fileName("care-manager-activity", q), toCsv(ACTIVITY_COLUMNS, rows));
      return { from: q.from, to: q.to, program: q.program ?? null, rows };
    },
  );

  api.get(
    "/program/alert-timeliness",
    {
      ...reportRouteOptions,
      schema: {
        summary: "Event to first alert delivered, by facility: events, median and p90 minutes, within target",
        tags: ["reports"],
        querystring: FacilityTimelinessQuery,
        response: responses(FacilityTimelinessReport),
      },
    },
    async (request, reply) => {
      const q = request.query;
      const rows = await alertTimelinessByFacility(deps.pool, {
        scope: organizationScope(request.principal, q.organizationId),
        from: q.from,
        to: q.to,
        program: q.program,
        withinMinutes: q.withinMinutes,
      });
      if (q.format === "csv")
        return sendCsv(reply, fileName("alert-timeliness-by-facility", q), toCsv(FACILITY_COLUMNS, rows));
      return { from: q.from, to: q.to, program: q.program ?? null, withinMinutes: q.withinMinutes, rows };
    },
  );
}
