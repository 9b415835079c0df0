import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { organizationScope } from "../auth/principal.ts";
import { type ContactTimesRow, summarizeContactTimes } from "./contact-times.ts";
import { ContactTimesQuery, ContactTimesReport } from "./contact-times-schemas.ts";
import { loadContactTimesTasks } from "./contact-times-store.ts";
import { snakeCaseColumns, toCsv } from "./csv.ts";
import { type ReportDeps, reportRouteOptions, sendCsv } from "./report-routing.ts";
import { ErrorBody, jsonOrCsv } from "./report-schemas.ts";

type CsvRow = ContactTimesRow & { level: "group" | "total" };

const COLUMNS = snakeCaseColumns<CsvRow>([
  "level",
  "groupKey",
  "group",
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
 * GET /contact-times: alert → first contact attempt and alert → contact (median and p90, hours) over
 * a follow-up measure's tasks, per group, with the same parameters and scoping as /follow-up. An
 * aggregate: no patient is named, so nothing is audited.
 */
export async function registerContactTimesRoutes(app: FastifyInstance, deps: ReportDeps): Promise<void> {
  const api = app.withTypeProvider<ZodTypeProvider>();
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
      const tasks = await loadContactTimesTasks(deps.pool, {
        measure: q.measure,
        from: q.from,
        to: q.to,
        scope: organizationScope(request.principal, q.organizationId),
        program: q.program,
        tier: q.tier,
      });
      const { rows, total } = summarizeContactTimes(tasks, q.groupBy);
      if (q.format === "csv") {
        const lines: CsvRow[] = [
          ...rows.map((r) => ({ ...r, level: "group" as const })),
          { ...total, groupKey: null, group: "Total", level: "total" },
        ];
        return sendCsv(
          reply,
          `contact-times_${q.measure}_${q.from}_${q.to}_by-${q.groupBy}`,
          toCsv(COLUMNS, lines),
        );
      }
      const { measure, from, to, groupBy } = q;
      return { measure, from, to, groupBy, rows, total };
    },
  );
}
