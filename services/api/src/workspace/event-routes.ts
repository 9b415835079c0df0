import type { FastifyRequest } from "fastify";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { ApiDeps } from "../api-deps.ts";
import { actorOf, recordPatientAccess } from "../audit.ts";
import { CARE_ROLES } from "../auth/access-control.ts";
import { canReadOrganization } from "../auth/principal.ts";
import { conflict, ERROR_RESPONSES, notFound } from "../errors.ts";
import { loadCalendars } from "../reports/follow-up-store.ts";
import { loadTask, toTaskSummary } from "../tasks/task-queries.ts";
import { loadEventDetail } from "./event-detail.ts";
import { HAND_OPENED_DUE_WORDS, openFollowUpTask } from "./event-follow-up.ts";
import { EventDetail, EventParams, FollowUpTaskCreated } from "./event-schemas.ts";
import { loadMatchedEvent, type MatchedEventRow } from "./event-store.ts";

const config = { roles: CARE_ROLES };
const tags = ["events"];

/**
 * The event page an alert's link opens (`/events/<matchId>`): who, where and why, the care team, the
 * tasks or why none, the alerts sent; and the one-click follow-up task for an event that opened none.
 * Only the organization the event was routed to (and a system admin) reads it; anyone else gets 404,
 * as if it did not exist. Every read and the task it opens are in the access log.
 */
export const eventRoutes: FastifyPluginAsyncZod<{ deps: ApiDeps }> = async (app, { deps }) => {
  const readable = async (request: FastifyRequest, matchId: string): Promise<MatchedEventRow> => {
    const event = await loadMatchedEvent(deps.pool, matchId);
    if (event === undefined || !canReadOrganization(request.principal, event.organization_id))
      throw notFound("no such event");
    return event;
  };

  app.get(
    "/:id",
    {
      config,
      schema: {
        summary: "A matched event as the organization it was routed to reads it (who, where, why, follow-up)",
        tags,
        params: EventParams,
        response: { 200: EventDetail, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const event = await readable(request, request.params.id);
      const detail = await loadEventDetail(deps.pool, event, deps.now());
      await recordPatientAccess(deps.pool, request, [
        {
          action: "event.read",
          organizationId: event.organization_id,
          patientIds: [event.patient_id],
          detail: { matchId: event.match_id },
        },
      ]);
      return detail;
    },
  );

  app.post(
    "/:id/tasks",
    {
      config,
      schema: {
        summary:
          "Open a follow-up call for the event's encounter (201), or answer the one already opened by hand (200)",
        tags,
        params: EventParams,
        response: { 200: FollowUpTaskCreated, 201: FollowUpTaskCreated, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const event = await readable(request, request.params.id);
      if (event.retracted_at !== null)
        throw conflict("the hospital took this event back: there is nothing to follow up");
      const calendar = (await loadCalendars(deps.pool, [event.organization_id])).get(event.organization_id);
      if (calendar === undefined) throw notFound("no such event");
      const opened = await openFollowUpTask(deps.pool, {
        event,
        principal: request.principal,
        actor: actorOf(request.principal),
        now: deps.now(),
        calendar,
        audit: (db, detail) =>
          recordPatientAccess(db, request, [
            {
              action: "event.create-task",
              organizationId: event.organization_id,
              patientIds: [event.patient_id],
              detail: { matchId: event.match_id, ...detail },
            },
          ]),
      });
      const task = await loadTask(deps.pool, opened.taskId, deps.now());
      if (task === undefined) throw notFound("no such task");
      reply.code(opened.created ? 201 : 200);
      return {
        task: toTaskSummary(task),
        created: opened.created,
        due: { rule: HAND_OPENED_DUE_WORDS, dueAt: task.due_at.toISOString(), timeZone: calendar.timeZone },
        assignedBecause: opened.assignedBecause,
      };
    },
  );
};
