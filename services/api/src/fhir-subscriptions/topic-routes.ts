import { randomUUID } from "node:crypto";
import { buildCapabilityStatement, buildTopicBasic, topicBasics } from "@homeward/outbound";
import {
  SUBSCRIPTION_TOPICS,
  type SubscriptionTopicName,
  topicOfCanonical,
} from "@homeward/outbound/subscriptions";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { ApiDeps } from "../api-deps.ts";
import { ERROR_RESPONSES, notFound } from "../errors.ts";
import { fhirBaseOf } from "./token-routes.ts";

type Basic = ReturnType<typeof buildTopicBasic>;
const FhirResource = z.looseObject({ resourceType: z.string() });
const out = (r: { resourceType: string }) => r as z.infer<typeof FhirResource>;
const TopicId = z.object({ id: z.string().max(100) });

/**
 * Homeward's SubscriptionTopics and CapabilityStatement, public like any FHIR server's metadata (no
 * patient data). In R4 a topic is a `Basic` (backport IG); `GET /Basic?code=SubscriptionTopic` and
 * `GET /Basic/:id` serve them, `/SubscriptionTopic` and `/SubscriptionTopic/:id` are the same
 * resources at the address their canonical URLs end with, for clients that look there.
 */
export const fhirTopicRoutes: FastifyPluginAsyncZod<{ deps: ApiDeps }> = async (app, { deps }) => {
  const config = { public: true };
  const tags = ["fhir", "subscriptions"];
  const searchset = (request: { protocol: string; host: string }, topics: Basic[]) => ({
    resourceType: "Bundle",
    id: randomUUID(),
    type: "searchset",
    timestamp: deps.now().toISOString(),
    total: topics.length,
    entry: topics.map((t) => ({
      fullUrl: `${fhirBaseOf(request)}/Basic/${t.id}`,
      resource: t,
      search: { mode: "match" },
    })),
  });
  const one = (id: string) => {
    if (!(id in SUBSCRIPTION_TOPICS)) throw notFound("no such SubscriptionTopic");
    return out(buildTopicBasic(id as SubscriptionTopicName));
  };
  /** Topics by `url` (a canonical, `|version` allowed) and `_id`; none given: all. */
  const matching = (q: { url?: string | undefined; _id?: string | undefined }) =>
    topicBasics().filter(
      (t) =>
        (q._id === undefined || q._id.split(",").includes(t.id ?? "")) &&
        (q.url === undefined || topicOfCanonical(q.url) === t.id),
    );
  const TopicQuery = z.object({ url: z.string().max(500).optional(), _id: z.string().max(500).optional() });

  app.get(
    "/metadata",
    {
      config,
      schema: {
        summary: "CapabilityStatement: Subscription with Homeward's topics, Basic topics, SMART security",
        tags,
        response: { 200: FhirResource },
      },
    },
    async (request) => out(buildCapabilityStatement(fhirBaseOf(request), deps.now())),
  );

  app.get(
    "/Basic",
    {
      config,
      schema: {
        summary: "The SubscriptionTopics as R4 Basic resources (code=SubscriptionTopic)",
        tags,
        querystring: TopicQuery.extend({ code: z.string().max(200).optional() }),
        response: { 200: FhirResource },
      },
    },
    async (request) => {
      const code = request.query.code;
      const isTopic =
        code === undefined || code === "SubscriptionTopic" || code.endsWith("|SubscriptionTopic");
      return out(searchset(request, isTopic ? matching(request.query) : []));
    },
  );
  app.get(
    "/Basic/:id",
    {
      config,
      schema: {
        summary: "One SubscriptionTopic (R4 Basic)",
        tags,
        params: TopicId,
        response: { 200: FhirResource, ...ERROR_RESPONSES },
      },
    },
    async (request) => one(request.params.id),
  );
  app.get(
    "/SubscriptionTopic",
    {
      config,
      schema: {
        summary: "The SubscriptionTopics (as R4 Basic resources)",
        tags,
        querystring: TopicQuery,
        response: { 200: FhirResource },
      },
    },
    async (request) => out(searchset(request, matching(request.query))),
  );
  app.get(
    "/SubscriptionTopic/:id",
    {
      config,
      schema: {
        summary: "One SubscriptionTopic (as an R4 Basic)",
        tags,
        params: TopicId,
        response: { 200: FhirResource, ...ERROR_RESPONSES },
      },
    },
    async (request) => one(request.params.id),
  );
};
