import { randomUUID } from "node:crypto";
import {
  homewardPatientIds,
  parseSecretKey,
  SUBSCRIPTION_SEARCH_LIMIT,
  searchSubscriptions,
  updateSubscription,
} from "@homeward/outbound";
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
import type { FastifyRequest } from "fastify";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { ApiDeps } from "../api-deps.ts";
import { actorOf, recordAdminAction, recordPatientAccess } from "../audit.ts";
import { ADMIN_ROLES } from "../auth/access-control.ts";
import { canReadOrganization, organizationScope, type Principal, type Role } from "../auth/principal.ts";
import { ApiError, badRequest, ERROR_RESPONSES, ErrorBody, notFound } from "../errors.ts";
import { DbId } from "../schemas.ts";
import { type Permission, requireScope } from "./smart-scopes.ts";
import { fhirBaseOf } from "./token-routes.ts";

type Subscription = StoredSubscription["resource"];

const Extension = z.looseObject({ url: z.string() });

/** The backport Subscription a client posts (R4): only what Homeward acts on is checked. */
const SubscriptionIn = z.looseObject({
  resourceType: z.literal("Subscription"),
  id: z.string().max(64).optional(),
  status: z.string().max(20).optional(),
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
const MAX_COUNT_URL = "http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/backport-max-count";
const STATUSES = ["requested", "active", "error", "off"] as const;
/** Users who administer subscriptions, and registered clients (each route checks the client's scope). */
const SUBSCRIPTION_ROLES: readonly Role[] = [...ADMIN_ROLES, "fhir_client"];

const ext = (list: readonly { url: string }[] | undefined, url: string) =>
  list?.find((e) => e.url === url) as Record<string, unknown> | undefined;

/** What Homeward acts on in a posted Subscription, checked; the resource stored without the header. */
function readSubscription(b: z.infer<typeof SubscriptionIn>, id: string, key: Buffer | undefined) {
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
  const maxCount = ext(b.channel.extension, MAX_COUNT_URL);
  const max = maxCount?.valuePositiveInt ?? maxCount?.valueUnsignedInt;
  if (maxCount !== undefined && !(Number.isInteger(max) && (max as number) >= 1))
    throw badRequest("bad_max_count", "backport-max-count is a positive whole number");
  const header = b.channel.header?.[0] ?? null;
  if (header !== null && key === undefined)
    throw new ApiError(
      503,
      "outbound_key_missing",
      "OUTBOUND_SECRET_KEY is not set: channel headers cannot be stored",
    );
  const { header: _dropped, ...channel } = b.channel;
  const resource = {
    ...b,
    id,
    status: "requested",
    meta: { profile: [BACKPORT_URLS.subscription] },
    channel,
  } as Subscription;
  return {
    topic,
    content: content as StoredSubscription["content"],
    heartbeatPeriod: (heartbeat as number | undefined) ?? null,
    header,
    resource,
  };
}

/** The subscription's backport-max-count (events per notification Bundle), if it set one. */
const maxCountOf = (s: StoredSubscription): number | undefined => {
  const e = ext(s.resource.channel?.extension, MAX_COUNT_URL);
  const n = e?.valuePositiveInt ?? e?.valueUnsignedInt;
  return typeof n === "number" && Number.isInteger(n) && n >= 1 ? n : undefined;
};

/**
 * FHIR R4 topic-based Subscriptions (Subscriptions R5 Backport IG 1.1.0, issue 17), under
 * /api/fhir: an admin of an organization (session token, as the other admin routes) or a
 * registered FHIR client of it (SMART Backend Services access token, scope system/Subscription.*)
 * creates a rest-hook Subscription to Homeward's encounter-start or encounter-end topic; Homeward
 * sends the handshake at once (requested → active on a 2xx, error otherwise). Search, read, update
 * (a new endpoint gets a new handshake) and DELETE (off). $status and $events let the client catch
 * up from the stored, numbered notifications ($events audited as a read of those patients).
 * Another organization's subscription is "not found". Only the organization's own patients, as
 * routing decides, are ever notified.
 */
export const fhirSubscriptionRoutes: FastifyPluginAsyncZod<{
  deps: ApiDeps;
  secretKey: string | undefined;
  timeoutMs?: number;
}> = async (app, { deps, secretKey, timeoutMs = 10_000 }) => {
  const key = secretKey === undefined ? undefined : parseSecretKey(secretKey);
  const config = { roles: SUBSCRIPTION_ROLES };
  const tags = ["fhir", "subscriptions"];
  const baseOf = fhirBaseOf;
  const permit = (request: FastifyRequest, permission: Permission) =>
    requireScope(request.principal, "Subscription", permission);
  const restHook = (base: string) => ({
    pool: deps.pool,
    secretKey: key,
    base,
    timeoutMs,
    now: () => new Date(),
  });

  const owned = async (
    request: FastifyRequest,
    id: string,
    permission: Permission,
  ): Promise<StoredSubscription> => {
    permit(request, permission);
    const principal: Principal = request.principal;
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
      permit(request, "c");
      const p = request.principal;
      const organizationId =
        request.query.organizationId ?? (p.organizationIds.length === 1 ? p.organizationIds[0] : undefined);
      if (organizationId === undefined)
        throw badRequest(
          "organization_required",
          "name the organization (organizationId): you administer several",
        );
      if (!canReadOrganization(p, organizationId)) throw notFound("unknown organization");
      const id = randomUUID();
      const { topic, content, heartbeatPeriod, header, resource } = readSubscription(request.body, id, key);
      const created = await createSubscription(deps.pool, key, {
        id,
        organizationId,
        topic,
        endpoint: request.body.channel.endpoint,
        content,
        heartbeatPeriod,
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
    async (request) => shown(await owned(request, request.params.id, "r")),
  );

  app.get(
    "/Subscription",
    {
      config,
      schema: {
        summary: "Search the caller's organizations' Subscriptions (by status, _id): a searchset Bundle",
        tags,
        querystring: z.object({
          organizationId: DbId.optional(),
          status: z.string().max(100).optional(),
          _id: z.string().max(2000).optional(),
        }),
        response: { 200: FhirResource, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      permit(request, "s");
      const q = request.query;
      const statuses = q.status?.split(",").map((x) => x.trim());
      if (statuses?.some((x) => !(STATUSES as readonly string[]).includes(x)))
        throw badRequest("bad_status", "status is requested, active, error or off (comma-separated)");
      const scope = organizationScope(request.principal, q.organizationId);
      const found = await searchSubscriptions(deps.pool, {
        organizationIds: scope,
        ...(statuses === undefined ? {} : { statuses: statuses as StoredSubscription["status"][] }),
        ...(q._id === undefined ? {} : { ids: q._id.split(",").map((x) => x.trim()) }),
      });
      const base = baseOf(request);
      const bundle = {
        resourceType: "Bundle",
        id: randomUUID(),
        type: "searchset",
        timestamp: new Date().toISOString(),
        total: found.length,
        entry: found.map((s) => ({
          fullUrl: `${base}/Subscription/${s.id}`,
          resource: shown(s),
          search: { mode: "match" },
        })),
        ...(found.length === SUBSCRIPTION_SEARCH_LIMIT ? { meta: { tag: [{ code: "SUBSETTED" }] } } : {}),
      };
      return out(bundle);
    },
  );

  app.put(
    "/Subscription/:id",
    {
      config,
      schema: {
        summary:
          "Change a Subscription (endpoint, header, end, heartbeat, content, max-count; status requested or off); a new endpoint gets a handshake",
        tags,
        params: SubscriptionId,
        body: SubscriptionIn,
        response: { 200: FhirResource, ...ERROR_RESPONSES, 503: ErrorBody },
      },
    },
    async (request) => {
      const s = await owned(request, request.params.id, "u");
      const b = request.body;
      if (b.id !== undefined && b.id !== s.id)
        throw badRequest("id_mismatch", "the body's id is not the URL's");
      const want = b.status ?? "requested";
      if (!["requested", "active", "off"].includes(want))
        throw badRequest("bad_status", "status is requested (or active) to keep it on, or off to end it");
      const next = readSubscription(b, s.id, key);
      if (next.topic !== s.topic)
        throw badRequest(
          "topic_fixed",
          "the topic (criteria) of a Subscription cannot change: create another",
        );
      const endpointChanged = b.channel.endpoint !== s.endpoint;
      // A new endpoint, or one that was off or failing, must answer a handshake before events go there.
      const handshake = want !== "off" && (endpointChanged || s.status !== "active");
      const status = want === "off" ? "off" : handshake ? "requested" : "active";
      const changed = await updateSubscription(deps.pool, key, s.id, {
        status,
        endpoint: b.channel.endpoint,
        // No header in the body keeps the stored one (it is never read back); an empty list removes it.
        header: b.channel.header === undefined ? undefined : next.header,
        content: next.content,
        heartbeatPeriod: next.heartbeatPeriod,
        resource: { ...next.resource, status } as Subscription,
      });
      if (changed === undefined) throw notFound("no such Subscription");
      await recordAdminAction(deps.pool, request, {
        action: "fhir-subscription.update",
        subjectType: "fhir_subscription",
        subjectId: s.id,
        organizationId: s.organizationId,
        detail: {
          status,
          endpoint: changed.endpoint,
          endpointChanged,
          content: changed.content,
          header: b.channel.header === undefined ? "kept" : next.header === null ? "removed" : "replaced",
        },
      });
      if (handshake) await sendHandshake(restHook(baseOf(request)), changed);
      return shown((await findSubscription(deps.pool, s.id)) ?? changed);
    },
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
      const s = await owned(request, request.params.id, "d");
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
      const s = await owned(request, request.params.id, "r");
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
        summary:
          "Stored event notifications between two event numbers (at most the subscription's backport-max-count, else 500), for catching up",
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
      const s = await owned(request, request.params.id, "r");
      const { eventsSinceNumber, eventsUntilNumber } = request.query;
      const stored = await storedNotifications(deps.pool, s.id, {
        ...(eventsSinceNumber === undefined ? {} : { from: eventsSinceNumber }),
        ...(eventsUntilNumber === undefined ? {} : { until: eventsUntilNumber }),
      });
      // backport-max-count: the earliest events of the range, the client asks again from the next.
      const events = stored.slice(0, maxCountOf(s) ?? stored.length);
      if (s.content !== "empty" && events.length > 0)
        await recordPatientAccess(deps.pool, request, [
          {
            action: "fhir-subscription.events",
            organizationId: s.organizationId,
            patientIds: events.flatMap((n) => homewardPatientIds(n.resources)),
            detail: {
              subscriptionId: s.id,
              content: s.content,
              eventNumbers: [events[0]?.eventNumber, events.at(-1)?.eventNumber],
            },
          },
        ]);
      return out(
        buildSubscriptionNotification(subscriptionRef(s, baseOf(request)), "query-event", events, {
          bundleId: randomUUID(),
          timestamp: new Date(),
        }),
      );
    },
  );
};
