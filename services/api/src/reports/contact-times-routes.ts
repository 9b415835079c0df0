import type { Pool } from "@homeward/db";
import { DEFAULT_PROTOCOLS, type ProtocolsFile } from "@homeward/protocols";
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { organizationScope } from "../auth/principal.ts";
import { type ContactTimesRow, type ContactTimesTaskRow, summarizeContactTimes } from "./contact-times.ts";
import { ContactTimesQuery, ContactTimesReport } from "./contact-times-schemas.ts";
import { loadContactTimings } from "./contact-times-store.ts";
import { snakeCaseColumns, toCsv } from "./csv.ts";
import { DEFAULT_POPULATION } from "./follow-up-defaults.ts";
import { loadFollowUpTasks } from "./follow-up-store.ts";
import { type ReportDeps, reportRouteOptions, sendCsv } from "./report-routing.ts";
import { ErrorBody, jsonOrCsv } from "./report-schemas.ts";

type CsvRow = ContactTimesRow & { level: "group" | "total"; population: string };

const COLUMNS = snakeCaseColumns<CsvRow>([
  "level",
  "groupKey",
  "group",
  "population",
  "tasks",
  "timedFromTaskOpening",
  "attempted",
  "medianHoursToFirstAttempt",
  "p90HoursToFirstAttempt",
  "contacted",
  "medianHoursToContact",
  "p90HoursToContact",
]);

/**
 * The follow-up measure's tasks, chosen as the follow-up report chooses them (loadFollowUpTasks: the
 * period, scope, program, tier and population), without those taken out of the measure (excluded:
 * cancelled events, admissions, transfers, deaths), with what they are timed between.
 */
async function timedTasks(
  pool: Pool,
  protocols: ProtocolsFile,
  q: ContactTimesQuery,
  population: "high-risk" | "all",
  scope: readonly string[] | undefined,
): Promise<ContactTimesTaskRow[]> {
  const loaded = await loadFollowUpTasks(
    pool,
    {
      measure: q.measure,
      from: q.from,
      to: q.to,
      scope,
      program: q.program,
      tier: q.tier,
      highRisk: protocols,
    },
    { withPatient: false },
  );
  const tasks = loaded.filter(
    (t) => t.excludedReason === null && (population === "all" || t.highRisk === true),
  );
  if (tasks.length === 0) return [];
  const timings = await loadContactTimings(
    pool,
    tasks.map((t) => t.taskId),
  );
  return tasks.flatMap((t) => {
    const timing = timings.get(t.taskId);
    return timing === undefined ? [] : [{ ...t, ...timing }];
  });
}

/**
 * GET /contact-times: alert → first contact attempt and alert → contact (median and p90, hours) over
 * a follow-up measure's tasks, per group, with the same parameters, population and scoping as
 * /follow-up (per task: no window, no per-patient counting). An aggregate: no patient is named, so
 * nothing is audited.
 */
export async function registerContactTimesRoutes(app: FastifyInstance, deps: ReportDeps): Promise<void> {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const protocols = deps.protocols ?? DEFAULT_PROTOCOLS;
  api.get(
    "/contact-times",
    {
      ...reportRouteOptions,
      schema: {
        summary: "Alert to first contact attempt and alert to contact: median and p90 hours, per group",
        tags: ["reports"],
        querystring: ContactTimesQuery,
        response: { 200: jsonOrCsv(ContactTimesReport), 401: ErrorBody, 403: ErrorBody },
      },
    },
    async (request, reply) => {
      const q = request.query;
      const population = q.population ?? DEFAULT_POPULATION[q.measure];
      const scope = organizationScope(request.principal, q.organizationId);
      const tasks = await timedTasks(deps.pool, protocols, q, population, scope);
      const { rows, total } = summarizeContactTimes(tasks, q.groupBy);
      if (q.format === "csv") {
        const lines: CsvRow[] = [
          ...rows.map((r) => ({ ...r, level: "group" as const, population })),
          { ...total, groupKey: null, group: "Total", level: "total", population },
        ];
        return sendCsv(
          reply,
          `contact-times_${q.measure}_${population}_${q.from}_${q.to}_by-${q.groupBy}`,
          toCsv(COLUMNS, lines),
        );
      }
      const { measure, from, to, groupBy } = q;
      return { measure, population, from, to, groupBy, rows, total };
    },
  );
}
