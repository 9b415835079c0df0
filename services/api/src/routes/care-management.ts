import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { ApiDeps } from "../api-deps.ts";
import { recordPatientAccess } from "../audit.ts";
import { CARE_ROLES } from "../auth/access-control.ts";
import { canReadOrganization } from "../auth/principal.ts";
import {
  Enrollment,
  EnrollmentPatch,
  HighRiskList,
  HighRiskListQuery,
} from "../care-management/enrollment-schemas.ts";
import { enrollmentOwners, updateEnrollment } from "../care-management/enrollment-store.ts";
import { highRiskList, loadOrganization, plansListing } from "../care-management/high-risk-list.ts";
import { badRequest, conflict, ERROR_RESPONSES, notFound } from "../errors.ts";
import { DbId, IdParams } from "../schemas.ts";

const PLAN_KINDS = new Set(["health_plan", "aco"]);

/**
 * The care-management teams' shared work: the combined plan + practice high-risk list, and the
 * lead organization, status and patient-centered goal of each enrollment on it. Either side of an
 * enrollment (the listing organization or the patient's practice) may change it.
 */
export const careManagementRoutes: FastifyPluginAsyncZod<{ deps: ApiDeps }> = async (app, { deps }) => {
  const tags = ["care-management"];
  app.get(
    "/high-risk-list",
    {
      config: { roles: CARE_ROLES },
      schema: {
        summary: "The combined plan + practice high-risk list of a practice",
        tags,
        querystring: HighRiskListQuery,
        response: { 200: HighRiskList, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const { principal } = request;
      const q = request.query;
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
      const list = await highRiskList(deps.pool, {
        practice,
        plan,
        plans: readsPractice ? plans : plans.filter((p) => canReadOrganization(principal, p.id)),
        view: readsPractice ? "full" : "plan",
      });
      await recordPatientAccess(deps.pool, request, [
        {
          action: "care-management.list",
          organizationId: readsPractice ? practice.id : (plan?.id ?? practice.id),
          patientIds: list.entries.map((e) => e.patient.id),
          detail: { practiceId: practice.id, planId: plan?.id ?? null },
        },
      ]);
      return list;
    },
  );

  app.patch(
    "/enrollments/:id",
    {
      config: { roles: CARE_ROLES },
      schema: {
        summary: "Set the lead organization, status or goal of an enrollment (answers the row now in force)",
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
      const mayChange =
        owners !== undefined &&
        (canReadOrganization(request.principal, owners.listedBy) ||
          (owners.practice !== null && canReadOrganization(request.principal, owners.practice)));
      if (owners === undefined || !mayChange) throw notFound("no such enrollment");
      if (!owners.open) throw conflict("the enrollment has ended or been changed since; reload the list");
      const organizationId =
        owners.practice !== null && canReadOrganization(request.principal, owners.practice)
          ? owners.practice
          : owners.listedBy;
      const updated = await updateEnrollment(deps.pool, request.params.id, request.body, deps.now(), (db) =>
        recordPatientAccess(db, request, [
          {
            action: "care-management.update",
            organizationId,
            patientIds: [owners.patientId],
            detail: { enrollmentId: request.params.id, fields: Object.keys(request.body) },
          },
        ]),
      );
      if (updated === undefined)
        throw conflict("the enrollment has ended or been changed since; reload the list");
      return { enrollment: updated.enrollment, replacedEnrollmentId: updated.replaced };
    },
  );
};
