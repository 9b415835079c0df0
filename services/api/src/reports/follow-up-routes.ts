import type { Pool } from "@homeward/db";
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { organizationScope } from "../auth/principal.ts";
import { snakeCaseColumns, toCsv } from "./csv.ts";
import {
  type EvaluatedTask,
  evaluateTasks,
  type FollowUpRow,
  missesOf,
  missReason,
  summarizeFollowUp,
} from "./follow-up-measure.ts";
import { loadCalendars, loadFollowUpTasks } from "./follow-up-query.ts";
import { type ReportDeps, reportRouteOptions, sendCsv } from "./report-routing.ts";
import {
  ErrorBody,
  type FollowUpMiss,
  FollowUpMissesReport,
  FollowUpQuery,
  FollowUpReport,
  jsonOrCsv,
} from "./report-schemas.ts";

/** The measure's tasks in the caller's scope, each judged against the requested window. */
async function measuredTasks(
  pool: Pool,
  query: FollowUpQuery,
  scope: readonly string[] | undefined,
  withPatient: boolean,
): Promise<EvaluatedTask[]> {
  const filter = {
    measure: query.measure,
    from: query.from,
    to: query.to,
    scope,
    program: query.program,
    tier: query.tier,
  };
  const tasks = await loadFollowUpTasks(pool, filter, { withPatient });
  if (tasks.length === 0) return [];
  const calendars = await loadCalendars(pool, [...new Set(tasks.map((t) => t.organizationId))]);
  return evaluateTasks(tasks, { x: query.x, unit: query.unit }, calendars);
}

type CsvSummaryRow = FollowUpRow & { level: "group" | "total" };

const SUMMARY_COLUMNS = snakeCaseColumns<CsvSummaryRow>([
  "level",
  "groupKey",
  "group",
  "denominator",
  "numerator",
  "rate",
  "contacted",
  "medianHoursToContact",
  "p90HoursToContact",
  "openInWindow",
]);

const MISS_COLUMNS = snakeCaseColumns<FollowUpMiss>([
  "taskId",
  "organizationId",
  "organizationName",
  "careManagerId",
  "careManagerName",
  "program",
  "tier",
  "protocolId",
  "stepId",
  "patientId",
  "patientName",
  "facility",
  "visitNumber",
  "triggeredAt",
  "windowEndsAt",
  "dueAt",
  "status",
  "outcome",
  "completedAt",
  "hoursToContact",
  "reason",
]);

const fileName = (kind: string, q: FollowUpQuery) =>
  `${kind}_${q.measure}_x${q.x}-${q.unit}_${q.from}_${q.to}`;

function toMiss(task: EvaluatedTask, now: Date): FollowUpMiss {
  const { windowEndsAt, triggeredAt, dueAt, completedAt, met: _met, triggerMonth: _month, ...rest } = task;
  return {
    ...rest,
    triggeredAt: triggeredAt.toISOString(),
    windowEndsAt: windowEndsAt.toISOString(),
    dueAt: dueAt.toISOString(),
    completedAt: completedAt?.toISOString() ?? null,
    reason: missReason(task, now),
  };
}

/**
 * GET /follow-up (a measure's numbers per group) and GET /follow-up/misses (the tasks behind the
 * denominator that are not in the numerator, with the patient and facility so staff can act).
 */
export async function registerFollowUpRoutes(app: FastifyInstance, deps: ReportDeps): Promise<void> {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const now = deps.now ?? (() => new Date());

  api.get(
    "/follow-up",
    {
      ...reportRouteOptions,
      schema: {
        summary: "Follow-up within x days: denominator, numerator, rate, time to contact, per group",
        tags: ["reports"],
        querystring: FollowUpQuery,
        response: { 200: jsonOrCsv(FollowUpReport), 401: ErrorBody, 403: ErrorBody },
      },
    },
    async (request, reply) => {
      const q = request.query;
      const tasks = await measuredTasks(
        deps.pool,
        q,
        organizationScope(request.principal, q.organizationId),
        false,
      );
      const { rows, total } = summarizeFollowUp(tasks, q.groupBy, now());
      if (q.format === "csv") {
        const lines: CsvSummaryRow[] = [
          ...rows.map((r) => ({ ...r, level: "group" as const })),
          { ...total, groupKey: null, group: "Total", level: "total" },
        ];
        return sendCsv(reply, `${fileName("follow-up", q)}_by-${q.groupBy}`, toCsv(SUMMARY_COLUMNS, lines));
      }
      const { measure, x, unit, from, to, groupBy } = q;
      return { measure, x, unit, from, to, groupBy, rows, total };
    },
  );

  api.get(
    "/follow-up/misses",
    {
      ...reportRouteOptions,
      schema: {
        summary: "The tasks of a follow-up measure that missed the window (audited: names patients)",
        tags: ["reports"],
        querystring: FollowUpQuery,
        response: { 200: jsonOrCsv(FollowUpMissesReport), 401: ErrorBody, 403: ErrorBody },
      },
    },
    async (request, reply) => {
      const q = request.query;
      const scope = organizationScope(request.principal, q.organizationId);
      const at = now();
      const misses = missesOf(await measuredTasks(deps.pool, q, scope, true)).map((t) => toMiss(t, at));
      const patientIds = [...new Set(misses.map((m) => m.patientId))];
      if (patientIds.length > 0) await deps.audit?.(request, patientIds);
      if (q.format === "csv")
        return sendCsv(reply, fileName("follow-up-misses", q), toCsv(MISS_COLUMNS, misses));
      const { measure, x, unit, from, to } = q;
      return { measure, x, unit, from, to, count: misses.length, misses };
    },
  );
}
