import { Readable } from "node:stream";
import { ADT_EVENT_KINDS } from "@homeward/contracts";
import { findOrganizationByCode, type Organization } from "@homeward/directory";
import { importReferenceList, type ReferenceKind, RosterImportError } from "@homeward/rosters";
import type { FastifyRequest } from "fastify";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { z } from "zod";
import type { ApiDeps } from "../api-deps.ts";
import { actorOf, recordAdminAction } from "../audit.ts";
import { ADMIN_ROLES } from "../auth/access-control.ts";
import { canReadOrganization } from "../auth/principal.ts";
import { ApiError, badRequest, ERROR_RESPONSES, notFound } from "../errors.ts";
import {
  type ImportQuery,
  ImportReport,
  OrganizationQuery,
  SystemQuery,
} from "./reference-import-schemas.ts";

/** The body must be the CSV itself (`text/csv`), streamed into the import. */
export function csvBody(body: unknown): Readable {
  if (!(body instanceof Readable))
    throw new ApiError(415, "unsupported_media_type", "send the file as the body with content-type text/csv");
  return body;
}

const schemaOf = <Q extends z.ZodType>(summary: string, querystring: Q) => ({
  summary,
  tags: ["admin"],
  querystring,
  consumes: ["text/csv"],
  response: { 200: ImportReport, ...ERROR_RESPONSES },
});

/**
 * Reference-list uploads beside the roster upload, through the same import code as the matcher's
 * CLI (`importReferenceList`): consents and notification rules for an organization the admin
 * belongs to (another one is a 404, as for rosters), sensitive facilities for system admins.
 * The answer is the import's report with its row errors; every upload is audited.
 */
export const referenceImportRoutes: FastifyPluginAsyncZod<{ deps: ApiDeps }> = async (app, { deps }) => {
  /** The organization named by `code`, if the caller may act for it; else a 404 (the body is drained). */
  const importingOrganization = async (
    request: FastifyRequest,
    code: string,
    input: Readable,
  ): Promise<Organization> => {
    const org = await findOrganizationByCode(deps.pool, code, deps.now());
    if (org === undefined || !canReadOrganization(request.principal, org.id)) {
      input.resume();
      throw notFound("unknown organization");
    }
    return org;
  };

  const runImport = async (
    request: FastifyRequest,
    kind: ReferenceKind,
    q: ImportQuery,
    input: Readable,
    org: Organization | undefined,
  ) => {
    const asOf = q.asOf ?? deps.now().toLocaleDateString("en-CA", { timeZone: org?.timeZone ?? "UTC" });
    try {
      const report = await importReferenceList({
        pool: deps.pool,
        kind,
        source: q.source,
        organization: org?.code,
        input,
        fileName: q.fileName,
        mapping: q.preset,
        dryRun: q.dryRun,
        asOf,
        allowMissing: q.allowMissing,
        maxReportedErrors: q.errors,
        eventKinds: ADT_EVENT_KINDS,
        // A practice (or plan) admin acts for its own organization and patients only.
        scopedToOrganization: request.principal.role !== "system_admin",
        recordedBy: actorOf(request.principal),
      });
      await recordAdminAction(deps.pool, request, {
        action: `${kind}.${q.dryRun ? "dry-run" : "import"}`,
        subjectType: "import_run",
        subjectId: report.runId,
        ...(org === undefined ? {} : { organizationId: org.id }),
        detail: { kind, source: q.source ?? kind, status: report.status, read: report.read },
      });
      return report;
    } catch (err) {
      if (err instanceof RosterImportError) throw badRequest("import_refused", err.message);
      throw err;
    }
  };

  // Imports an organization's admins run for their own organization.
  const organizationImports = [
    {
      path: "/consents/import",
      kind: "consent",
      summary:
        "Import consent decisions (CSV body, text/csv): opt-outs, and opt-ins that close them; a practice admin records them for its own organization and patients",
    },
    {
      path: "/notification-rules/import",
      kind: "notification-rule",
      summary:
        "Import the organization's notification rules (CSV body, text/csv): the file replaces the rules imported before, and those it leaves out are deactivated",
    },
  ] as const;
  for (const { path, kind, summary } of organizationImports) {
    app.post(
      path,
      { config: { roles: ADMIN_ROLES }, schema: schemaOf(summary, OrganizationQuery(kind)) },
      async (request) => {
        const input = csvBody(request.body);
        const org = await importingOrganization(request, request.query.org, input);
        return runImport(request, kind, request.query, input, org);
      },
    );
  }

  app.post(
    "/sensitive-facilities/import",
    {
      // System-wide: what one place's events may say concerns every organization.
      config: { roles: ["system_admin"] },
      schema: schemaOf(
        "Import sensitive facilities, 42 CFR Part 2 (CSV body, text/csv; system admins): the complete list of its source",
        SystemQuery("sensitive-facility"),
      ),
    },
    async (request) =>
      runImport(request, "sensitive-facility", request.query, csvBody(request.body), undefined),
  );
};
