import { PassThrough } from "node:stream";
import type { WorkspaceChange } from "@homeward/db";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { CARE_ROLES, sessionOf } from "../auth/access-control.ts";
import { canReadOrganization } from "../auth/principal.ts";
import type { SessionCheck } from "../auth/session-check.ts";
import { ApiError, ERROR_RESPONSES, notFound } from "../errors.ts";
import type { StreamEndReason, StreamHub } from "./stream-hub.ts";
import type { WorkspaceListener } from "./stream-listener.ts";
import { StreamQuery } from "./stream-schemas.ts";

export interface StreamSettings {
  /** A comment line this often keeps proxies from closing an idle stream and shows the client it is alive. */
  heartbeatSeconds: number;
  /** How often an open stream asks whether its session is still open (sign-out elsewhere, user disabled, expiry). */
  sessionCheckSeconds: number;
}

/** A stream that cannot keep up (this much unsent) is ended; the client reconnects and reloads. */
const MAX_BUFFERED_BYTES = 64 * 1024;

const sse = (event: string, data: unknown) => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;

/**
 * `GET /api/stream`: server-sent events telling an open dashboard that its organization's alerts or
 * tasks changed, so the inbox and census reload without the user asking. Authorized like any read
 * (the bearer token; a change reaches only those who may read its organization) and carries no
 * patient data: `change` events are `{ kind, organizationId }`. Events: `ready` once listening,
 * `change`, `resync` (changes may have been missed: reload), `end` with a reason before the api
 * closes the stream (sign-out, session over, shutdown), and a comment line as a heartbeat.
 */
export const streamRoutes: FastifyPluginAsyncZod<{
  hub: StreamHub;
  listener: WorkspaceListener;
  sessions: SessionCheck;
  settings: StreamSettings;
}> = async (app, { hub, listener, sessions, settings }) => {
  app.get(
    "/",
    {
      prefixTrailingSlash: "no-slash",
      config: { roles: CARE_ROLES },
      schema: {
        summary: "Live changes of the user's organizations (text/event-stream; no patient data)",
        tags: ["workspace"],
        querystring: StreamQuery,
        produces: ["text/event-stream"],
        response: {
          200: z
            .unknown()
            .describe(
              "text/event-stream: `ready`, `change` ({ kind, organizationId }), `resync`, `end` ({ reason }); comment lines as heartbeats",
            ),
          ...ERROR_RESPONSES,
        },
      },
    },
    async (request, reply) => {
      const { organizationId } = request.query;
      const session = sessionOf(request);
      const token = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? "")?.[1];
      if (session === undefined || token === undefined)
        throw new ApiError(401, "unauthorized", "sign in required");
      if (organizationId !== undefined && !canReadOrganization(session.principal, organizationId))
        throw notFound("no such organization");
      await listener.ready();

      const stream = new PassThrough();
      const timers: NodeJS.Timeout[] = [];
      let remove: (() => void) | undefined;
      const write = (text: string) => {
        if (stream.writableEnded || stream.destroyed) return;
        if (stream.writableLength > MAX_BUFFERED_BYTES) return end("too_slow");
        stream.write(text);
      };
      const end = (reason: StreamEndReason) => {
        if (stream.writableEnded || stream.destroyed) return;
        stream.end(sse("end", { reason }));
        cleanup();
      };
      const cleanup = () => {
        for (const timer of timers) clearInterval(timer);
        remove?.();
        remove = undefined;
      };
      const subscriber = {
        sessionId: session.sessionId,
        principal: session.principal,
        organizationId,
        send: (change: WorkspaceChange) => write(sse("change", change)),
        resync: () => write(sse("resync", {})),
        end,
      };
      remove = hub.add(subscriber);
      if (remove === undefined)
        throw new ApiError(429, "too_many_streams", "too many live connections for this user; close a tab");
      stream.on("close", cleanup);
      reply.raw.on("close", () => {
        cleanup();
        stream.destroy();
      });

      timers.push(setInterval(() => write(": heartbeat\n\n"), settings.heartbeatSeconds * 1000));
      timers.push(
        setInterval(() => {
          sessions.check(token).then(
            (current) => {
              if (
                current === undefined ||
                current.sessionId !== session.sessionId ||
                !CARE_ROLES.includes(current.principal.role)
              )
                return end("session_ended");
              subscriber.principal = current.principal;
              if (organizationId !== undefined && !canReadOrganization(current.principal, organizationId))
                end("session_ended");
            },
            // The database is away: keep the stream; the next check asks again.
            (err: unknown) =>
              request.log.warn({ errName: (err as Error).name }, "stream session check failed"),
          );
        }, settings.sessionCheckSeconds * 1000),
      );
      for (const timer of timers) timer.unref();
      write(sse("ready", { heartbeatSeconds: settings.heartbeatSeconds }));
      // The connection is not reused once the stream ends: a shutdown need not wait out keep-alive.
      reply.header("connection", "close").header("x-accel-buffering", "no");
      return reply.header("content-type", "text/event-stream; charset=utf-8").send(stream);
    },
  );
};
