import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { ApiDeps } from "../api-deps.ts";
import { ADMIN_ROLES } from "../auth/access-control.ts";
import { organizationScope } from "../auth/principal.ts";
import { ERROR_RESPONSES } from "../errors.ts";
import { DbId, IsoDateTimeString, Page } from "../schemas.ts";

const AccessLogQuery = z.object({
  organizationId: DbId.optional(),
  /** Every access to one patient's data. */
  patientId: DbId.optional(),
  /** `user:<id>`, `matcher`... */
  actor: z.string().min(1).max(100).optional(),
  action: z.string().min(1).max(100).optional(),
  from: IsoDateTimeString.optional(),
  to: IsoDateTimeString.optional(),
  ...Page,
});

const AccessLogEntry = z.object({
  id: DbId,
  at: IsoDateTimeString,
  actor: z.string(),
  /** The user's e-mail when the actor is a signed-in user. */
  actorName: z.string().nullable(),
  action: z.string(),
  subjectType: z.string(),
  subjectId: z.string(),
  organizationId: DbId.nullable(),
  detail: z.unknown(),
});

/**
 * Who read or changed which patient's data: the audit log, newest first. A practice admin reads
 * the rows of their organizations; a system admin reads every row (matcher suppressions included).
 */
export const accessLogRoutes: FastifyPluginAsyncZod<{ deps: ApiDeps }> = async (app, { deps }) => {
  app.get(
    "/access-log",
    {
      config: { roles: ADMIN_ROLES },
      schema: {
        summary: "The access audit log of the admin's organizations",
        tags: ["admin"],
        querystring: AccessLogQuery,
        response: {
          200: z.object({ items: z.array(AccessLogEntry), limit: z.number(), offset: z.number() }),
          ...ERROR_RESPONSES,
        },
      },
    },
    async (request) => {
      const q = request.query;
      const scope = organizationScope(request.principal, q.organizationId);
      const { rows } = await deps.pool.query<{
        id: string;
        at: Date;
        actor: string;
        email: string | null;
        action: string;
        subject_type: string;
        subject_id: string;
        organization_id: string | null;
        detail: unknown;
      }>(
        `SELECT a.id::text, a.at, a.actor, u.email, a.action, a.subject_type, a.subject_id,
                a.organization_id::text, a.detail
           FROM audit_log a LEFT JOIN users u ON a.actor = 'user:' || u.id::text
          WHERE ($1::bigint[] IS NULL OR a.organization_id = ANY($1::bigint[]))
            AND ($2::text IS NULL OR (a.subject_type = 'patient' AND a.subject_id = $2))
            AND ($3::text IS NULL OR a.actor = $3) AND ($4::text IS NULL OR a.action = $4)
            AND ($5::timestamptz IS NULL OR a.at >= $5) AND ($6::timestamptz IS NULL OR a.at < $6)
          ORDER BY a.at DESC, a.id DESC LIMIT $7 OFFSET $8`,
        [
          scope ?? null,
          q.patientId ?? null,
          q.actor ?? null,
          q.action ?? null,
          q.from ?? null,
          q.to ?? null,
          q.limit,
          q.offset,
        ],
      );
      return {
        items: rows.map((r) => ({
          id: r.id,
          at: r.at.toISOString(),
          actor: r.actor,
          actorName: r.email,
          action: r.action,
          subjectType: r.subject_type,
          subjectId: r.subject_id,
          organizationId: r.organization_id,
          detail: r.detail,
        })),
        limit: q.limit,
        offset: q.offset,
      };
    },
  );
};
