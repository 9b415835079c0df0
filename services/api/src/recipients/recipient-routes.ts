import { notifyReferenceChanged, type Pool } from "@homeward/db";
import {
  createRecipient,
  findRecipient,
  listRecipients,
  type Recipient,
  type RecipientConflict,
  type RecipientFields as StoredFields,
  updateRecipient,
} from "@homeward/directory";
import type { FastifyRequest } from "fastify";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { ApiDeps } from "../api-deps.ts";
import { recordAdminAction } from "../audit.ts";
import { ADMIN_ROLES } from "../auth/access-control.ts";
import { canReadOrganization, organizationScope } from "../auth/principal.ts";
import { conflict, ERROR_RESPONSES, notFound } from "../errors.ts";
import { DbId, IdParams, QueryBoolean } from "../schemas.ts";
import {
  NewRecipient,
  type RecipientFields,
  RecipientOut,
  RecipientRole,
  RecipientUpdate,
} from "./recipient-schemas.ts";

const fieldsOf = (b: z.infer<typeof RecipientFields>): StoredFields => ({
  role: b.role,
  displayName: b.displayName,
  email: b.email,
  pagerId: b.pagerId,
  timeZone: b.timeZone,
  active: b.active,
  npi: b.npi,
});

/** The recipient, if the principal may administer its organization; otherwise "not found". */
export async function recipientFor(pool: Pool, request: FastifyRequest, id: string): Promise<Recipient> {
  const r = await findRecipient(pool, id);
  if (r === undefined || !canReadOrganization(request.principal, r.organizationId))
    throw notFound("no such recipient");
  return r;
}

/** A store refusal as the API's answer. */
function refuse(why: RecipientConflict): never {
  throw why === "email-taken"
    ? conflict("a recipient with that e-mail exists in the organization")
    : conflict("that NPI is another organization's recipient's");
}

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
        response: { 200: z.object({ items: z.array(RecipientOut) }), ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const { organizationId, role, active } = request.query;
      const scope = organizationScope(request.principal, organizationId);
      const items = await listRecipients(deps.pool, {
        organizationIds: scope ?? null,
        ...(role === undefined ? {} : { role }),
        ...(active === undefined ? {} : { active }),
      });
      return { items };
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
        response: { 201: RecipientOut, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const b = request.body;
      if (!canReadOrganization(request.principal, b.organizationId)) throw notFound("unknown organization");
      const created = await createRecipient(deps.pool, b.organizationId, fieldsOf(b));
      if (typeof created === "string") refuse(created);
      // The matcher routes to active recipients it holds in memory: it reloads.
      await notifyReferenceChanged(deps.pool);
      await recordAdminAction(deps.pool, request, {
        action: "recipient.create",
        subjectType: "recipient",
        subjectId: created.id,
        organizationId: b.organizationId,
      });
      return reply.code(201).send(created);
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
        response: { 200: RecipientOut, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const current = await recipientFor(deps.pool, request, request.params.id);
      const b = request.body;
      const updated = await updateRecipient(deps.pool, current, fieldsOf(b));
      if (typeof updated === "string") refuse(updated);
      await notifyReferenceChanged(deps.pool);
      await recordAdminAction(deps.pool, request, {
        action: "recipient.update",
        subjectType: "recipient",
        subjectId: current.id,
        organizationId: current.organizationId,
      });
      return updated;
    },
  );
};
