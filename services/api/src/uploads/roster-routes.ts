import { findOrganizationByCode } from "@homeward/directory";
import { importRoster, REFERENCE_PRESETS, ROSTER_PRESETS, RosterImportError } from "@homeward/rosters";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { ApiDeps } from "../api-deps.ts";
import { recordAdminAction } from "../audit.ts";
import { ADMIN_ROLES } from "../auth/access-control.ts";
import { canReadOrganization, organizationScope } from "../auth/principal.ts";
import { badRequest, ERROR_RESPONSES, notFound } from "../errors.ts";
import { type CsvColumn, toCsv } from "../reports/csv.ts";
import { sendCsv } from "../reports/report-routing.ts";
import { jsonOrCsv } from "../reports/report-schemas.ts";
import { DbId, IdParams, Page } from "../schemas.ts";
import { findImportRun, listImportRuns, listRowErrors, type RowError } from "./import-run-store.ts";
import { csvBody, referenceImportRoutes } from "./reference-import-routes.ts";
import { ImportReport } from "./reference-import-schemas.ts";
import { ImportRun, PresetOut, RosterQuery, RowErrorOut } from "./roster-schemas.ts";

const ERROR_COLUMNS: CsvColumn<RowError>[] = [
  { header: "line", value: (e) => e.line },
  { header: "column", value: (e) => e.column },
  { header: "value", value: (e) => e.value },
  { header: "reason", value: (e) => e.reason },
];

/** The most row errors a report lists (the run counts them all; imports store at most this many). */
const MAX_ERROR_ROWS = 10_000;

function presetsOut(): z.infer<typeof PresetOut>[] {
  const all = [...Object.values(ROSTER_PRESETS), ...Object.values(REFERENCE_PRESETS)] as {
    name: string;
    kind: string;
    description: string;
    columns: Record<string, string>;
  }[];
  return all.map((p) => {
    const byField = new Map<string, string[]>();
    for (const [header, field] of Object.entries(p.columns))
      byField.set(field, [...(byField.get(field) ?? []), header]);
    return {
      name: p.name,
      kind: p.kind,
      description: p.description,
      columns: [...byField].map(([field, headers]) => ({ field, headers })),
    };
  });
}

/**
 * Roster and enrollment-list upload: the CSV is the request body (`text/csv`), streamed into the
 * same import the matcher's CLI runs (`importRoster`), and the answer is its report with the row
 * errors. Allowed for admins of the sending organization. Plus the list of past import runs (of
 * every kind), and the reference-list uploads (`referenceImportRoutes`).
 */
export const rosterRoutes: FastifyPluginAsyncZod<{ deps: ApiDeps }> = async (app, { deps }) => {
  // Consents, notification rules and sensitive facilities: the same upload, the same import machinery.
  await app.register(referenceImportRoutes, { deps });

  app.post(
    "/rosters",
    {
      config: { roles: ADMIN_ROLES },
      schema: {
        summary: "Import a roster or enrollment list (CSV body, text/csv)",
        tags: ["admin"],
        querystring: RosterQuery,
        consumes: ["text/csv"],
        response: { 200: ImportReport, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const q = request.query;
      const input = csvBody(request.body);
      const org = await findOrganizationByCode(deps.pool, q.org, deps.now());
      if (org === undefined || !canReadOrganization(request.principal, org.id)) {
        input.resume();
        throw notFound("unknown organization");
      }
      const asOf = q.asOf ?? deps.now().toLocaleDateString("en-CA", { timeZone: org.timeZone });
      try {
        const report = await importRoster({
          pool: deps.pool,
          kind: q.kind,
          source: q.source,
          organization: q.org,
          input,
          ...(q.fileName === undefined ? {} : { fileName: q.fileName }),
          ...(q.preset === undefined ? {} : { mapping: q.preset }),
          dryRun: q.dryRun,
          asOf,
          ...(q.allowMissing === undefined ? {} : { allowMissing: q.allowMissing }),
          maxReportedErrors: q.errors,
        });
        await recordAdminAction(deps.pool, request, {
          action: q.dryRun ? "roster.dry-run" : "roster.import",
          subjectType: "import_run",
          subjectId: report.runId,
          organizationId: org.id,
          detail: { kind: q.kind, source: q.source, status: report.status, read: report.read },
        });
        return report;
      } catch (err) {
        if (err instanceof RosterImportError) throw badRequest("import_refused", err.message);
        throw err;
      }
    },
  );

  app.get(
    "/import-runs",
    {
      config: { roles: ADMIN_ROLES },
      schema: {
        summary:
          "Past imports (rosters and reference lists) of the signed-in admin's organizations, newest first, with who uploaded",
        tags: ["admin"],
        querystring: z.object({
          organizationId: DbId.optional(),
          kind: z.string().max(50).optional(),
          ...Page,
        }),
        response: {
          200: z.object({ items: z.array(ImportRun), total: z.number().int() }),
          ...ERROR_RESPONSES,
        },
      },
    },
    async (request) => {
      const scope = organizationScope(request.principal, request.query.organizationId);
      return listImportRuns(
        deps.pool,
        { organizationIds: scope ?? null, kind: request.query.kind },
        { limit: request.query.limit, offset: request.query.offset },
      );
    },
  );

  app.get(
    "/import-runs/:id",
    {
      config: { roles: ADMIN_ROLES },
      schema: {
        summary: "One import run and its row-error report (JSON, or the errors as CSV with format=csv)",
        tags: ["admin"],
        params: IdParams,
        querystring: z.object({ format: z.enum(["json", "csv"]).default("json") }),
        response: {
          200: jsonOrCsv(z.object({ run: ImportRun, errors: z.array(RowErrorOut) })),
          ...ERROR_RESPONSES,
        },
      },
    },
    async (request, reply) => {
      const run = await findImportRun(deps.pool, request.params.id);
      const p = request.principal;
      const mine =
        p.role === "system_admin" ||
        (run?.organizationId != null && canReadOrganization(p, run.organizationId));
      if (run === undefined || !mine) throw notFound("no such import run");
      const errors = await listRowErrors(deps.pool, run.id, MAX_ERROR_ROWS);
      // Refused rows keep the values as sent (names, birth dates): reading them is recorded.
      await recordAdminAction(deps.pool, request, {
        action: "import-run.errors",
        subjectType: "import_run",
        subjectId: run.id,
        ...(run.organizationId === null ? {} : { organizationId: run.organizationId }),
        detail: { rows: errors.length, format: request.query.format },
      });
      if (request.query.format === "csv")
        return sendCsv(reply, `import-${run.id}-errors`, toCsv(ERROR_COLUMNS, errors));
      return { run, errors };
    },
  );

  app.get(
    "/import-presets",
    {
      config: { roles: ADMIN_ROLES },
      schema: {
        summary: "The column presets of every upload kind: the headers each preset reads as which field",
        tags: ["admin"],
        response: { 200: z.object({ items: z.array(PresetOut) }), ...ERROR_RESPONSES },
      },
    },
    async () => ({ items: presetsOut() }),
  );
};
