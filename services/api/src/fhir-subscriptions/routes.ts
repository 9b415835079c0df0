import { randomUUID } from "node:crypto";
import { parseSecretKey } from "@homeward/outbound";
import {
  BACKPORT_URLS,
  buildStatusSearchset,
  buildSubscriptionNotification,
  createSubscription,
  findSubscription,
  type StoredSubscription,
  sendHandshake,
  storedNotifications,
  subscriptionRef,
  topicOfCanonical,
  turnOffSubscription,
} from "@homeward/outbound/subscriptions";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { ApiDeps } from "../api-deps.ts";
import { actorOf, recordAdminAction } from "../audit.ts";
import { ADMIN_ROLES } from "../auth/access-control.ts";
import { canReadOrganization, type Principal } from "../auth/principal.ts";
import { ApiError, badRequest, ERROR_RESPONSES, ErrorBody, notFound } from "../errors.ts";
import { DbId } from "../schemas.ts";

type Subscription = StoredSubscription["resource"];

const Extension = z.looseObject({ url: z.string() });

/** The backport Subscription a client posts (R4): only what Homeward acts on is checked. */
const SubscriptionIn = z.looseObject({
  resourceType: z.literal("Subscription"),
  criteria: z.string().min(1).max(500),
  reason: z.string().max(500).optional(),
  end: z.string().optional(),
  channel: z.looseObject({
    type: z.literal("rest-hook"),
    endpoint: z.url({ protocol: /^https?$/ }).max(2000),
    payload: z.literal("application/fhir+json").optional(),
    header: z.array(z.string().min(1).max(2000)).max(1).optional(),
    extension: z.array(Extension).optional(),
    _payload: z.looseObject({ extension: z.array(Extension).optional() }).optional(),
  }),
});

const FhirResource = z.looseObject({ resourceType: z.string() });
/** A FHIR resource as the response schema takes it (an open object). */
const out = (r: { resourceType: string }) => r as z.infer<typeof FhirResource>;
const SubscriptionId = z.object({ id: z.string().regex(/^[A-Za-z0-9-]{1,64}$/) });
const EventNumber = z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER);

const ext = (list: readonly { url: string }[] | undefined, url: string) =>
  list?.find((e) => e.url === url) as Record<string, unknown> | undefined;

/**
 * FHIR R4 topic-based Subscriptions (Subscriptions R5 Backport IG 1.1.0, issue 17), under
 * /api/fhir: an admin of an organization (session token, as the other admin routes) creates a
 * rest-hook Subscription to Homeward's encounter-start or encounter-end topic; Homeward sends the
 * handshake at once (requested → active on a 2xx, error otherwise). $status and $events let the
 * client catch up from the stored, numbered notifications. Another organization's subscription is
 * "not found". Only the organization's own patients, as routing decides, are ever notified.
 */
export const fhirSubscriptionRoutes: FastifyPluginAsyncZod<{
  deps: ApiDeps;
  secretKey: string | undefined;
  timeoutMs?: number;
}> = async (app, { deps, secretKey, timeoutMs = 10_000 }) => {
  const key = secretKey === undefined ? undefined : parseSecretKey(secretKey);
  const config = { roles: ADMIN_ROLES };
  const tags = ["fhir", "subscriptions"];
  const baseOf = (request: { protocol: string; host: string }) =>
    `${request.protocol}://${request.host}/api/fhir`;
  const restHook = (base: string) => ({
    pool: deps.pool,
    secretKey: key,
    base,
    timeoutMs,
    now: () => new Date(),
  });

  const owned = async (principal: Principal, id: string): Promise<StoredSubscription> => {
    const s = await findSubscription(deps.pool, id);
    if (s === undefined || !canReadOrganization(principal, s.organizationId))
      throw notFound("no such Subscription");
    return s;
  };
  const shown = (s: StoredSubscription) => out({ ...s.resource, id: s.id, status: s.status } as Subscription);

  app.post(
    "/Subscription",
    {
      config,
      schema: {
        summary: "Subscribe to an encounter topic (rest-hook); the handshake is sent before the answer",
        tags,
        querystring: z.object({ organizationId: DbId.optional() }),
        body: SubscriptionIn,
        response: { 201: FhirResource, ...ERROR_RESPONSES, 503: ErrorBody },
      },
    },
    async (request, reply) => {
      const p = request.principal;
      const organizationId =
        request.query.organizationId ?? (p.organizationIds.length === 1 ? p.organizationIds[0] : undefined);
      if (organizationId === undefined)
        throw badRequest(
          "organization_required",
          "name the organization (organizationId): you administer several",
        );
      if (!canReadOrganization(p, organizationId)) throw notFound("unknown organization");
      const b = request.body;
      const topic = topicOfCanonical(b.criteria);
      if (topic === undefined)
        throw badRequest("unknown_topic", "criteria is not one of Homeward's SubscriptionTopics");
      const content = (ext(b.channel._payload?.extension, BACKPORT_URLS.payloadContent)?.valueCode ??
        "id-only") as string;
      if (!["empty", "id-only", "full-resource"].includes(content))
        throw badRequest("bad_content", "payload content is empty, id-only or full-resource");
      const heartbeat = ext(b.channel.extension, BACKPORT_URLS.heartbeatPeriod)?.valueUnsignedInt;
      if (heartbeat !== undefined && !(Number.isInteger(heartbeat) && (heartbeat as number) >= 10))
        throw badRequest("bad_heartbeat", "heartbeatPeriod is a whole number of seconds, at least 10");
      const header = b.channel.header?.[0] ?? null;
      if (header !== null && key === undefined)
        throw new ApiError(
          503,
          "outbound_key_missing",
          "OUTBOUND_SECRET_KEY is not set: channel headers cannot be stored",
        );
      const id = randomUUID();
      const { header: _dropped, ...channel } = b.channel;
      const resource = {
        ...b,
        id,
        status: "requested",
        meta: { profile: [BACKPORT_URLS.subscription] },
        channel,
      } as Subscription;
      const created = await createSubscription(deps.pool, key, {
        id,
        organizationId,
        topic,
        endpoint: b.channel.endpoint,
        content: content as StoredSubscription["content"],
        heartbeatPeriod: (heartbeat as number | undefined) ?? null,
        resource,
        header,
        createdBy: actorOf(p),
      });
      await recordAdminAction(deps.pool, request, {
        action: "fhir-subscription.create",
        subjectType: "fhir_subscription",
        subjectId: id,
        organizationId,
        detail: { topic, endpoint: created.endpoint, content, hasHeader: header !== null },
      });
      await sendHandshake(restHook(baseOf(request)), created);
      return reply.code(201).send(shown((await findSubscription(deps.pool, id)) ?? created));
    },
  );

  app.get(
    "/Subscription/:id",
    {
      config,
      schema: {
        summary: "One Subscription",
        tags,
        params: SubscriptionId,
        response: { 200: FhirResource, ...ERROR_RESPONSES },
      },
    },
    async (request) => shown(await owned(request.principal, request.params.id)),
  );

  app.delete(
    "/Subscription/:id",
    {
      config,
      schema: {
        summary: "End a Subscription (status off): nothing more is sent; $events still answers",
        tags,
        params: SubscriptionId,
        response: { 200: FhirResource, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const s = await owned(request.principal, request.params.id);
      await turnOffSubscription(deps.pool, s.id);
      await recordAdminAction(deps.pool, request, {
        action: "fhir-subscription.off",
        subjectType: "fhir_subscription",
        subjectId: s.id,
        organizationId: s.organizationId,
        detail: { topic: s.topic },
      });
      return shown((await findSubscription(deps.pool, s.id)) ?? s);
    },
  );

  app.get(
    "/Subscription/:id/$status",
    {
      config,
      schema: {
        summary: "The Subscription's status: a searchset Bundle with its SubscriptionStatus",
        tags,
        params: SubscriptionId,
        response: { 200: FhirResource, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const s = await owned(request.principal, request.params.id);
      return out(
        buildStatusSearchset(subscriptionRef(s, baseOf(request)), {
          bundleId: randomUUID(),
          timestamp: new Date(),
        }),
      );
    },
  );

  app.get(
    "/Subscription/:id/$events",
    {
      config,
      schema: {
        summary: "Stored event notifications between two event numbers (at most 500), for catching up",
        tags,
        params: SubscriptionId,
        querystring: z.object({
          eventsSinceNumber: EventNumber.optional(),
          eventsUntilNumber: EventNumber.optional(),
        }),
        response: { 200: FhirResource, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const s = await owned(request.principal, request.params.id);
      const { eventsSinceNumber, eventsUntilNumber } = request.query;
      const events = await storedNotifications(deps.pool, s.id, {
        ...(eventsSinceNumber === undefined ? {} : { from: eventsSinceNumber }),
        ...(eventsUntilNumber === undefined ? {} : { until: eventsUntilNumber }),
      });
      return out(
        buildSubscriptionNotification(subscriptionRef(s, baseOf(request)), "query-event", events, {
          bundleId: randomUUID(),
          timestamp: new Date(),
        }),
      );
    },
  );
};
