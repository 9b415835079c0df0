import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { ApiDeps } from "../api-deps.ts";
import { accessesByOrganization, recordPatientAccess } from "../audit.ts";
import { CARE_ROLES } from "../auth/access-control.ts";
import { organizationScope } from "../auth/principal.ts";
import { badRequest, ERROR_RESPONSES } from "../errors.ts";
import { Census, CensusQuery } from "./census-schemas.ts";
import { loadCensusRows } from "./census-store.ts";
import { buildCensus } from "./census-view.ts";

const DAY_MS = 24 * 3_600_000;

/**
 * The census, the screen a care manager opens first in the morning: their patients in the ED or
 * the hospital now, and those discharged lately whom nobody has reached yet. Only encounters
 * announced to the user's own organizations; every patient shown is in the access log.
 */
export const censusRoutes: FastifyPluginAsyncZod<{ deps: ApiDeps }> = async (app, { deps }) => {
  app.get(
    "/",
    {
      prefixTrailingSlash: "no-slash",
      config: { roles: CARE_ROLES },
      schema: {
        summary: "Patients in the hospital now and recently discharged without a contact",
        tags: ["workspace"],
        querystring: CensusQuery,
        response: { 200: Census, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const q = request.query;
      const { principal } = request;
      const me = principal.recipientId;
      const scope = q.scope ?? (principal.role === "care_manager" && me !== undefined ? "mine" : "practice");
      if (scope === "mine" && me === undefined)
        throw badRequest("no_recipient", "scope=mine needs a user linked to a recipient");
      const now = deps.now();
      const rows = await loadCensusRows(deps.pool, {
        organizationIds: organizationScope(principal, q.organizationId),
        me,
        now,
        dischargedSince: new Date(now.getTime() - q.dischargedDays * DAY_MS),
      });
      const { census, shown } = buildCensus(rows, { ...q, scope }, now);
      await recordPatientAccess(
        deps.pool,
        request,
        accessesByOrganization(
          shown,
          (r) => ({ organizationId: r.organization_id, patientId: r.patient_id }),
          {
            action: "census.list",
            detail: { scope },
          },
        ),
      );
      return census;
    },
  );
};
