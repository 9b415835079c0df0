import type { FastifyInstance, FastifyRequest, RouteOptions } from "fastify";
import { ApiError } from "../errors.ts";
import type { Principal, Role } from "./principal.ts";
import type { Session, SessionCheck } from "./session-check.ts";

declare module "fastify" {
  interface FastifyContextConfig {
    /** No token needed: sign-in and the OpenAPI document only. */
    public?: boolean;
    /** The roles that may call the route. Every non-public /api route must say (fail closed). */
    roles?: readonly Role[];
    /**
     * Open to a user who signed in with a temporary password and has not changed it yet (the
     * password change, who am I, sign-out); every other route answers 403 password_change_required.
     */
    duringPasswordChange?: boolean;
  }
}

export const ALL_ROLES: readonly Role[] = [
  "care_manager",
  "practice_admin",
  "quality",
  "system_admin",
  "interface_analyst",
];
/** Who works tasks and the care-management list: patient-level data of their organizations. */
export const CARE_ROLES: readonly Role[] = ["care_manager", "practice_admin", "system_admin"];
export const ADMIN_ROLES: readonly Role[] = ["practice_admin", "system_admin"];

/** Whether a URL is the JSON api's (the rest is the dashboard and its files). */
export const isApiPath = (url: string) =>
  url === "/api" || url.startsWith("/api/") || url.startsWith("/api?");

const sessions = new WeakMap<FastifyRequest, Session>();

/** The verified principal of a request, if its token was good (rate limiting keys on it). */
export function principalOf(request: FastifyRequest): Principal | undefined {
  return sessions.get(request)?.principal;
}

/** The open session a request's token stands for (sign-out ends it). */
export function sessionOf(request: FastifyRequest): Session | undefined {
  return sessions.get(request);
}

/**
 * Authentication and role checks for every /api route:
 * - a route must declare `config.public` or `config.roles`, or the app refuses to become ready;
 * - onRequest reads `Authorization: Bearer <jwt>` and, if it is good and its session open, sets
 *   `request.principal` to the user as they are now (see session-check.ts); before the rate
 *   limiter, which then counts per user rather than per address. Public routes (sign-in) never
 *   look at the header, so a token cannot change which budget a sign-in spends;
 * - preValidation answers 401 without a valid token (also for unknown /api paths, so paths
 *   are not discoverable) and 403 when the role may not call the route.
 * Organization scoping is each handler's job (`canReadOrganization`, `organizationScope`).
 */
export function installAccessControl(app: FastifyInstance, sessionCheck: SessionCheck): void {
  // Checked when the app is ready: a scope's own onRoute hook (the reports scope) may set roles
  // after this one has seen the route, on the same route options object.
  const declared: RouteOptions[] = [];
  app.addHook("onRoute", (route) => {
    if (isApiPath(route.url ?? route.path)) declared.push(route);
  });
  app.addHook("onReady", async () => {
    for (const route of declared) {
      const config = route.config ?? {};
      if (config.public !== true && (config.roles === undefined || config.roles.length === 0)) {
        throw new Error(`${String(route.method)} ${route.url}: declare config.roles or config.public`);
      }
    }
  });
  app.addHook("onRequest", async (request) => {
    if (!request.is404 && request.routeOptions.config.public === true) return;
    const header = request.headers.authorization;
    const match = header === undefined ? null : /^Bearer\s+(\S+)$/i.exec(header);
    if (match?.[1] === undefined) return;
    const session = await sessionCheck.check(match[1]);
    if (session === undefined) return;
    sessions.set(request, session);
    request.principal = session.principal;
  });
  app.addHook("preValidation", async (request, reply) => {
    if (!isApiPath(request.url)) return;
    // A route of ours declares its access; an unknown /api path (the 404 handler, or the static
    // files' wildcard) needs a token, and then answers 404.
    const route = request.is404 ? undefined : request.routeOptions;
    const config = route !== undefined && isApiPath(route.url ?? "") ? route.config : undefined;
    if (config?.public === true) return;
    const principal = principalOf(request);
    if (principal === undefined) {
      reply.header("www-authenticate", 'Bearer realm="homeward"');
      throw new ApiError(401, "unauthorized", "sign in required");
    }
    if (config === undefined) throw new ApiError(404, "not_found", "not found");
    if (!(config.roles ?? []).includes(principal.role)) {
      throw new ApiError(403, "forbidden", "your role may not do this");
    }
    if (principal.mustChangePassword === true && config.duringPasswordChange !== true) {
      throw new ApiError(403, "password_change_required", "choose a new password first");
    }
  });
}
