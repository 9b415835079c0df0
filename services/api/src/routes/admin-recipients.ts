import { IanaTimeZone } from "@homeward/contracts";
import type { Pool } from "@homeward/db";
import type { FastifyRequest } from "fastify";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { ApiDeps } from "../api-deps.ts";
import { recordAdminAction } from "../audit.ts";
import { ADMIN_ROLES } from "../auth/access-control.ts";
import { canReadOrganization, organizationScope } from "../auth/principal.ts";
import { conflict, ERROR_RESPONSES, notFound } from "../errors.ts";
import { DbId, IdParams, QueryBoolean } from "../schemas.ts";

const RecipientRole = z.enum(["care_manager", "pcp", "supervisor"]);
const RecipientFields = z.object({
  role: RecipientRole,
  displayName: z.string().trim().min(1).max(200),
  email: z.email().max(320).nullable().default(null),
  pagerId: z.string().trim().min(1).max(100).nullable().default(null),
  timeZone: IanaTimeZone,
  active: z.boolean().default(true),
});
const NewRecipient = RecipientFields.extend({ organizationId: DbId }).refine(
  (r) => r.email !== null || r.pagerId !== null,
  { message: "give an e-mail or a pager id", path: ["email"] },
);
const RecipientUpdate = RecipientFields.refine((r) => r.email !== null || r.pagerId !== null, {
  message: "give an e-mail or a pager id",
  path: ["email"],
});
const Recipient = z
  .object({
    id: DbId,
    organizationId: DbId,
    role: RecipientRole,
    displayName: z.string(),
    email: z.string().nullable(),
    pagerId: z.string().nullable(),
    timeZone: z.string(),
    active: z.boolean(),
  })
  .meta({ id: "Recipient" });

const SELECT = `SELECT id::text, organization_id::text AS "organizationId", role, display_name AS "displayName", email,
                       pager_id AS "pagerId", time_zone AS "timeZone", active FROM recipients`;

/** The recipient, if the principal may administer its organization; otherwise "not found". */
export async function recipientFor(pool: Pool, request: FastifyRequest, id: string) {
  const { rows } = await pool.query<z.infer<typeof Recipient>>(`${SELECT} WHERE id = $1`, [id]);
  const r = rows[0];
  if (r === undefined || !canReadOrganization(request.principal, r.organizationId))
    throw notFound("no such recipient");
  return r;
}

const isUniqueViolation = (err: unknown) => (err as { code?: string }).code === "23505";

/**
 * Who is notified: the recipients of the admin's organizations (care managers, PCPs, supervisors).
 * Recipients are deactivated, never deleted (tasks and deliveries point at them).
 */
export const recipientRoutes: FastifyPluginAsyncZod<{ deps: ApiDeps }> = async (app, { deps }) => {
  const config = { roles: ADMIN_ROLES };
  const tags = ["admin"];
  app.get(
    "/recipients",
    {
      config,
      schema: {
        summary: "Recipients of the admin's organizations",
        tags,
        querystring: z.object({
          organizationId: DbId.optional(),
          role: RecipientRole.optional(),
          active: QueryBoolean.optional(),
        }),
        response: { 200: z.object({ items: z.array(Recipient) }), ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const { organizationId, role, active } = request.query;
      const scope = organizationScope(request.principal, organizationId);
      const { rows } = await deps.pool.query(
        `${SELECT} WHERE ($1::bigint[] IS NULL OR organization_id = ANY($1::bigint[]))
            AND ($2::text IS NULL OR role = $2) AND ($3::boolean IS NULL OR active = $3)
          ORDER BY organization_id, display_name, id`,
        [scope ?? null, role ?? null, active ?? null],
      );
      return { items: rows };
    },
  );

  app.post(
    "/recipients",
    {
      config,
      schema: {
        summary: "Add a recipient",
        tags,
        body: NewRecipient,
        response: { 201: Recipient, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const b = request.body;
      if (!canReadOrganization(request.principal, b.organizationId)) throw notFound("unknown organization");
      try {
        const { rows } = await deps.pool.query<{ id: string }>(
          `INSERT INTO recipients (organization_id, role, display_name, email, pager_id, time_zone, active)
           VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id::text`,
          [b.organizationId, b.role, b.displayName, b.email, b.pagerId, b.timeZone, b.active],
        );
        const id = rows[0]?.id ?? "";
        await recordAdminAction(deps.pool, request, {
          action: "recipient.create",
          subjectType: "recipient",
          subjectId: id,
          organizationId: b.organizationId,
        });
        return reply.code(201).send(await recipientFor(deps.pool, request, id));
      } catch (err) {
        if (isUniqueViolation(err)) throw conflict("a recipient with that e-mail exists in the organization");
        throw err;
      }
    },
  );

  app.put(
    "/recipients/:id",
    {
      config,
      schema: {
        summary: "Change a recipient (deactivate instead of deleting)",
        tags,
        params: IdParams,
        body: RecipientUpdate,
        response: { 200: Recipient, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const current = await recipientFor(deps.pool, request, request.params.id);
      const b = request.body;
      try {
        await deps.pool.query(
          `UPDATE recipients SET role = $2, display_name = $3, email = $4, pager_id = $5, time_zone = $6, active = $7,
                  updated_at = now() WHERE id = $1`,
          [current.id, b.role, b.displayName, b.email, b.pagerId, b.timeZone, b.active],
        );
      } catch (err) {
        if (isUniqueViolation(err)) throw conflict("a recipient with that e-mail exists in the organization");
        throw err;
      }
      await recordAdminAction(deps.pool, request, {
        action: "recipient.update",
        subjectType: "recipient",
        subjectId: current.id,
        organizationId: current.organizationId,
      });
      return recipientFor(deps.pool, request, current.id);
    },
  );
};
