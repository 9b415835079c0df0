import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { ApiDeps } from "../api-deps.ts";
import { recordPatientAccess } from "../audit.ts";
import { CARE_ROLES } from "../auth/access-control.ts";
import { organizationScope } from "../auth/principal.ts";
import { ERROR_RESPONSES, notFound } from "../errors.ts";
import { loadPatientDetail } from "./patient-detail.ts";
import { PatientDetail, PatientParams } from "./patient-schemas.ts";
import { entitledOrganizations, loadPatientRow } from "./patient-store.ts";

/**
 * The patient page: identifiers and demographics with their sources, attributions and enrollments
 * over time, the encounters Homeward routed to the viewer's organizations, the alerts sent and the
 * tasks with their history. A patient none of the viewer's organizations is entitled to (attributed,
 * listed, routed an event, given a task) answers 404, as if there were no such patient. Every read
 * is in the access log, once per organization whose view was shown.
 */
export const patientRoutes: FastifyPluginAsyncZod<{ deps: ApiDeps }> = async (app, { deps }) => {
  app.get(
    "/:id",
    {
      config: { roles: CARE_ROLES },
      schema: {
        summary: "A patient as the signed-in user's organizations may see them",
        tags: ["patients"],
        params: PatientParams,
        response: { 200: PatientDetail, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const patientId = request.params.id;
      const organizations = await entitledOrganizations(
        deps.pool,
        patientId,
        organizationScope(request.principal),
      );
      const patient = organizations.length === 0 ? undefined : await loadPatientRow(deps.pool, patientId);
      if (patient === undefined) throw notFound("no such patient");
      const detail = await loadPatientDetail(deps.pool, patientId, patient, organizations, deps.now());
      await recordPatientAccess(
        deps.pool,
        request,
        organizations.map((o) => ({
          action: "patient.read",
          organizationId: o.id,
          patientIds: [patientId],
          detail: {
            encounters: detail.encounters.length,
            tasks: detail.tasks.length,
          },
        })),
      );
      return detail;
    },
  );
};
