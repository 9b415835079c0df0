import { importRoster, ROSTER_PRESETS, RosterImportError, RosterKind } from "@homeward/rosters";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { ApiDeps } from "../api-deps.ts";
import { recordAdminAction } from "../audit.ts";
import { ADMIN_ROLES } from "../auth/access-control.ts";
import { canReadOrganization, organizationScope } from "../auth/principal.ts";
import { badRequest, ERROR_RESPONSES, notFound } from "../errors.ts";
import { DbId, IsoDateString, iso, Page, QueryBoolean } from "../schemas.ts";
import {
  AllowMissingQuery,
  csvBody,
  ImportReport,
  referenceImportRoutes,
} from "./admin-reference-imports.ts";

const PresetName = z.enum(Object.keys(ROSTER_PRESETS) as [keyof typeof ROSTER_PRESETS]);

const RosterQuery = z.object({
  kind: RosterKind,
  /** The roster feed: re-imports of one source replace each other. */
  source: z.string().trim().min(1).max(200),
  /** Code of the organization sending the roster (the payer, the practice, the plan). */
  org: z.string().min(1).max(100),
  preset: PresetName.optional(),
  /** Validate and count, then roll back: nothing changes. */
  dryRun: QueryBoolean.default(false),
  /** The roster's date; today in the organization's time zone when absent. */
  asOf: IsoDateString.optional(),
  /** How many row errors the answer lists (all are counted and stored). */
  errors: z.coerce.number().int().min(0).max(10_000).default(100),
  fileName: z.string().max(255).optional(),
  allowMissing: AllowMissingQuery.optional(),
});

const ImportRun = z.object({
  id: DbId,
  kind: z.string(),
  source: z.string(),
  organizationId: DbId.nullable(),
  fileName: z.string().nullable(),
  preset: z.string().nullable(),
  asOf: z.string(),
  dryRun: z.boolean(),
  status: z.string(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  read: z.number(),
  valid: z.number(),
  inserted: z.number(),
  updated: z.number(),
  ended: z.number(),
  unchanged: z.number(),
  errorCount: z.number(),
  message: z.string().nullable(),
});

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
      const { rows } = await deps.pool.query<{ id: string; time_zone: string }>(
        "SELECT id::text, time_zone FROM organizations WHERE code = $1",
        [q.org],
      );
      const org = rows[0];
      if (org === undefined || !canReadOrganization(request.principal, org.id)) {
        input.resume();
        throw notFound("unknown organization");
      }
      const asOf = q.asOf ?? deps.now().toLocaleDateString("en-CA", { timeZone: org.time_zone });
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
          "Past imports (rosters and reference lists) of the signed-in admin's organizations, newest first",
        tags: ["admin"],
        querystring: z.object({ organizationId: DbId.optional(), ...Page }),
        response: { 200: z.object({ items: z.array(ImportRun) }), ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const scope = organizationScope(request.principal, request.query.organizationId);
      const { rows } = await deps.pool.query(
        `SELECT id::text, kind, source, organization_id::text, file_name, preset, to_char(as_of, 'YYYY-MM-DD') AS as_of,
                dry_run, status, started_at, finished_at, rows_read, rows_valid, inserted, updated, ended, unchanged,
                error_count, message
           FROM import_runs WHERE ($1::bigint[] IS NULL OR organization_id = ANY($1::bigint[]))
          ORDER BY started_at DESC, id DESC LIMIT $2 OFFSET $3`,
        [scope ?? null, request.query.limit, request.query.offset],
      );
      return {
        items: rows.map((r) => ({
          id: r.id,
          kind: r.kind,
          source: r.source,
          organizationId: r.organization_id,
          fileName: r.file_name,
          preset: r.preset,
          asOf: r.as_of,
          dryRun: r.dry_run,
          status: r.status,
          startedAt: r.started_at.toISOString(),
          finishedAt: iso(r.finished_at),
          read: r.rows_read,
          valid: r.rows_valid,
          inserted: r.inserted,
          updated: r.updated,
          ended: r.ended,
          unchanged: r.unchanged,
          errorCount: r.error_count,
          message: r.message,
        })),
      };
    },
  );
};
