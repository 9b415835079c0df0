import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { ApiDeps } from "../api-deps.ts";
import { recordAdminAction } from "../audit.ts";
import { ADMIN_ROLES } from "../auth/access-control.ts";
import { organizationScope } from "../auth/principal.ts";
import { ERROR_RESPONSES } from "../errors.ts";
import { type CsvColumn, toCsv } from "../reports/csv.ts";
import { sendCsv } from "../reports/report-routing.ts";
import { jsonOrCsv } from "../reports/report-schemas.ts";
import { DbId } from "../schemas.ts";
import { accessLogActions, readAccessLog } from "./access-log-store.ts";
import { AccessLogEntry, AccessLogQuery } from "./schemas.ts";

/** At most this many rows in one export (a year of a busy practice's reads is far below it). */
const MAX_EXPORT_ROWS = 50_000;

const detailOf = (row: AccessLogEntry) => (row.detail ?? {}) as Record<string, unknown>;

const CSV_COLUMNS: CsvColumn<AccessLogEntry>[] = [
  { header: "at", value: (r) => r.at },
  { header: "actor", value: (r) => r.actor },
  { header: "user_email", value: (r) => r.actorName },
  { header: "role", value: (r) => (typeof detailOf(r).role === "string" ? String(detailOf(r).role) : null) },
  { header: "action", value: (r) => r.action },
  { header: "subject_type", value: (r) => r.subjectType },
  { header: "subject_id", value: (r) => r.subjectId },
  { header: "organization_id", value: (r) => r.organizationId },
  { header: "organization", value: (r) => r.organizationName },
  {
    header: "route",
    value: (r) => (typeof detailOf(r).route === "string" ? String(detailOf(r).route) : null),
  },
  { header: "detail", value: (r) => JSON.stringify(r.detail ?? {}) },
];

/**
 * Who read or changed which patient's data: the audit log, newest first, filterable by user,
 * patient, action and time, and exportable as CSV (each export is itself audited). A practice admin
 * reads the rows of their organizations; a system admin reads every row (matcher suppressions included).
 */
export const accessLogRoutes: FastifyPluginAsyncZod<{ deps: ApiDeps }> = async (app, { deps }) => {
  app.get(
    "/access-log",
    {
      config: { roles: ADMIN_ROLES },
      schema: {
        summary: "The access audit log of the admin's organizations (JSON, or CSV with format=csv)",
        tags: ["admin"],
        querystring: AccessLogQuery,
        response: {
          200: jsonOrCsv(
            z.object({
              items: z.array(AccessLogEntry),
              total: z.number().int(),
              limit: z.number(),
              offset: z.number(),
            }),
          ),
          ...ERROR_RESPONSES,
        },
      },
    },
    async (request, reply) => {
      const q = request.query;
      const scope = organizationScope(request.principal, q.organizationId);
      const filter = {
        organizationIds: scope ?? null,
        patientId: q.patientId,
        actor: q.actor,
        userEmail: q.userEmail,
        action: q.action,
        from: q.from,
        to: q.to,
      };
      if (q.format === "csv") {
        const { items, total } = await readAccessLog(deps.pool, filter, {
          limit: MAX_EXPORT_ROWS,
          offset: 0,
        });
        await recordAdminAction(deps.pool, request, {
          action: "access-log.export",
          subjectType: "audit_log",
          subjectId: "export",
          // In the log of the organization exported (or the admin's only one), where its admins see it.
          ...(scope?.length === 1 && scope[0] !== undefined ? { organizationId: scope[0] } : {}),
          detail: {
            rows: items.length,
            total,
            filter: { ...filter, organizationIds: undefined, organizationId: q.organizationId },
          },
        });
        const day = deps.now().toISOString().slice(0, 10);
        return sendCsv(reply, `access-log_${day}`, toCsv(CSV_COLUMNS, items));
      }
      const { items, total } = await readAccessLog(deps.pool, filter, { limit: q.limit, offset: q.offset });
      return { items, total, limit: q.limit, offset: q.offset };
    },
  );

  app.get(
    "/access-log/actions",
    {
      config: { roles: ADMIN_ROLES },
      schema: {
        summary: "The actions recorded in the admin's organizations' rows (for filtering)",
        tags: ["admin"],
        querystring: z.object({ organizationId: DbId.optional() }),
        response: { 200: z.object({ actions: z.array(z.string()) }), ...ERROR_RESPONSES },
      },
    },
    async (request) => ({
      actions: await accessLogActions(
        deps.pool,
        organizationScope(request.principal, request.query.organizationId) ?? null,
      ),
    }),
  );
};
