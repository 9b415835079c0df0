import type { FastifyInstance } from "fastify";
import { serializerCompiler, validatorCompiler } from "fastify-type-provider-zod";
import { registerContactTimesRoutes } from "./contact-times-routes.ts";
import { registerFollowUpRoutes } from "./follow-up-routes.ts";
import { registerProgramRoutes } from "./program-routes.ts";
import type { ReportDeps } from "./report-routing.ts";
import { registerSummaryRoutes } from "./summary-routes.ts";

export type { ReportDeps } from "./report-routing.ts";

/**
 * The quality reports, under whatever prefix the caller registers them at (`/api/reports`):
 * GET /follow-up, /follow-up/misses, /alert-timeliness, /care-management, /program,
 * /program/frequent-ed, /program/care-manager-activity, /program/alert-timeliness, each JSON or
 * `?format=csv`.
 * GET /contact-times (alert → first attempt, alert → contact) likewise.
 * Works as `app.register(registerReportRoutes, { prefix, pool, audit })` or called directly. The
 * routes live in their own encapsulated context with the zod compilers set, so their schemas work
 * whatever the app set globally, and nothing here (hooks, compilers) leaks to the app's other routes.
 * Every route requires a principal with role quality, practice_admin or system_admin and reads only
 * the organizations the principal may read (organizationScope).
 */
export async function registerReportRoutes(app: FastifyInstance, deps: ReportDeps): Promise<void> {
  // Under app.register the options object also carries fastify's own (prefix...): keep only ours.
  const routeDeps: ReportDeps = {
    pool: deps.pool,
    ...(deps.audit === undefined ? {} : { audit: deps.audit }),
    ...(deps.now === undefined ? {} : { now: deps.now }),
    ...(deps.protocols === undefined ? {} : { protocols: deps.protocols }),
  };
  await app.register(async (reports) => {
    reports.setValidatorCompiler(validatorCompiler);
    reports.setSerializerCompiler(serializerCompiler);
    await registerFollowUpRoutes(reports, routeDeps);
    await registerSummaryRoutes(reports, routeDeps);
    await registerContactTimesRoutes(reports, routeDeps);
    await registerProgramRoutes(reports, routeDeps);
  });
}
