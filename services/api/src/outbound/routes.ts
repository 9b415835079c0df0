import { parseSecretKey } from "@homeward/outbound";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { ApiDeps } from "../api-deps.ts";
import { actorOf, recordAdminAction } from "../audit.ts";
import { ADMIN_ROLES } from "../auth/access-control.ts";
import { canReadOrganization, organizationScope } from "../auth/principal.ts";
import { ApiError, conflict, ERROR_RESPONSES, ErrorBody, notFound } from "../errors.ts";
import { DbId, IdParams } from "../schemas.ts";
import { EndpointOut, EndpointUpdate, NewEndpoint, OutboundDeliveryOut } from "./schemas.ts";
import { addEndpoint, changeEndpoint, deliveriesOfEvent, endpointById, endpointsOf } from "./store.ts";

type Body = z.infer<typeof EndpointUpdate>;
const fieldsOf = (b: Body) => ({
  name: b.name,
  kind: b.kind,
  url: b.url,
  host: b.host,
  port: b.port,
  authKind: b.authKind,
  smart: b.smart,
  tls: b.tls,
  eventKinds: b.eventKinds,
  programs: b.programs,
  enabled: b.enabled,
});

/**
 * An organization's systems Homeward notifies (issue 17): Da Vinci FHIR notification receivers,
 * signed webhooks and HL7 v2 interfaces (MLLP). Admins of the organization (and system admins) list, add and change them; every
 * change is audited without the secret, which is sealed with OUTBOUND_SECRET_KEY and never
 * returned. Another organization's endpoint is "not found". Without the key, adding or changing an
 * endpoint with a secret answers 503.
 */
export const outboundRoutes: FastifyPluginAsyncZod<{ deps: ApiDeps; secretKey: string | undefined }> = async (
  app,
  { deps, secretKey },
) => {
  const key = secretKey === undefined ? undefined : parseSecretKey(secretKey);
  const keyFor = (secret: string | undefined): Buffer => {
    if (key !== undefined) return key;
    if (secret === undefined) return Buffer.alloc(32);
    throw new ApiError(
      503,
      "outbound_key_missing",
      "OUTBOUND_SECRET_KEY is not set: endpoint secrets cannot be stored",
    );
  };
  const config = { roles: ADMIN_ROLES };
  const tags = ["admin", "outbound"];

  app.get(
    "/outbound-endpoints",
    {
      config,
      schema: {
        summary: "The outbound endpoints of the admin's organizations",
        tags,
        querystring: z.object({ organizationId: DbId.optional() }),
        response: { 200: z.object({ items: z.array(EndpointOut) }), ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const scope = organizationScope(request.principal, request.query.organizationId);
      return { items: await endpointsOf(deps.pool, scope ?? null) };
    },
  );

  app.get(
    "/outbound-endpoints/:id",
    {
      config,
      schema: {
        summary: "One outbound endpoint",
        tags,
        params: IdParams,
        response: { 200: EndpointOut, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const e = await endpointById(deps.pool, request.params.id);
      if (e === undefined || !canReadOrganization(request.principal, e.organizationId))
        throw notFound("no such endpoint");
      return e;
    },
  );

  app.post(
    "/outbound-endpoints",
    {
      config,
      schema: {
        summary: "Add an outbound endpoint (FHIR, webhook or HL7 v2 over MLLP)",
        tags,
        body: NewEndpoint,
        response: { 201: EndpointOut, ...ERROR_RESPONSES, 503: ErrorBody },
      },
    },
    async (request, reply) => {
      const b = request.body;
      if (!canReadOrganization(request.principal, b.organizationId)) throw notFound("unknown organization");
      const created = await addEndpoint(deps.pool, keyFor(b.secret ?? b.tlsClientKey), {
        organizationId: b.organizationId,
        fields: fieldsOf(b),
        secret: b.secret ?? null,
        tlsClientKey: b.tlsClientKey ?? null,
        createdBy: actorOf(request.principal),
      });
      if (created === "name-taken") throw conflict("the organization has an endpoint with that name");
      await recordAdminAction(deps.pool, request, {
        action: "outbound-endpoint.create",
        subjectType: "outbound_endpoint",
        subjectId: created.id,
        organizationId: created.organizationId,
        detail: {
          kind: created.kind,
          url: created.url,
          authKind: created.authKind,
          ...(created.smart === null
            ? {}
            : { tokenUrl: created.smart.tokenUrl, clientId: created.smart.clientId }),
          mllpTls: created.tls.mllpTls,
          privateCa: created.tls.caPem !== null,
          clientCertificate: created.tls.clientCertPem !== null,
          enabled: created.enabled,
        },
      });
      return reply.code(201).send(created);
    },
  );

  app.put(
    "/outbound-endpoints/:id",
    {
      config,
      schema: {
        summary: "Change an outbound endpoint (a new secret replaces the stored one; none keeps it)",
        tags,
        params: IdParams,
        body: EndpointUpdate,
        response: { 200: EndpointOut, ...ERROR_RESPONSES, 503: ErrorBody },
      },
    },
    async (request) => {
      const before = await endpointById(deps.pool, request.params.id);
      if (before === undefined || !canReadOrganization(request.principal, before.organizationId))
        throw notFound("no such endpoint");
      const b = request.body;
      // An authentication kind without a secret drops the stored one.
      const secret = b.authKind === "none" ? null : b.secret;
      if (
        b.authKind !== "none" &&
        secret === undefined &&
        (!before.hasSecret || before.authKind !== b.authKind)
      )
        throw conflict(`${b.authKind} needs its secret`);
      // No client certificate drops its key; a new certificate needs its own key.
      const tlsKey = b.tls.clientCertPem === null ? null : b.tlsClientKey;
      if (
        b.tls.clientCertPem !== null &&
        tlsKey === undefined &&
        (!before.hasTlsClientKey || before.tls.clientCertPem !== b.tls.clientCertPem)
      )
        throw conflict("a new client certificate needs its key");
      const changed = await changeEndpoint(
        deps.pool,
        keyFor(b.secret ?? b.tlsClientKey),
        before.id,
        fieldsOf(b),
        secret,
        tlsKey,
      );
      if (changed === undefined) throw notFound("no such endpoint");
      if (changed === "name-taken") throw conflict("the organization has an endpoint with that name");
      const fields = (
        ["name", "kind", "url", "authKind", "smart", "tls", "eventKinds", "programs", "enabled"] as const
      ).filter((f) => JSON.stringify(before[f]) !== JSON.stringify(changed[f]));
      await recordAdminAction(deps.pool, request, {
        action: "outbound-endpoint.update",
        subjectType: "outbound_endpoint",
        subjectId: changed.id,
        organizationId: changed.organizationId,
        detail: {
          fields,
          secretChanged: typeof secret === "string" || (secret === null && before.hasSecret),
          tlsClientKeyChanged: typeof tlsKey === "string" || (tlsKey === null && before.hasTlsClientKey),
        },
      });
      return changed;
    },
  );

  app.get(
    "/outbound-deliveries",
    {
      config,
      schema: {
        summary: "What was delivered to which system for one event",
        tags,
        querystring: z.object({ eventId: z.string().min(1).max(200) }),
        response: { 200: z.object({ items: z.array(OutboundDeliveryOut) }), ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const scope = organizationScope(request.principal);
      return { items: await deliveriesOfEvent(deps.pool, request.query.eventId, scope ?? null) };
    },
  );
};
