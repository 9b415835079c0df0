import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { organizationScope } from "../auth/principal.ts";
import { type AlertTimelinessRow, alertTimeliness } from "./alert-timeliness-store.ts";
import { type CareManagementRow, careManagementReport } from "./care-management-report-store.ts";
import { snakeCaseColumns, toCsv } from "./csv.ts";
import { type ReportDeps, reportRouteOptions, sendCsv } from "./report-routing.ts";
import {
  AlertTimelinessQuery,
  AlertTimelinessReport,
  CareManagementQuery,
  CareManagementReport,
  ErrorBody,
  jsonOrCsv,
} from "./report-schemas.ts";

const ALERT_COLUMNS = snakeCaseColumns<AlertTimelinessRow>([
  "groupKey",
  "group",
  "alerts",
  "medianSeconds",
  "p90Seconds",
  "withinTarget",
  "withinTargetRate",
]);

const CARE_MANAGEMENT_COLUMNS = snakeCaseColumns<CareManagementRow>([
  "groupKey",
  "group",
  "asOf",
  "month",
  "highRiskPatients",
  "highRiskActive",
  "activeRate",
  "activePatients",
  "activeWithGoal",
  "goalMet",
  "goalMetRate",
]);

/**
 * GET /alert-timeliness (event time → alert delivered, by practice or month) and GET /care-management
 * (% of high-risk patients in active care management, % of active patients meeting their goal).
 * Both are aggregates: no patient is named, so nothing is audited.
 */
export async function registerSummaryRoutes(app: FastifyInstance, deps: ReportDeps): Promise<void> {
  const api = app.withTypeProvider<ZodTypeProvider>();

  api.get(
    "/alert-timeliness",
    {
      ...reportRouteOptions,
      schema: {
        summary: "Event time to alert delivered: count, median, p90, share within the target",
        tags: ["reports"],
        querystring: AlertTimelinessQuery,
        response: { 200: jsonOrCsv(AlertTimelinessReport), 401: ErrorBody, 403: ErrorBody },
      },
    },
    async (request, reply) => {
      const q = request.query;
      const rows = await alertTimeliness(deps.pool, {
        from: q.from,
        to: q.to,
        scope: organizationScope(request.principal, q.organizationId),
        groupBy: q.groupBy,
        withinMinutes: q.withinMinutes,
        channel: q.channel,
      });
      if (q.format === "csv") {
        return sendCsv(
          reply,
          `alert-timeliness_${q.from}_${q.to}_by-${q.groupBy}`,
          toCsv(ALERT_COLUMNS, rows),
        );
      }
      return { from: q.from, to: q.to, groupBy: q.groupBy, withinMinutes: q.withinMinutes, rows };
    },
  );

  api.get(
    "/care-management",
    {
      ...reportRouteOptions,
      schema: {
        summary: "High-risk patients in active care management and patients meeting their goal, by practice",
        tags: ["reports"],
        querystring: CareManagementQuery,
        response: { 200: jsonOrCsv(CareManagementReport), 401: ErrorBody, 403: ErrorBody },
      },
    },
    async (request, reply) => {
      const q = request.query;
      const rows = await careManagementReport(deps.pool, {
        scope: organizationScope(request.principal, q.organizationId),
        asOf: q.asOf,
        riskScoreThreshold: q.riskScoreThreshold,
        program: q.program,
        highRisk: deps.protocols,
      });
      if (q.format === "csv") {
        return sendCsv(reply, `care-management_${q.asOf ?? "today"}`, toCsv(CARE_MANAGEMENT_COLUMNS, rows));
      }
      return { asOf: q.asOf ?? null, riskScoreThreshold: q.riskScoreThreshold ?? null, rows };
    },
  );
}
