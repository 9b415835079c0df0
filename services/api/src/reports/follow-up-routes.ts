import type { Pool } from "@homeward/db";
import { DEFAULT_PROTOCOLS, type ProtocolsFile } from "@homeward/protocols";
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { organizationScope } from "../auth/principal.ts";
import { snakeCaseColumns, toCsv } from "./csv.ts";
import { DEFAULT_POPULATION, followUpDefaults } from "./follow-up-defaults.ts";
import {
  type CountedTask,
  type EvaluatedTask,
  evaluateTasks,
  type FollowUpRow,
  linesByVerdict,
  missReason,
  summarizeFollowUp,
} from "./follow-up-measure.ts";
import { loadCalendars, loadFollowUpTasks } from "./follow-up-store.ts";
import { type ReportDeps, reportRouteOptions, sendCsv } from "./report-routing.ts";
import {
  ErrorBody,
  FollowUpDefaults,
  type FollowUpMiss,
  FollowUpMissesReport,
  FollowUpQuery,
  FollowUpReport,
  jsonOrCsv,
} from "./report-schemas.ts";

/** Whose tasks the request counts: as asked, else the measure's default (high-risk for the ED call). */
const populationOf = (q: FollowUpQuery) => q.population ?? DEFAULT_POPULATION[q.measure];

/**
 * The measure's tasks in the caller's scope, in the requested population (high-risk patients by the
 * protocols' one definition, or all), each judged against the requested window.
 */
async function measuredTasks(
  pool: Pool,
  protocols: ProtocolsFile,
  query: FollowUpQuery,
  scope: readonly string[] | undefined,
  withPatient: boolean,
): Promise<EvaluatedTask[]> {
  const highRiskOnly = populationOf(query) === "high-risk";
  const filter = {
    measure: query.measure,
    from: query.from,
    to: query.to,
    scope,
    program: query.program,
    tier: query.tier,
    highRisk: protocols,
  };
  const loaded = await loadFollowUpTasks(pool, filter, { withPatient });
  const tasks = highRiskOnly ? loaded.filter((t) => t.highRisk === true) : loaded;
  if (tasks.length === 0) return [];
  const calendars = await loadCalendars(pool, [...new Set(tasks.map((t) => t.organizationId))]);
  return evaluateTasks(tasks, { x: query.x, unit: query.unit }, calendars);
}

type CsvSummaryRow = FollowUpRow & { level: "group" | "total"; counting: string; population: string };

const SUMMARY_COLUMNS = snakeCaseColumns<CsvSummaryRow>([
  "level",
  "groupKey",
  "group",
  "counting",
  "population",
  "denominator",
  "numerator",
  "rate",
  "contacted",
  "medianHoursToContact",
  "p90HoursToContact",
  "pending",
  "excluded",
]);

const MISS_COLUMNS = snakeCaseColumns<FollowUpMiss>([
  "section",
  "taskId",
  "organizationId",
  "organizationName",
  "timeZone",
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
  "contactedAt",
  "hoursToContact",
  "reason",
  "excludedReason",
  "exclusionDetail",
  "visits",
]);

const fileName = (kind: string, q: FollowUpQuery) =>
  `${kind}_${q.measure}_x${q.x}-${q.unit}_${q.from}_${q.to}_per-${q.count}_${populationOf(q)}`;

function toLine(line: CountedTask, section: FollowUpMiss["section"]): FollowUpMiss {
  const reason: FollowUpMiss["reason"] =
    section === "excluded" ? "excluded" : section === "pending" ? "open-in-window" : missReason(line);
  return {
    section,
    taskId: line.taskId,
    organizationId: line.organizationId,
    organizationName: line.organizationName,
    timeZone: line.timeZone,
    careManagerId: line.careManagerId,
    careManagerName: line.careManagerName,
    program: line.program,
    tier: line.tier,
    protocolId: line.protocolId,
    stepId: line.stepId,
    patientId: line.patientId,
    patientName: line.patientName,
    facility: line.facility,
    visitNumber: line.visitNumber,
    triggeredAt: line.triggeredAt.toISOString(),
    windowEndsAt: line.windowEndsAt.toISOString(),
    dueAt: line.dueAt.toISOString(),
    status: line.status,
    outcome: line.outcome,
    completedAt: line.completedAt?.toISOString() ?? null,
    contactedAt: line.contactedAt?.toISOString() ?? null,
    hoursToContact: line.hoursToContact,
    reason,
    excludedReason: line.excludedReason,
    exclusionDetail: line.excludedReason === null ? null : line.cancelReason,
    visits: line.visits,
  };
}

/**
 * GET /follow-up (a measure's numbers per group), GET /follow-up/misses (the lines behind them: the
 * misses to work, the pending and the excluded apart, with the patient and facility so staff can act),
 * GET /follow-up/defaults (each measure's window from the protocols in force, the high-risk definition).
 */
export async function registerFollowUpRoutes(app: FastifyInstance, deps: ReportDeps): Promise<void> {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const now = deps.now ?? (() => new Date());
  const protocols = deps.protocols ?? DEFAULT_PROTOCOLS;

  api.get(
    "/follow-up/defaults",
    {
      ...reportRouteOptions,
      schema: {
        summary: "Each follow-up measure's default window (from the protocols in force) and who is high-risk",
        tags: ["reports"],
        response: { 200: FollowUpDefaults, 401: ErrorBody, 403: ErrorBody },
      },
    },
    async () => followUpDefaults(protocols),
  );

  api.get(
    "/follow-up",
    {
      ...reportRouteOptions,
      schema: {
        summary:
          "Follow-up within x days: denominator, numerator, rate, pending and excluded, time to contact, per group; per visit or per patient",
        tags: ["reports"],
        querystring: FollowUpQuery,
        response: { 200: jsonOrCsv(FollowUpReport), 401: ErrorBody, 403: ErrorBody },
      },
    },
    async (request, reply) => {
      const q = request.query;
      const scope = organizationScope(request.principal, q.organizationId);
      const tasks = await measuredTasks(deps.pool, protocols, q, scope, false);
      const { rows, total } = summarizeFollowUp(tasks, q.groupBy, now(), q.count);
      const population = populationOf(q);
      if (q.format === "csv") {
        const shared = { counting: q.count, population };
        const lines: CsvSummaryRow[] = [
          ...rows.map((r) => ({ ...r, ...shared, level: "group" as const })),
          { ...total, ...shared, groupKey: null, group: "Total", level: "total" },
        ];
        return sendCsv(reply, `${fileName("follow-up", q)}_by-${q.groupBy}`, toCsv(SUMMARY_COLUMNS, lines));
      }
      const { measure, x, unit, from, to, groupBy } = q;
      return { measure, x, unit, from, to, counting: q.count, population, groupBy, rows, total };
    },
  );

  api.get(
    "/follow-up/misses",
    {
      ...reportRouteOptions,
      schema: {
        summary:
          "The lines behind a follow-up measure: misses, pending (window running) and excluded (with why); audited: names patients",
        tags: ["reports"],
        querystring: FollowUpQuery,
        response: { 200: jsonOrCsv(FollowUpMissesReport), 401: ErrorBody, 403: ErrorBody },
      },
    },
    async (request, reply) => {
      const q = request.query;
      const scope = organizationScope(request.principal, q.organizationId);
      const lists = linesByVerdict(await measuredTasks(deps.pool, protocols, q, scope, true), q.count, now());
      const misses = lists.misses.map((l) => toLine(l, "miss"));
      const pending = lists.pending.map((l) => toLine(l, "pending"));
      const excluded = lists.excluded.map((l) => toLine(l, "excluded"));
      const all = [...misses, ...pending, ...excluded];
      const patientIds = [...new Set(all.map((m) => m.patientId))];
      if (patientIds.length > 0) await deps.audit?.(request, patientIds);
      if (q.format === "csv")
        return sendCsv(reply, fileName("follow-up-misses", q), toCsv(MISS_COLUMNS, all));
      const { measure, x, unit, from, to } = q;
      return {
        measure,
        x,
        unit,
        from,
        to,
        counting: q.count,
        population: populationOf(q),
        count: misses.length,
        misses,
        pendingCount: pending.length,
        pending,
        excludedCount: excluded.length,
        excluded,
      };
    },
  );
}
