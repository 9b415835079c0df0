import {
  type FeedExceptionContent,
  feedExceptionContent,
  feedOverview,
  findFeedException,
  listFeedAlarms,
  listFeedExceptions,
  markFeedExceptionHandled,
  requestFeedExceptionResend,
} from "@homeward/facilities";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { ApiDeps } from "../api-deps.ts";
import { actorOf, recordAdminAction } from "../audit.ts";
import { conflict, ERROR_RESPONSES, notFound } from "../errors.ts";
import { IdParams } from "../schemas.ts";
import { FEED_ROLES, RAW_HL7_ROLES } from "./feed-roles.ts";
import {
  FeedExceptionMessageOut,
  FeedExceptionOut,
  FeedExceptionQuery,
  FeedOverviewOut,
} from "./feed-schemas.ts";

/** A connection counts as connected while its listener reported it this recently (it does every 10 s). */
const CONNECTION_STALE_SECONDS = 60;
const DAY_MS = 86_400_000;

/** The message's text as the hospital sent it (MSH-18's charset), one segment per line. */
function rawText(raw: NonNullable<FeedExceptionContent["raw"]>): string {
  const latin = raw.charset === "8859/1" || raw.charset === "ASCII";
  return Buffer.from(raw.base64, "base64")
    .toString(latin ? "latin1" : "utf8")
    .replace(/\r\n?/g, "\n");
}

/**
 * Feed operations for interface analysts (and the system admin): per facility and connection, the
 * last message, messages per hour, AA/AE/AR counts and top error codes, connected now or not, and
 * the silent-feed alarms; the browser of refused and unmatched messages with "resend" (the listener
 * sends it again with the mappings in force) and "mark handled". The list never carries a message;
 * the message itself is the interface analyst's alone, and each view is in the audit log.
 */
export const feedRoutes: FastifyPluginAsyncZod<{ deps: ApiDeps }> = async (app, { deps }) => {
  const tags = ["feeds"];
  const config = { roles: FEED_ROLES };

  app.get(
    "/feeds",
    {
      config,
      schema: {
        summary: "Every feed: counts per hour, answers, top errors, connections, silent-feed alarms",
        tags,
        querystring: z.object({ hours: z.coerce.number().int().min(1).max(168).default(24) }),
        response: { 200: FeedOverviewOut, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const now = deps.now();
      const [overview, alarms] = await Promise.all([
        feedOverview(deps.pool, { now, hours: request.query.hours, staleSeconds: CONNECTION_STALE_SECONDS }),
        listFeedAlarms(deps.pool, new Date(now.getTime() - 7 * DAY_MS)),
      ]);
      return { ...overview, alarms };
    },
  );

  app.get(
    "/feed-exceptions",
    {
      config,
      schema: {
        summary: "Messages the listener refused and events nobody matched, newest first (no message content)",
        tags,
        querystring: FeedExceptionQuery,
        response: {
          200: z.object({ items: z.array(FeedExceptionOut), total: z.number().int() }),
          ...ERROR_RESPONSES,
        },
      },
    },
    async (request) => {
      const { kind, status, facility, before, limit } = request.query;
      return listFeedExceptions(deps.pool, {
        limit,
        ...(kind === undefined ? {} : { kind }),
        ...(status === "all" ? {} : { status }),
        ...(facility === undefined ? {} : { sendingFacility: facility }),
        ...(before === undefined ? {} : { before }),
      });
    },
  );

  app.get(
    "/feed-exceptions/:id",
    {
      config,
      schema: {
        summary: "One exception (no message content)",
        tags,
        params: IdParams,
        response: { 200: FeedExceptionOut, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const found = await findFeedException(deps.pool, request.params.id);
      if (found === undefined) throw notFound("no such exception");
      return found;
    },
  );

  app.get(
    "/feed-exceptions/:id/message",
    {
      config: { roles: RAW_HL7_ROLES },
      schema: {
        summary: "The message itself: raw HL7 (refused) or the normalized event (unmatched); audited",
        tags,
        params: IdParams,
        response: { 200: FeedExceptionMessageOut, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const content = await feedExceptionContent(deps.pool, request.params.id);
      if (content === undefined) throw notFound("no such exception");
      // Written before the answer: a view that cannot be audited is not shown.
      await recordAdminAction(deps.pool, request, {
        action: "feed-exception.message.read",
        subjectType: "feed_exception",
        subjectId: request.params.id,
        detail: { raw: content.raw !== null, event: content.event !== null },
      });
      return {
        raw: content.raw === null ? null : { ...content.raw, text: rawText(content.raw) },
        event: content.event as Record<string, unknown> | null,
      };
    },
  );

  app.post(
    "/feed-exceptions/:id/resend",
    {
      config,
      schema: {
        summary:
          "Send the message to the matcher again with the facility settings in force (the listener does it)",
        tags,
        params: IdParams,
        response: { 202: FeedExceptionOut, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const result = await requestFeedExceptionResend(deps.pool, request.params.id, {
        actor: actorOf(request.principal),
        at: deps.now(),
      });
      if (!result.ok) {
        if (result.reason === "not-found") throw notFound("no such exception");
        throw conflict(
          result.reason === "truncated"
            ? "only the start of this message was kept (it was too large to store): ask the hospital to resend it"
            : "a resend of this message is already waiting for the listener",
        );
      }
      await recordAdminAction(deps.pool, request, {
        action: "feed-exception.resend",
        subjectType: "feed_exception",
        subjectId: request.params.id,
      });
      return reply.code(202).send(result.exception);
    },
  );

  app.post(
    "/feed-exceptions/:id/handled",
    {
      config,
      schema: {
        summary: "Mark an exception handled (nothing more to do), with an optional note",
        tags,
        params: IdParams,
        body: z.object({ note: z.string().trim().min(1).max(1000).optional() }).default({}),
        response: { 200: FeedExceptionOut, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const handled = await markFeedExceptionHandled(deps.pool, request.params.id, {
        actor: actorOf(request.principal),
        at: deps.now(),
        note: request.body.note ?? null,
      });
      if (handled === undefined) throw notFound("no such exception");
      await recordAdminAction(deps.pool, request, {
        action: "feed-exception.handled",
        subjectType: "feed_exception",
        subjectId: request.params.id,
      });
      return handled;
    },
  );
};
