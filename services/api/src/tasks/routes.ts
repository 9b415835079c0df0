import type { FastifyRequest } from "fastify";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { ApiDeps } from "../api-deps.ts";
import { accessesByOrganization, actorOf, recordPatientAccess } from "../audit.ts";
import { CARE_ROLES } from "../auth/access-control.ts";
import { canReadOrganization, organizationScope } from "../auth/principal.ts";
import { badRequest, ERROR_RESPONSES, notFound } from "../errors.ts";
import { changeTask, type TaskChange } from "./task-commands.ts";
import { loadTaskDetail } from "./task-detail.ts";
import { listTasks, loadTask, toTaskSummary } from "./task-queries.ts";
import {
  AttemptBody,
  CompleteBody,
  ContactBody,
  NoteBody,
  ReassignBody,
  TaskDetail,
  TaskList,
  TaskListQuery,
  TaskSummary,
} from "./task-schemas.ts";

/** An ISO instant of a request body as a Date (the schema has checked its form and offset). */
const dateOf = (value: string | undefined) => (value === undefined ? undefined : new Date(value));

const TaskParams = z.object({ id: z.string().min(1).max(200) });
const config = { roles: CARE_ROLES };
const tags = ["tasks"];

/** The `assignee` filter as a recipient id, null (unassigned) or undefined (anyone). */
function assigneeFilter(request: FastifyRequest, assignee: string | undefined): string | null | undefined {
  if (assignee === undefined) return undefined;
  if (assignee === "unassigned") return null;
  if (assignee !== "me") return assignee;
  const mine = request.principal.recipientId;
  if (mine === undefined) throw badRequest("no_recipient", "assignee=me needs a user linked to a recipient");
  return mine;
}

/**
 * The care manager's work: the task list with filters, one task with its encounter timeline,
 * alerts and history, and what is done to a task (attempt, complete, correct the contact time,
 * reassign, note).
 * A task of an organization the principal may not read answers 404, as if it did not exist.
 */
export const taskRoutes: FastifyPluginAsyncZod<{ deps: ApiDeps }> = async (app, { deps }) => {
  app.get(
    "/",
    {
      prefixTrailingSlash: "no-slash",
      config,
      schema: {
        summary: "Tasks of the signed-in user's organizations, soonest due first",
        tags,
        querystring: TaskListQuery,
        response: { 200: TaskList, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const q = request.query;
      const organizationIds = organizationScope(request.principal, q.organizationId);
      const assignee = assigneeFilter(request, q.assignee);
      const { rows, total } = await listTasks(
        deps.pool,
        {
          organizationIds,
          ...(q.status === undefined ? {} : { statuses: q.status }),
          ...(q.due === undefined ? {} : { due: q.due }),
          ...(q.program === undefined ? {} : { program: q.program }),
          ...(q.tier === undefined ? {} : { tier: q.tier }),
          ...(assignee === undefined ? {} : { assignee }),
          limit: q.limit,
          offset: q.offset,
        },
        deps.now(),
      );
      await recordPatientAccess(
        deps.pool,
        request,
        accessesByOrganization(
          rows,
          (r) => ({ organizationId: r.organization_id, patientId: r.patient_id }),
          {
            action: "task.list",
          },
        ),
      );
      return { items: rows.map(toTaskSummary), total, limit: q.limit, offset: q.offset };
    },
  );

  app.get(
    "/:id",
    {
      config,
      schema: {
        summary: "A task with its encounter timeline, the alerts sent and its history",
        tags,
        params: TaskParams,
        response: { 200: TaskDetail, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const task = await loadTask(deps.pool, request.params.id, deps.now());
      if (task === undefined || !canReadOrganization(request.principal, task.organization_id))
        throw notFound("no such task");
      const detail = await loadTaskDetail(deps.pool, task);
      await recordPatientAccess(deps.pool, request, [
        {
          action: "task.read",
          organizationId: task.organization_id,
          patientIds: [task.patient_id],
          detail: { taskId: task.id },
        },
      ]);
      return detail;
    },
  );

  const change = async (request: FastifyRequest, taskId: string, taskChange: TaskChange) => {
    await changeTask(deps.pool, {
      principal: request.principal,
      actor: actorOf(request.principal),
      taskId,
      change: taskChange,
      now: deps.now(),
      contactTimeMaxAgeDays: deps.contactTimeMaxAgeDays,
      audit: (db, access) => recordPatientAccess(db, request, [access]),
    });
    const task = await loadTask(deps.pool, taskId, deps.now());
    if (task === undefined) throw notFound("no such task");
    return toTaskSummary(task);
  };
  const changed = { 200: TaskSummary, ...ERROR_RESPONSES };

  app.post(
    "/:id/attempts",
    {
      config,
      schema: {
        summary: "Record a contact attempt (the first moves the task to in_progress)",
        tags,
        params: TaskParams,
        body: AttemptBody,
        response: changed,
      },
    },
    async (request) => {
      const { at, ...body } = request.body;
      return change(request, request.params.id, { kind: "attempt", ...body, at: dateOf(at) });
    },
  );

  app.post(
    "/:id/complete",
    {
      config,
      schema: {
        summary:
          "Complete the task with its outcome, and when and how the patient was reached (409 if already closed)",
        tags,
        params: TaskParams,
        body: CompleteBody,
        response: changed,
      },
    },
    async (request) => {
      const { contactedAt, ...body } = request.body;
      return change(request, request.params.id, {
        kind: "complete",
        ...body,
        contactedAt: dateOf(contactedAt),
      });
    },
  );

  app.patch(
    "/:id/contact",
    {
      config,
      schema: {
        summary: "Correct when (and how) the patient was reached, also after completion (audited)",
        tags,
        params: TaskParams,
        body: ContactBody,
        response: changed,
      },
    },
    async (request) =>
      change(request, request.params.id, {
        kind: "contact",
        contactedAt: new Date(request.body.contactedAt),
        contactMethod: request.body.contactMethod,
      }),
  );

  app.post(
    "/:id/reassign",
    {
      config,
      schema: {
        summary: "Give the task to another recipient of its organization",
        tags,
        params: TaskParams,
        body: ReassignBody,
        response: changed,
      },
    },
    async (request) => change(request, request.params.id, { kind: "reassign", ...request.body }),
  );

  app.post(
    "/:id/notes",
    {
      config,
      schema: {
        summary: "Add a note to the task",
        tags,
        params: TaskParams,
        body: NoteBody,
        response: changed,
      },
    },
    async (request) => change(request, request.params.id, { kind: "note", ...request.body }),
  );
};
