import { notifyReferenceChanged } from "@homeward/db";
import {
  createRule,
  endRule,
  findRule,
  listRules,
  type NotificationRuleFields,
  recipientOfOrganization,
  type StoredRule,
} from "@homeward/directory";
import type { FastifyRequest } from "fastify";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { ApiDeps } from "../api-deps.ts";
import { recordAdminAction } from "../audit.ts";
import { ADMIN_ROLES } from "../auth/access-control.ts";
import { canReadOrganization, organizationScope } from "../auth/principal.ts";
import { badRequest, conflict, ERROR_RESPONSES, notFound } from "../errors.ts";
import { DbId, IdParams, QueryBoolean } from "../schemas.ts";
import { NewRule, type RuleBase, RuleFields, RuleOut } from "./rule-schemas.ts";

const fieldsOf = (b: z.infer<typeof RuleBase>): NotificationRuleFields => ({
  recipientId: b.recipientId,
  recipientRole: b.recipientRole,
  audience: b.recipientRole === null ? "care_team" : b.audience,
  eventKinds: b.eventKinds,
  programs: b.programs,
  riskTiers: b.riskTiers,
  facilities: b.facilities,
  channel: b.channel,
});

/**
 * Notification rules: who besides the patient's care team hears of which events (a named recipient,
 * the patient's own PCP of record, every supervisor…). A rule is never edited in place: a change ends
 * it and starts its replacement, so replays route as they would have then. The matcher reloads on
 * every change. Practice admins manage their own organizations' rules; every change is audited.
 */
export const ruleRoutes: FastifyPluginAsyncZod<{ deps: ApiDeps }> = async (app, { deps }) => {
  const config = { roles: ADMIN_ROLES };
  const tags = ["admin"];

  const ruleFor = async (request: FastifyRequest, id: string): Promise<StoredRule> => {
    const rule = await findRule(deps.pool, id);
    if (rule === undefined || !canReadOrganization(request.principal, rule.organizationId))
      throw notFound("no such rule");
    return rule;
  };
  const checkRecipient = async (organizationId: string, fields: NotificationRuleFields) => {
    if (
      fields.recipientId !== null &&
      !(await recipientOfOrganization(deps.pool, fields.recipientId, organizationId))
    )
      throw badRequest("recipient_not_theirs", "the recipient is not one of the organization's");
  };
  const audit = (request: FastifyRequest, action: string, rule: StoredRule, detail: object = {}) =>
    recordAdminAction(deps.pool, request, {
      action,
      subjectType: "notification_rule",
      subjectId: rule.id,
      organizationId: rule.organizationId,
      detail,
    });

  app.get(
    "/notification-rules",
    {
      config,
      schema: {
        summary: "Notification rules of the admin's organizations: those in force, and ended ones if asked",
        tags,
        querystring: z.object({ organizationId: DbId.optional(), includeEnded: QueryBoolean.default(false) }),
        response: { 200: z.object({ items: z.array(RuleOut) }), ...ERROR_RESPONSES },
      },
    },
    async (request) => ({
      items: await listRules(deps.pool, {
        organizationIds: organizationScope(request.principal, request.query.organizationId) ?? null,
        includeEnded: request.query.includeEnded,
      }),
    }),
  );

  app.post(
    "/notification-rules",
    {
      config,
      schema: {
        summary: "Add a notification rule, in force from now",
        tags,
        body: NewRule,
        response: { 201: RuleOut, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const { organizationId } = request.body;
      if (!canReadOrganization(request.principal, organizationId)) throw notFound("unknown organization");
      const fields = fieldsOf(request.body);
      await checkRecipient(organizationId, fields);
      const rule = await createRule(deps.pool, organizationId, fields, deps.now());
      await notifyReferenceChanged(deps.pool);
      await audit(request, "notification-rule.create", rule, { fields });
      return reply.code(201).send(rule);
    },
  );

  app.put(
    "/notification-rules/:id",
    {
      config,
      schema: {
        summary: "Change a rule: it ends now and its replacement starts (answers the replacement)",
        tags,
        params: IdParams,
        body: RuleFields,
        response: { 200: RuleOut, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const current = await ruleFor(request, request.params.id);
      if (!current.active) throw conflict("the rule has ended; add a new one");
      const fields = fieldsOf(request.body);
      await checkRecipient(current.organizationId, fields);
      const now = deps.now();
      if (!(await endRule(deps.pool, current.id, now))) throw conflict("the rule has ended; add a new one");
      const replacement = await createRule(deps.pool, current.organizationId, fields, now);
      await notifyReferenceChanged(deps.pool);
      await audit(request, "notification-rule.replace", replacement, { replaces: current.id, fields });
      return replacement;
    },
  );

  app.delete(
    "/notification-rules/:id",
    {
      config,
      schema: {
        summary: "End a rule now (events before still route by it)",
        tags,
        params: IdParams,
        response: { 204: z.null(), ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const current = await ruleFor(request, request.params.id);
      if (!(await endRule(deps.pool, current.id, deps.now()))) throw conflict("the rule has ended already");
      await notifyReferenceChanged(deps.pool);
      await audit(request, "notification-rule.end", current);
      return reply.code(204).send(null);
    },
  );
};
