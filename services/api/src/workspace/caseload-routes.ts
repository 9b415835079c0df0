import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { ApiDeps } from "../api-deps.ts";
import { recordAdminAction } from "../audit.ts";
import { ADMIN_ROLES, CARE_ROLES } from "../auth/access-control.ts";
import { canReadOrganization, organizationScope } from "../auth/principal.ts";
import { ERROR_RESPONSES, notFound } from "../errors.ts";
import { Caseload, CaseloadQuery, CaseloadTargets, CaseloadTargetsBody } from "./caseload-schemas.ts";
import { loadCaseloadCounts, organizationExists, saveCaseloadTargets } from "./caseload-store.ts";
import { buildCaseload } from "./caseload-view.ts";

const tags = ["workspace"];

/**
 * Caseloads for supervisors (practice and system admins): per care manager, patients by tier and
 * status against the organization's targets, open and overdue tasks; a care manager sees their own
 * row. Counts only, no patient named: each organization read is one audit row (subject the
 * organization). Supervisors set the targets.
 */
export const caseloadRoutes: FastifyPluginAsyncZod<{ deps: ApiDeps }> = async (app, { deps }) => {
  app.get(
    "/",
    {
      prefixTrailingSlash: "no-slash",
      config: { roles: CARE_ROLES },
      schema: {
        summary: "Each care manager's patients by tier against the target, and their open and overdue tasks",
        tags,
        querystring: CaseloadQuery,
        response: { 200: Caseload, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const { principal } = request;
      const q = request.query;
      if (q.organizationId !== undefined && !canReadOrganization(principal, q.organizationId))
        throw notFound("no such organization");
      const now = deps.now();
      const own = principal.role === "care_manager";
      if (own && principal.recipientId === undefined) return { asOf: now.toISOString(), organizations: [] };
      const counts = await loadCaseloadCounts(deps.pool, {
        organizationIds: organizationScope(principal, q.organizationId),
        onlyRecipient: own ? (principal.recipientId ?? null) : null,
        now,
      });
      const caseload = buildCaseload(counts, { withUnassigned: !own, now });
      for (const o of caseload.organizations)
        await recordAdminAction(deps.pool, request, {
          action: "caseload.read",
          subjectType: "organization",
          subjectId: o.organization.id,
          organizationId: o.organization.id,
          detail: { careManagers: o.careManagers.length },
        });
      return caseload;
    },
  );

  app.put(
    "/targets",
    {
      config: { roles: ADMIN_ROLES },
      schema: {
        summary: "Set an organization's caseload targets (Priority I, and the range of patients in all)",
        tags,
        body: CaseloadTargetsBody,
        response: { 200: CaseloadTargets, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const { organizationId, targets } = request.body;
      if (
        !canReadOrganization(request.principal, organizationId) ||
        !(await organizationExists(deps.pool, organizationId))
      )
        throw notFound("no such organization");
      await saveCaseloadTargets(deps.pool, organizationId, targets);
      await recordAdminAction(deps.pool, request, {
        action: "caseload.targets",
        subjectType: "organization",
        subjectId: organizationId,
        organizationId,
        detail: targets,
      });
      return targets;
    },
  );
};
