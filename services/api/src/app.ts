import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import helmet from "@fastify/helmet";
import rateLimit from "@fastify/rate-limit";
import fastifyStatic from "@fastify/static";
import swagger from "@fastify/swagger";
import { createPool, migrate, type Pool } from "@homeward/db";
import { loadSessionPrincipal } from "@homeward/directory";
import { startOpsServer } from "@homeward/http";
import type { Logger } from "@homeward/logger";
import { findFhirClient } from "@homeward/outbound";
import { DEFAULT_PROTOCOLS, loadProtocols, type ProtocolsFile } from "@homeward/protocols";
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from "fastify";
import {
  jsonSchemaTransform,
  jsonSchemaTransformObject,
  serializerCompiler,
  validatorCompiler,
} from "fastify-type-provider-zod";
import { accessLogRoutes } from "./access-log/routes.ts";
import type { ApiDeps } from "./api-deps.ts";
import { installAccessControl, isApiPath, principalOf } from "./auth/access-control.ts";
import { createSessionCheck } from "./auth/session-check.ts";
import { createTokenService } from "./auth/tokens.ts";
import { careManagementRoutes } from "./care-management/routes.ts";
import type { ApiConfig } from "./env.ts";
import {
  ApiError,
  answerClientError,
  answerFrameworkError,
  installErrorHandling,
  installNulCheck,
} from "./errors.ts";
import { facilityRoutes } from "./feeds/facility-routes.ts";
import { feedRoutes } from "./feeds/feed-routes.ts";
import { fhirClientRoutes } from "./fhir-subscriptions/client-routes.ts";
import { createClientTokenService, withFhirClients } from "./fhir-subscriptions/client-tokens.ts";
import { fhirReadRoutes } from "./fhir-subscriptions/read-routes.ts";
import { fhirSubscriptionRoutes } from "./fhir-subscriptions/routes.ts";
import { fhirTokenRoutes } from "./fhir-subscriptions/token-routes.ts";
import { fhirTopicRoutes } from "./fhir-subscriptions/topic-routes.ts";
import { organizationRoutes } from "./organizations/routes.ts";
import { outboundRoutes } from "./outbound/routes.ts";
import { ownershipRoutes } from "./ownership/routes.ts";
import { adminConfigRoutes } from "./protocols/routes.ts";
import { pingPostgres } from "./readiness-store.ts";
import { preferenceRoutes } from "./recipients/preference-routes.ts";
import { recipientRoutes } from "./recipients/recipient-routes.ts";
import { ruleRoutes } from "./recipients/rule-routes.ts";
import { registerReportsScope } from "./reports/routes.ts";
import { reviewRoutes } from "./reviews/routes.ts";
import { routingPreviewRoutes } from "./routing-preview/routes.ts";
import { taskRoutes } from "./tasks/routes.ts";
import { rosterRoutes } from "./uploads/roster-routes.ts";
import { accountRoutes } from "./users/account-routes.ts";
import { sessionRoutes } from "./users/session-routes.ts";
import { userRoutes } from "./users/user-routes.ts";
import { caseloadRoutes } from "./workspace/caseload-routes.ts";
import { censusRoutes } from "./workspace/census-routes.ts";
import { eventRoutes } from "./workspace/event-routes.ts";
import { patientRoutes } from "./workspace/patient-routes.ts";
import { createStreamHub, endingStreamsOnForget } from "./workspace/stream-hub.ts";
import { createWorkspaceListener } from "./workspace/stream-listener.ts";
import { streamRoutes } from "./workspace/stream-routes.ts";

declare module "fastify" {
  interface FastifyInstance {
    /** Every route of this app as `METHOD /url` (the cross-organization test checks it covers them all). */
    apiRoutes: readonly { method: string; url: string }[];
  }
}

const PUBLIC_DIR = fileURLToPath(new URL("../public", import.meta.url));
const UPLOT_DIST = join(dirname(createRequire(import.meta.url).resolve("uplot/package.json")), "dist");

/** The protocols in force: PROTOCOLS_FILE (as the notifier reads it), else the defaults from DESIGN.md. */
export async function protocolsFrom(config: ApiConfig): Promise<ProtocolsFile> {
  if (config.PROTOCOLS_FILE === undefined) return DEFAULT_PROTOCOLS;
  const loaded = loadProtocols(JSON.parse(await readFile(config.PROTOCOLS_FILE, "utf8")));
  if (!loaded.ok)
    throw new Error(`${config.PROTOCOLS_FILE}: ${loaded.errors.map((e) => e.message).join("; ")}`);
  return loaded.protocols;
}

/**
 * The dashboard's Content-Security-Policy: its scripts, styles and images come from its own origin
 * (public/ and /vendor/uplot/, no inline code), it talks only to this api, and no page may frame it.
 */
const CONTENT_SECURITY_POLICY = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", "data:"],
  fontSrc: ["'self'"],
  connectSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'none'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
};

/**
 * TRUST_PROXY as fastify's `trustProxy`. A hop count becomes "trust the n nearest hops" (fastify
 * itself reads a number as trusting none); a list of the proxies' addresses is safer, since a
 * client that reaches the api around the proxy can forge hops.
 */
function trustProxyOption(
  setting: ApiConfig["TRUST_PROXY"],
): boolean | string[] | ((address: string, hop: number) => boolean) {
  if (typeof setting !== "number") return setting;
  return (_address: string, hop: number) => hop < setting;
}

/**
 * The HTTP app, not yet listening (tests call `app.inject`): zod validation and serialization,
 * the OpenAPI document, security headers, sessions checked on every request, role checks,
 * per-user and sign-in rate limits, one error shape (also for URLs and bodies the framework
 * cannot read), the routes, and the dashboard's static files. The caller owns the pool.
 */
export async function buildApi(
  config: ApiConfig,
  deps: { pool: Pool; logger: Logger; now?: () => Date; protocols?: ProtocolsFile },
): Promise<FastifyInstance> {
  const now = deps.now ?? (() => new Date());
  const app = Fastify({
    // pino's Logger is a FastifyBaseLogger; the cast keeps the app's type the default FastifyInstance.
    loggerInstance: deps.logger as FastifyBaseLogger,
    // Our own one-line log per request (route pattern, status, user id): URLs are not logged.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: config.BODY_LIMIT_BYTES,
    // Whose X-Forwarded-For gives request.ip (sign-in limits per client address); none by default.
    trustProxy: trustProxyOption(config.TRUST_PROXY),
    frameworkErrors: answerFrameworkError,
    clientErrorHandler: answerClientError,
  });
  const routes: { method: string; url: string }[] = [];
  app.decorate("apiRoutes", routes);
  // Unset (undefined) until the auth hook verifies a token.
  app.decorateRequest("principal", undefined as never);
  app.addHook("onRoute", (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) if (method !== "HEAD") routes.push({ method, url: route.url });
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandling(app, deps.logger);
  await app.register(helmet, {
    contentSecurityPolicy: { useDefaults: false, directives: CONTENT_SECURITY_POLICY },
    frameguard: { action: "deny" },
    referrerPolicy: { policy: "no-referrer" },
    // HSTS belongs to the TLS-terminating proxy, which knows the domain and its subdomains.
    strictTransportSecurity: false,
  });
  // Answers carry patient data: no browser or proxy cache keeps one.
  app.addHook("onSend", async (request, reply, payload) => {
    if (isApiPath(request.url)) reply.header("cache-control", "no-store");
    return payload;
  });

  const tokens = createTokenService({
    secret: config.API_TOKEN_SECRET,
    ttlMinutes: config.TOKEN_TTL_MINUTES,
    now,
  });
  // Live updates: one LISTEN connection (started by the first stream) fanned out to the open streams.
  const hub = createStreamHub({ maxPerUser: config.STREAM_MAX_PER_USER });
  const workspaceListener = createWorkspaceListener({
    settings: config.stack.postgres,
    logger: deps.logger,
    onChange: (change) => hub.publish(change),
    onReconnect: () => hub.resync(),
  });
  // Open streams would hold the server open: they end first, the LISTEN connection last.
  app.addHook("preClose", async () => hub.endAll("shutdown"));
  app.addHook("onClose", async () => workspaceListener.close());
  // Signing out here ends that session's streams at once, not at their next session check.
  const sessions = endingStreamsOnForget(
    createSessionCheck({
      tokens,
      load: (sessionId, userId) => loadSessionPrincipal(deps.pool, sessionId, userId),
      cacheSeconds: config.SESSION_CHECK_CACHE_SECONDS,
    }),
    hub,
  );
  // Registered FHIR clients (SMART Backend Services) call the FHIR Subscription routes with their
  // own short-lived tokens; only routes that name the fhir_client role take them.
  const clientTokens = createClientTokenService({ secret: config.API_TOKEN_SECRET, now });
  installAccessControl(
    app,
    withFhirClients(sessions, {
      tokens: clientTokens,
      isEnabled: async (clientId, organizationId) => {
        const client = await findFhirClient(deps.pool, clientId);
        return client?.enabled === true && client.organizationId === organizationId;
      },
    }),
  );
  installNulCheck(app);
  await app.register(rateLimit, {
    max: config.RATE_LIMIT_PER_MINUTE,
    timeWindow: 60_000,
    keyGenerator: (request) => {
      const principal = principalOf(request);
      return principal === undefined ? `ip:${request.ip}` : `user:${principal.subject}`;
    },
    errorResponseBuilder: (_request, context) =>
      new ApiError(429, "rate_limited", `too many requests; try again in ${context.after}`),
  });
  await app.register(swagger, {
    openapi: {
      info: {
        title: "Homeward API",
        version: "1.0.0",
        description: "Follow-up tasks, care-management lists, rosters, settings and quality reports.",
      },
      components: { securitySchemes: { bearer: { type: "http", scheme: "bearer", bearerFormat: "JWT" } } },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });
  // Roster uploads: the CSV body is handed to the import as a stream, never buffered whole.
  app.addContentTypeParser(["text/csv", "text/plain"], (_request, payload, done) => done(null, payload));

  const apiDeps: ApiDeps = {
    pool: deps.pool,
    logger: deps.logger,
    tokens,
    now,
    protocols: deps.protocols ?? (await protocolsFrom(config)),
    contactTimeMaxAgeDays: config.CONTACT_TIME_MAX_AGE_DAYS,
  };
  app.get("/api/openapi.json", { config: { public: true }, schema: { hide: true } }, async () =>
    app.swagger(),
  );
  await app.register(sessionRoutes, {
    deps: apiDeps,
    sessions,
    signInLimits: {
      perAddress: config.LOGIN_RATE_LIMIT_PER_MINUTE,
      perAccount: config.LOGIN_ACCOUNT_RATE_LIMIT_PER_MINUTE,
    },
  });
  await app.register(taskRoutes, { deps: apiDeps, prefix: "/api/tasks" });
  await app.register(eventRoutes, { deps: apiDeps, prefix: "/api/events" });
  await app.register(patientRoutes, { deps: apiDeps, prefix: "/api/patients" });
  await app.register(careManagementRoutes, { deps: apiDeps, prefix: "/api/care-management" });
  await app.register(censusRoutes, { deps: apiDeps, prefix: "/api/census" });
  await app.register(caseloadRoutes, { deps: apiDeps, prefix: "/api/caseload" });
  await app.register(streamRoutes, {
    hub,
    listener: workspaceListener,
    sessions,
    settings: {
      heartbeatSeconds: config.STREAM_HEARTBEAT_SECONDS,
      sessionCheckSeconds: config.STREAM_SESSION_CHECK_SECONDS,
    },
    prefix: "/api/stream",
  });
  await app.register(rosterRoutes, { deps: apiDeps, prefix: "/api/admin" });
  await app.register(recipientRoutes, { deps: apiDeps, prefix: "/api/admin" });
  await app.register(preferenceRoutes, { deps: apiDeps, prefix: "/api/admin" });
  await app.register(reviewRoutes, { deps: apiDeps, prefix: "/api/admin" });
  await app.register(ownershipRoutes, { deps: apiDeps, prefix: "/api/admin" });
  await app.register(adminConfigRoutes, { deps: apiDeps, prefix: "/api/admin" });
  await app.register(accessLogRoutes, { deps: apiDeps, prefix: "/api/admin" });
  await app.register(organizationRoutes, { deps: apiDeps, prefix: "/api/admin" });
  await app.register(userRoutes, { deps: apiDeps, prefix: "/api/admin" });
  await app.register(ruleRoutes, { deps: apiDeps, prefix: "/api/admin" });
  await app.register(routingPreviewRoutes, { deps: apiDeps, prefix: "/api/admin" });
  await app.register(accountRoutes, {
    deps: apiDeps,
    sessions,
    perAddressPerMinute: config.LOGIN_RATE_LIMIT_PER_MINUTE,
  });
  await app.register(facilityRoutes, { deps: apiDeps, prefix: "/api/admin" });
  await app.register(feedRoutes, { deps: apiDeps, prefix: "/api/admin" });
  await app.register(outboundRoutes, {
    deps: apiDeps,
    secretKey: config.OUTBOUND_SECRET_KEY,
    prefix: "/api/admin",
  });
  await app.register(fhirSubscriptionRoutes, {
    deps: apiDeps,
    secretKey: config.OUTBOUND_SECRET_KEY,
    prefix: "/api/fhir",
  });
  await app.register(fhirTokenRoutes, { deps: apiDeps, tokens: clientTokens, prefix: "/api/fhir" });
  await app.register(fhirTopicRoutes, { deps: apiDeps, prefix: "/api/fhir" });
  await app.register(fhirReadRoutes, { deps: apiDeps, prefix: "/api/fhir" });
  await app.register(fhirClientRoutes, { deps: apiDeps, prefix: "/api/admin" });
  await app.register(registerReportsScope, { deps: apiDeps, prefix: "/api/reports" });

  await app.register(fastifyStatic, { root: PUBLIC_DIR, prefix: "/", index: ["index.html"] });
  await app.register(fastifyStatic, { root: UPLOT_DIST, prefix: "/vendor/uplot/", decorateReply: false });
  // The dashboard's own paths (alert emails link to /tasks/<id>): the page, which routes on the client.
  for (const path of [
    "/tasks",
    "/tasks/:id",
    "/events/:id",
    "/patients/:id",
    "/quality",
    "/quality/programs",
    "/inbox",
    "/high-risk",
    "/high-risk/agenda",
    "/census",
    "/caseload",
    "/admin/feeds",
    "/admin/feeds/*",
    "/admin",
    "/admin/*",
    "/invite",
  ]) {
    app.get(path, { config: { public: true }, schema: { hide: true } }, (_request, reply) =>
      reply.sendFile("index.html"),
    );
  }

  app.addHook("onResponse", async (request, reply) => {
    request.log.info(
      {
        method: request.method,
        route: request.is404 ? "(not found)" : request.routeOptions.url,
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime),
        user: principalOf(request)?.subject,
      },
      "request",
    );
  });
  return app;
}

export interface RunningApi {
  port: number;
  opsPort: number;
  stop(): Promise<void>;
}

/**
 * The api's composition root: migrate PostgreSQL, open the pool, build the app, listen; the ops
 * server (health, readiness, metrics) beside it. Stopped in reverse: stop taking requests and let
 * those in flight finish, then close the pool.
 */
export async function startApi(config: ApiConfig, logger: Logger): Promise<RunningApi> {
  await migrate(config.stack.postgres, (line) => logger.info(line));
  const pool = createPool(config.stack.postgres);
  const app = await buildApi(config, { pool, logger });
  await app.listen({ host: config.API_HOST, port: config.API_PORT });
  const address = app.server.address();
  const port = typeof address === "object" && address !== null ? address.port : config.API_PORT;
  const ops = await startOpsServer({
    host: config.OPS_HOST,
    port: config.OPS_PORT,
    checks: {
      postgres: () => pingPostgres(pool),
    },
  });
  let stopping: Promise<void> | undefined;
  return {
    port,
    opsPort: ops.port,
    stop() {
      stopping ??= (async () => {
        await app.close();
        await pool.end();
        await ops.close();
      })();
      return stopping;
    },
  };
}
