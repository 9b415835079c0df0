import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { ApiDeps } from "../api-deps.ts";
import { actorOf, recordAdminAction, recordPatientAccess } from "../audit.ts";
import type { Role } from "../auth/principal.ts";
import { badRequest, conflict, ERROR_RESPONSES, notFound } from "../errors.ts";
import { DbId, Page } from "../schemas.ts";
import { decideReview, listReviews, loadReview } from "./review-store.ts";
import { Decided, EventParams, Review } from "./schemas.ts";

/**
 * Only system admins decide reviews. A review is a *possible* match: the held event may be another
 * person's hospital visit, so showing it to a candidate's practice could itself be the
 * wrong-practice disclosure the review exists to prevent.
 */
const REVIEW_ROLES: readonly Role[] = ["system_admin"];

/** The review queue of possible matches: list, confirm (teaches identifiers), reject. */
export const reviewRoutes: FastifyPluginAsyncZod<{ deps: ApiDeps }> = async (app, { deps }) => {
  const config = { roles: REVIEW_ROLES };
  const tags = ["admin"];
  app.get(
    "/reviews",
    {
      config,
      schema: {
        summary:
          "Possible matches held back for a person to decide (pending oldest first, decided newest first), field by field beside each candidate",
        tags,
        querystring: z.object({
          status: z.enum(["pending", "confirmed", "rejected"]).default("pending"),
          ...Page,
        }),
        response: {
          200: z.object({ items: z.array(Review), total: z.number().int() }),
          ...ERROR_RESPONSES,
        },
      },
    },
    async (request) => {
      const { items, total } = await listReviews(deps.pool, request.query);
      await recordPatientAccess(deps.pool, request, [
        {
          action: "review.list",
          organizationId: null,
          patientIds: items.flatMap((r) => r.candidates.map((c) => c.patientId)),
        },
      ]);
      return { items, total };
    },
  );

  const decide = async (
    request: Parameters<typeof recordAdminAction>[1],
    eventId: string,
    decision: { kind: "confirm"; patientId: string } | { kind: "reject" },
  ) => {
    const outcome = await decideReview(deps.pool, {
      eventId,
      decision,
      actor: actorOf(request.principal),
      now: deps.now(),
    });
    if (outcome === "not-found") throw notFound("no such review");
    if (outcome === "not-pending") throw conflict("the review is already decided");
    if (outcome === "not-candidate")
      throw badRequest("not_a_candidate", "the patient is not among the candidates");
    if (decision.kind === "confirm") {
      await recordPatientAccess(deps.pool, request, [
        {
          action: "review.confirm",
          organizationId: null,
          patientIds: [decision.patientId],
          detail: { eventId, identifiersAdded: outcome.identifiersAdded },
        },
      ]);
    } else {
      await recordAdminAction(deps.pool, request, {
        action: "review.reject",
        subjectType: "event",
        subjectId: eventId,
      });
    }
    const review = await loadReview(deps.pool, eventId);
    if (review === undefined) throw notFound("no such review");
    return { review, ...outcome };
  };

  app.post(
    "/reviews/:eventId/confirm",
    {
      config,
      schema: {
        summary: "Confirm the event is this candidate's: adds the event's identifiers to the patient",
        tags,
        params: EventParams,
        body: z.object({ patientId: DbId }),
        response: { 200: Decided, ...ERROR_RESPONSES },
      },
    },
    async (request) =>
      decide(request, request.params.eventId, { kind: "confirm", patientId: request.body.patientId }),
  );

  app.post(
    "/reviews/:eventId/reject",
    {
      config,
      schema: {
        summary: "None of the candidates: the event stays unmatched",
        tags,
        params: EventParams,
        response: { 200: Decided, ...ERROR_RESPONSES },
      },
    },
    async (request) => decide(request, request.params.eventId, { kind: "reject" }),
  );
};
