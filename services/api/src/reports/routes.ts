import type { FastifyPluginAsync, FastifyRequest } from "fastify";
import type { ApiDeps } from "../api-deps.ts";
import { accessesByOrganization, recordPatientAccess } from "../audit.ts";
import { organizationScope, type Role } from "../auth/principal.ts";
import { registerReportRoutes } from "./index.ts";
import { taskOrganizationsOfPatients } from "./report-access-store.ts";

/** Who reads the quality reports, unless a report route says otherwise: aggregates of their organizations. */
export const REPORT_ROLES: readonly Role[] = ["quality", "practice_admin", "system_admin"];

/**
 * The `/api/reports` scope: report routes that do not declare `config.roles` get REPORT_ROLES (the
 * access control refuses undeclared /api routes), and reports that name patients (the misses
 * lists) audit through `recordPatientAccess`, each patient under the caller's organizations that
 * have tasks for them.
 */
export const registerReportsScope: FastifyPluginAsync<{ deps: ApiDeps }> = async (scope, { deps }) => {
  scope.addHook("onRoute", (route) => {
    route.config = { ...route.config, roles: route.config?.roles ?? REPORT_ROLES };
  });
  const audit = async (request: FastifyRequest, patientIds: string[]) => {
    if (patientIds.length === 0) return;
    const orgs = organizationScope(request.principal);
    const rows = await taskOrganizationsOfPatients(deps.pool, patientIds, orgs ?? null);
    await recordPatientAccess(
      deps.pool,
      request,
      accessesByOrganization(rows, (r) => r, { action: "report.misses" }),
    );
  };
  await registerReportRoutes(scope, { pool: deps.pool, audit, now: deps.now, protocols: deps.protocols });
};
