import { findNotifiedResource, homewardPatientIds, type NotifiedResourceType } from "@homeward/outbound";
import type { FastifyReply, FastifyRequest } from "fastify";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { ApiDeps } from "../api-deps.ts";
import { recordPatientAccess } from "../audit.ts";
import { ADMIN_ROLES } from "../auth/access-control.ts";
import { organizationScope, type Role } from "../auth/principal.ts";
import { ERROR_RESPONSES } from "../errors.ts";
import { DbId } from "../schemas.ts";
import { requireScope } from "./smart-scopes.ts";

const FhirResource = z.looseObject({ resourceType: z.string() });
/** A FHIR resource id (R4: `[A-Za-z0-9\-\.]{1,64}`). */
const ResourceId = z.object({ id: z.string().regex(/^[A-Za-z0-9.-]{1,64}$/) });
/** The organization's admins, and its registered clients with the read scope of the resource type. */
const READ_ROLES: readonly Role[] = [...ADMIN_ROLES, "fhir_client"];
const FHIR_JSON = "application/fhir+json; charset=utf-8";

/** A withdrawn Encounter: its id, entered-in-error, and the class R4 requires (1..1). */
const withdrawnEncounter = (e: { id?: string; class?: unknown }) => ({
  resourceType: "Encounter",
  id: e.id,
  status: "entered-in-error",
  class: e.class,
});

const notFoundOutcome = (type: NotifiedResourceType, id: string) => ({
  resourceType: "OperationOutcome",
  issue: [
    {
      severity: "error",
      code: "not-found",
      diagnostics: `${type}/${id} is not known to this organization's subscriptions`,
    },
  ],
});

/**
 * Reads of the Encounter and Patient that FHIR Subscription notifications name (issue 17). An
 * `id-only` notification carries `Encounter/<id>` (focus) and `Patient/<id>` (additional context);
 * the subscriber reads them here, as the backport IG expects of the server. Homeward answers the
 * resource as it last notified it to a subscription of the caller's organization; anything else,
 * another organization's included, is a 404 OperationOutcome that says nothing of who has it.
 * A registered client needs `system/Encounter.r` / `system/Patient.r`; an admin of the organization
 * reads with their session. Every answer is written to the access log for the patient.
 */
export const fhirReadRoutes: FastifyPluginAsyncZod<{ deps: ApiDeps }> = async (app, { deps }) => {
  const config = { roles: READ_ROLES };
  const tags = ["fhir", "subscriptions"];
  const schema = {
    tags,
    params: ResourceId,
    querystring: z.object({ organizationId: DbId.optional() }),
    response: { 200: FhirResource, ...ERROR_RESPONSES, 404: FhirResource },
  };

  const read = async (
    request: FastifyRequest,
    reply: FastifyReply,
    type: NotifiedResourceType,
    id: string,
    organizationId: string | undefined,
  ) => {
    const p = request.principal;
    requireScope(p, type, "r");
    const found = await findNotifiedResource(deps.pool, {
      organizationIds: organizationScope(p, organizationId),
      resourceType: type,
      id,
      // A Patient is only known through its notifications: once every one of them was withdrawn,
      // there is nothing true to answer.
      live: type === "Patient",
    });
    if (found === undefined) return reply.code(404).type(FHIR_JSON).send(notFoundOutcome(type, id));
    await recordPatientAccess(deps.pool, request, [
      {
        action: type === "Encounter" ? "fhir-encounter.read" : "fhir-patient.read",
        organizationId: found.organizationId,
        patientIds: homewardPatientIds(found.notification),
        detail: {
          resource: `${type}/${id}`,
          subscriptionId: found.subscriptionId,
          eventNumber: found.eventNumber,
          retracted: found.retracted,
        },
      },
    ]);
    // The notified encounter was withdrawn (A11/A13 retracted its match) and Homeward does not notify
    // subscriptions of corrections: what was said about it must not be taken as true, which FHIR
    // says with entered-in-error (as the Da Vinci channel's A11 cancel does). Only what R4 requires
    // is kept (id, status, class): nothing of what the hospital withdrew is handed out again, as
    // $events gives nothing of a notification skipped for a retraction.
    const resource =
      type === "Encounter" && found.retracted ? withdrawnEncounter(found.resource) : found.resource;
    return reply.type(FHIR_JSON).send(resource as z.infer<typeof FhirResource>);
  };

  app.get(
    "/Encounter/:id",
    {
      config,
      schema: {
        ...schema,
        summary:
          "The Encounter a FHIR Subscription notification named, as last notified to the caller's organization (entered-in-error when retracted)",
      },
    },
    async (request, reply) =>
      read(request, reply, "Encounter", request.params.id, request.query.organizationId),
  );

  app.get(
    "/Patient/:id",
    {
      config,
      schema: {
        ...schema,
        summary:
          "The Patient a FHIR Subscription notification named, as last notified to the caller's organization",
      },
    },
    async (request, reply) =>
      read(request, reply, "Patient", request.params.id, request.query.organizationId),
  );
};
