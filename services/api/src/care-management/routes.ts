import { findRecipient } from "@homeward/directory";
import type { FastifyRequest } from "fastify";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { ApiDeps } from "../api-deps.ts";
import { recordPatientAccess } from "../audit.ts";
import { CARE_ROLES } from "../auth/access-control.ts";
import { canReadOrganization } from "../auth/principal.ts";
import { badRequest, conflict, ERROR_RESPONSES, notFound } from "../errors.ts";
import { toCsv } from "../reports/csv.ts";
import { sendCsv } from "../reports/report-routing.ts";
import { jsonOrCsv } from "../reports/report-schemas.ts";
import { DbId, IdParams } from "../schemas.ts";
import { AGENDA_COLUMNS, pickAgenda, RECENT_EVENT_DAYS, zonedDate } from "./agenda.ts";
import {
  Agenda,
  AgendaQuery,
  Enrollment,
  EnrollmentPatch,
  HighRiskList,
  HighRiskListQuery,
  PartnerPractices,
  PartnerPracticesQuery,
} from "./enrollment-schemas.ts";
import { enrollmentOwners, updateEnrollment } from "./enrollment-store.ts";
import { highRiskList } from "./high-risk-list.ts";
import { loadOrganization, type Org, plansListing, practicesListedBy } from "./list-organization-store.ts";
import { openTasksOf, recentEvents } from "./utilization-store.ts";

const PLAN_KINDS = new Set(["health_plan", "aco"]);
const DAY_MS = 86_400_000;

/** Which combined list a request names, and what of it the caller may read. */
interface ListScope {
  practice: Org;
  plan: Org | undefined;
  plans: (Org & { patients: number })[];
  view: "full" | "plan";
  /** The list's organizations the caller reads: the audit rows' organization is the first. */
  readable: string[];
}

/**
 * The practice and plan a list request names. A caller who reads neither gets 404 (as if the
 * practice did not exist); one who reads only the plan gets the plan's view.
 */
async function resolveList(
  deps: ApiDeps,
  request: FastifyRequest,
  q: { organizationId: string; planOrganizationId?: string | undefined },
): Promise<ListScope> {
  const { principal } = request;
  const practice = await loadOrganization(deps.pool, q.organizationId);
  if (practice === undefined || practice.kind !== "practice") throw notFound("no such practice");
  const readsPractice = canReadOrganization(principal, practice.id);
  const plans = await plansListing(deps.pool, practice.id);
  let plan =
    plans.find((p) => p.id === q.planOrganizationId) ?? (q.planOrganizationId ? undefined : plans[0]);
  if (q.planOrganizationId !== undefined && plan === undefined) {
    const named = await loadOrganization(deps.pool, q.planOrganizationId);
    if (named === undefined || !PLAN_KINDS.has(named.kind))
      throw badRequest("not_a_plan", "planOrganizationId must name a health plan or ACO");
    plan = { ...named, patients: 0 };
  }
  const readsPlan = plan !== undefined && canReadOrganization(principal, plan.id);
  if (!readsPractice && !readsPlan) throw notFound("no such practice");
  return {
    practice,
    plan,
    plans: readsPractice ? plans : plans.filter((p) => canReadOrganization(principal, p.id)),
    view: readsPractice ? "full" : "plan",
    readable: [practice, plan].flatMap((o) =>
      o !== undefined && canReadOrganization(principal, o.id) ? [o.id] : [],
    ),
  };
}

/** Either side of an enrollment (the listing organization or the patient's practice) may change it. */
const mayChange = (request: FastifyRequest, e: { listedBy: string; practice: string | null }) =>
  canReadOrganization(request.principal, e.listedBy) ||
  (e.practice !== null && canReadOrganization(request.principal, e.practice));

/** CSV when asked by `format=csv`, or by an Accept header naming text/csv without a format. */
const wantsCsv = (request: FastifyRequest, format: "json" | "csv" | undefined) =>
  format === "csv" || (format === undefined && /\btext\/csv\b/i.test(request.headers.accept ?? ""));

/**
 * The care-management teams' shared work: the combined plan + practice high-risk list, the agenda
 * of the plan–practice call, and the lead organization, status, tier, goal and care manager of each
 * enrollment on the list. Every read and change is in the access log.
 */
export const careManagementRoutes: FastifyPluginAsyncZod<{ deps: ApiDeps }> = async (app, { deps }) => {
  const tags = ["care-management"];

  const listFor = async (request: FastifyRequest, q: z.infer<typeof HighRiskListQuery>) => {
    const scope = await resolveList(deps, request, q);
    const list = await highRiskList(deps.pool, {
      ...scope,
      perSide: q.perSide,
      mayEdit: (e) => mayChange(request, { listedBy: e.listedBy.id, practice: e.practiceOrganizationId }),
      now: deps.now(),
      highRisk: deps.protocols,
    });
    return { scope, list };
  };

  app.get(
    "/high-risk-list",
    {
      config: { roles: CARE_ROLES },
      schema: {
        summary:
          "The combined plan + practice high-risk list of a practice (top 30 of each side, tracking list apart)",
        tags,
        querystring: HighRiskListQuery,
        response: { 200: HighRiskList, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const { scope, list } = await listFor(request, request.query);
      await recordPatientAccess(deps.pool, request, [
        {
          action: "care-management.list",
          organizationId: scope.readable[0] ?? scope.practice.id,
          patientIds: [...list.entries, ...list.trackingList].map((e) => e.patient.id),
          detail: { practiceId: scope.practice.id, planId: scope.plan?.id ?? null },
        },
      ]);
      return list;
    },
  );

  app.get(
    "/high-risk-list/agenda",
    {
      config: { roles: CARE_ROLES },
      schema: {
        summary:
          "The patients for the next plan–practice call, with recent events and open tasks (JSON or CSV)",
        tags,
        querystring: AgendaQuery,
        response: { 200: jsonOrCsv(Agenda), ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const q = request.query;
      const { scope, list } = await listFor(request, { ...q, perSide: 30 });
      const now = deps.now();
      const since = new Date(now.getTime() - RECENT_EVENT_DAYS * DAY_MS);
      const patientIds = list.entries.map((e) => e.patient.id);
      const events = await recentEvents(deps.pool, patientIds, scope.readable, since);
      const tasks = await openTasksOf(deps.pool, patientIds, scope.readable);
      const items = pickAgenda(list.entries, events, tasks, q.limit);
      const csv = wantsCsv(request, q.format);
      await recordPatientAccess(deps.pool, request, [
        {
          action: "care-management.agenda",
          organizationId: scope.readable[0] ?? scope.practice.id,
          patientIds: items.map((i) => i.entry.patient.id),
          detail: {
            practiceId: scope.practice.id,
            planId: scope.plan?.id ?? null,
            format: csv ? "csv" : "json",
          },
        },
      ]);
      const date = zonedDate(now.toISOString(), scope.practice.timeZone) ?? "";
      if (csv) {
        const name = `agenda_${scope.practice.code}_${scope.plan?.code ?? "no-plan"}_${date}`;
        return sendCsv(reply, name, toCsv(AGENDA_COLUMNS, items));
      }
      return {
        practice: list.practice,
        plan: list.plan,
        view: list.view,
        date,
        eventsSince: since.toISOString(),
        items,
      };
    },
  );

  app.get(
    "/high-risk-list/practices",
    {
      config: { roles: CARE_ROLES },
      schema: {
        summary: "The practices whose patients a plan's list names: the combined lists a plan can open",
        tags,
        querystring: PartnerPracticesQuery,
        response: { 200: PartnerPractices, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const plan = await loadOrganization(deps.pool, request.query.planOrganizationId);
      if (
        plan === undefined ||
        !PLAN_KINDS.has(plan.kind) ||
        !canReadOrganization(request.principal, plan.id)
      )
        throw notFound("no such plan");
      return { items: await practicesListedBy(deps.pool, plan.id) };
    },
  );

  app.patch(
    "/enrollments/:id",
    {
      config: { roles: CARE_ROLES },
      schema: {
        summary:
          "Set the lead organization, status, tier, goal or care manager of an enrollment (answers the row now in force)",
        tags,
        params: IdParams,
        body: EnrollmentPatch,
        response: {
          200: z.object({
            enrollment: Enrollment,
            /** The id of the row this change ended, when the change opened a new row. */
            replacedEnrollmentId: DbId.nullable(),
          }),
          ...ERROR_RESPONSES,
        },
      },
    },
    async (request) => {
      const owners = await enrollmentOwners(deps.pool, request.params.id);
      if (owners === undefined || !mayChange(request, owners)) throw notFound("no such enrollment");
      if (!owners.open) throw conflict("the enrollment has ended or been changed since; reload the list");
      const careManager = request.body.careManagerRecipientId;
      if (careManager !== undefined && careManager !== null) {
        const recipient = await findRecipient(deps.pool, careManager);
        const ownOrganization =
          recipient !== undefined &&
          (recipient.organizationId === owners.listedBy || recipient.organizationId === owners.practice);
        if (
          recipient === undefined ||
          !ownOrganization ||
          recipient.role !== "care_manager" ||
          !recipient.active
        )
          throw badRequest(
            "invalid_care_manager",
            "the care manager must be an active care manager of the patient's practice or of the listing organization",
          );
      }
      const organizationId =
        owners.practice !== null && canReadOrganization(request.principal, owners.practice)
          ? owners.practice
          : owners.listedBy;
      const fields = Object.entries(request.body)
        .filter(([, value]) => value !== undefined)
        .map(([key]) => key);
      const updated = await updateEnrollment(deps.pool, request.params.id, request.body, deps.now(), (db) =>
        recordPatientAccess(db, request, [
          {
            action: "care-management.update",
            organizationId,
            patientIds: [owners.patientId],
            detail: { enrollmentId: request.params.id, fields },
          },
        ]),
      );
      if (updated === undefined)
        throw conflict("the enrollment has ended or been changed since; reload the list");
      return { enrollment: updated.enrollment, replacedEnrollmentId: updated.replaced };
    },
  );
};
