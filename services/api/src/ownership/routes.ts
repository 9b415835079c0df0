import {
  addIdentifierAgreement,
  listDemographicConflicts,
  listIdentifierAgreements,
  removeIdentifierAgreement,
  resolveDemographicConflict,
} from "@homeward/rosters";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { ApiDeps } from "../api-deps.ts";
import { actorOf, recordAdminAction, recordPatientAccess } from "../audit.ts";
import type { Role } from "../auth/principal.ts";
import { conflict, ERROR_RESPONSES, notFound } from "../errors.ts";
import { DbId, IdParams, Page } from "../schemas.ts";
import { Agreement, Code, Conflict } from "./schemas.ts";

/**
 * Who may name patients by whose identifiers, and where two sources disagree about a patient.
 * System admins only: an agreement widens what an organization's uploads can reach, and a
 * conflict shows what two organizations each said about a patient.
 */
const OWNERSHIP_ROLES: readonly Role[] = ["system_admin"];

export const ownershipRoutes: FastifyPluginAsyncZod<{ deps: ApiDeps }> = async (app, { deps }) => {
  const config = { roles: OWNERSHIP_ROLES };
  const tags = ["admin"];

  app.get(
    "/identifier-agreements",
    {
      config,
      schema: {
        summary: "Which organizations may name patients by which other authorities' identifiers",
        tags,
        response: { 200: z.object({ items: z.array(Agreement) }), ...ERROR_RESPONSES },
      },
    },
    async () => ({ items: await listIdentifierAgreements(deps.pool) }),
  );

  app.post(
    "/identifier-agreements",
    {
      config,
      schema: {
        summary:
          "Let an organization's uploads name patients by another authority's identifiers (a plan's member ids, a hospital's MRNs)",
        tags,
        body: z.object({
          organizationCode: Code,
          assigningAuthority: Code,
          /** One identifier type (MB, MR…), or every type of the authority when absent. */
          typeCode: z.string().trim().min(1).max(10).optional(),
          note: z.string().trim().max(500).optional(),
        }),
        response: { 200: Agreement, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const b = request.body;
      const agreement = await addIdentifierAgreement(deps.pool, {
        organizationCode: b.organizationCode,
        assigningAuthority: b.assigningAuthority,
        typeCode: b.typeCode?.toUpperCase() ?? null,
        note: b.note ?? null,
      });
      if (agreement === undefined) throw notFound("no such organization");
      await recordAdminAction(deps.pool, request, {
        action: "identifier-agreement.add",
        subjectType: "identifier-agreement",
        subjectId: agreement.id,
        detail: { organization: agreement.organizationCode, authority: agreement.assigningAuthority },
      });
      return agreement;
    },
  );

  app.delete(
    "/identifier-agreements/:id",
    {
      config,
      schema: {
        summary: "End an agreement: later uploads may no longer name patients by that authority",
        tags,
        params: IdParams,
        response: { 204: z.null(), ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      if (!(await removeIdentifierAgreement(deps.pool, request.params.id)))
        throw notFound("no such agreement");
      await recordAdminAction(deps.pool, request, {
        action: "identifier-agreement.remove",
        subjectType: "identifier-agreement",
        subjectId: request.params.id,
      });
      return reply.code(204).send(null);
    },
  );

  app.get(
    "/demographic-conflicts",
    {
      config,
      schema: {
        summary: "Patients on whom two sources disagree (name, birth date, sex), with what each said",
        tags,
        querystring: z.object({ status: z.enum(["pending", "resolved"]).default("pending"), ...Page }),
        response: { 200: z.object({ items: z.array(Conflict) }), ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const items = await listDemographicConflicts(deps.pool, request.query);
      await recordPatientAccess(deps.pool, request, [
        {
          action: "demographic-conflict.list",
          organizationId: null,
          patientIds: items.map((c) => c.patientId),
        },
      ]);
      return { items };
    },
  );

  app.post(
    "/demographic-conflicts/:id/resolve",
    {
      config,
      schema: {
        summary: "Mark a conflict looked at (both sources' values stay as they are)",
        tags,
        params: z.object({ id: DbId }),
        response: { 200: z.object({ id: z.string(), status: z.literal("resolved") }), ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const outcome = await resolveDemographicConflict(deps.pool, {
        id: request.params.id,
        actor: actorOf(request.principal),
        now: deps.now(),
      });
      if (outcome === "not-found") throw notFound("no such conflict");
      if (outcome === "not-pending") throw conflict("the conflict is already resolved");
      await recordPatientAccess(deps.pool, request, [
        {
          action: "demographic-conflict.resolve",
          organizationId: null,
          patientIds: [outcome.patientId],
          detail: { conflictId: request.params.id },
        },
      ]);
      return { id: request.params.id, status: "resolved" as const };
    },
  );
};
