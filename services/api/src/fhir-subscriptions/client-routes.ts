import { randomBytes } from "node:crypto";
import {
  createFhirClient,
  type FhirClient,
  findFhirClient,
  listFhirClients,
  type PublicJwk,
  setFhirClientEnabled,
} from "@homeward/outbound";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { importJWK } from "jose";
import { z } from "zod";
import type { ApiDeps } from "../api-deps.ts";
import { actorOf, recordAdminAction } from "../audit.ts";
import { ADMIN_ROLES } from "../auth/access-control.ts";
import { canReadOrganization, organizationScope } from "../auth/principal.ts";
import { badRequest, ERROR_RESPONSES, notFound } from "../errors.ts";
import { DbId } from "../schemas.ts";
import { DEFAULT_CLIENT_SCOPES, parseScope, SUPPORTED_SCOPES } from "./smart-scopes.ts";
import { fhirBaseOf } from "./token-routes.ts";

/** Parts of a JWK that only a private key has: a registration carrying one is refused. */
const PRIVATE_PARTS = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"];

const Jwk = z.looseObject({ kty: z.string(), kid: z.string().max(200).optional() });
const NewClient = z.object({
  /** Required of a system admin; a practice admin's own organization otherwise. */
  organizationId: DbId.optional(),
  name: z.string().trim().min(1).max(200),
  jwks: z.object({ keys: z.array(Jwk).min(1).max(10) }),
  scopes: z.array(z.string().max(100)).min(1).max(20).optional(),
});
const ClientOut = z.object({
  clientId: z.string(),
  organizationId: z.string(),
  name: z.string(),
  jwks: z.object({ keys: z.array(Jwk) }),
  scopes: z.array(z.string()),
  enabled: z.boolean(),
  createdBy: z.string(),
  createdAt: z.string(),
  /** Where the client trades its assertion for a token (its aud). */
  tokenUrl: z.string(),
});
const ClientParams = z.object({ clientId: z.string().regex(/^[A-Za-z0-9_-]{8,100}$/) });

/** Why a key cannot be registered (RS384: RSA of 2048 bits or more; ES384: EC P-384), or undefined. */
async function keyProblem(jwk: PublicJwk, index: number): Promise<string | undefined> {
  const at = `Key ${index + 1}`;
  if (PRIVATE_PARTS.some((p) => p in jwk)) return `${at} holds a private key: register the public key only`;
  let alg: "RS384" | "ES384";
  if (jwk.kty === "RSA") alg = "RS384";
  else if (jwk.kty === "EC" && jwk.crv === "P-384") alg = "ES384";
  else return `${at} must be an RSA key (RS384) or an EC key on P-384 (ES384)`;
  if (jwk.alg !== undefined && jwk.alg !== alg) return `${at}: alg must be ${alg} for this key`;
  try {
    await importJWK(jwk, alg);
  } catch {
    return `${at} is not a usable public key`;
  }
  if (alg === "RS384" && Buffer.from(String(jwk.n), "base64url").length < 256)
    return `${at}: an RSA key needs at least 2048 bits`;
  return undefined;
}

/**
 * An organization's registered FHIR clients (SMART Backend Services, issue 17), under /api/admin:
 * its admins register a system by its public keys (a JWKS) and the scopes it may ask for, list
 * them and disable one (its tokens stop working at once). Audited; another organization's client
 * is "not found". The client_id is Homeward's, returned once registered, with the token URL.
 */
export const fhirClientRoutes: FastifyPluginAsyncZod<{ deps: ApiDeps }> = async (app, { deps }) => {
  const config = { roles: ADMIN_ROLES };
  const tags = ["admin", "fhir"];
  const shown = (c: FhirClient, request: { protocol: string; host: string }) => ({
    clientId: c.id,
    organizationId: c.organizationId,
    name: c.name,
    jwks: c.jwks,
    scopes: c.scopes,
    enabled: c.enabled,
    createdBy: c.createdBy,
    createdAt: c.createdAt,
    tokenUrl: `${fhirBaseOf(request)}/token`,
  });

  app.get(
    "/fhir-clients",
    {
      config,
      schema: {
        summary: "The registered FHIR clients of the admin's organizations",
        tags,
        querystring: z.object({ organizationId: DbId.optional() }),
        response: { 200: z.object({ items: z.array(ClientOut) }), ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const scope = organizationScope(request.principal, request.query.organizationId);
      const items = await listFhirClients(deps.pool, scope);
      return { items: items.map((c) => shown(c, request)) };
    },
  );

  app.post(
    "/fhir-clients",
    {
      config,
      schema: {
        summary: "Register a FHIR client by its public keys (SMART Backend Services)",
        tags,
        body: NewClient,
        response: { 201: ClientOut, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const p = request.principal;
      const b = request.body;
      const organizationId =
        b.organizationId ?? (p.organizationIds.length === 1 ? p.organizationIds[0] : undefined);
      if (organizationId === undefined)
        throw badRequest("organization_required", "name the organization (organizationId)");
      if (!canReadOrganization(p, organizationId)) throw notFound("unknown organization");
      const keys = b.jwks.keys as PublicJwk[];
      for (const [i, k] of keys.entries()) {
        const problem = await keyProblem(k, i);
        if (problem !== undefined) throw badRequest("bad_key", problem);
      }
      const scopes = b.scopes ?? DEFAULT_CLIENT_SCOPES;
      const unknown = scopes.find((s) => parseScope(s) === undefined);
      if (unknown !== undefined)
        throw badRequest(
          "bad_scope",
          `${unknown} is not a scope Homeward grants (${SUPPORTED_SCOPES.join(", ")})`,
        );
      const created = await createFhirClient(deps.pool, {
        id: randomBytes(18).toString("base64url"),
        organizationId,
        name: b.name,
        jwks: { keys },
        scopes,
        createdBy: actorOf(p),
      });
      await recordAdminAction(deps.pool, request, {
        action: "fhir-client.create",
        subjectType: "fhir_client",
        subjectId: created.id,
        organizationId,
        detail: { name: created.name, scopes, keyIds: keys.map((k) => k.kid ?? null) },
      });
      return reply.code(201).send(shown(created, request));
    },
  );

  app.patch(
    "/fhir-clients/:clientId",
    {
      config,
      schema: {
        summary: "Disable (or enable again) a FHIR client: a disabled client gets no token, its tokens stop",
        tags,
        params: ClientParams,
        body: z.object({ enabled: z.boolean() }),
        response: { 200: ClientOut, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const c = await findFhirClient(deps.pool, request.params.clientId);
      if (c === undefined || !canReadOrganization(request.principal, c.organizationId))
        throw notFound("no such FHIR client");
      const changed = (await setFhirClientEnabled(deps.pool, c.id, request.body.enabled)) ?? c;
      await recordAdminAction(deps.pool, request, {
        action: request.body.enabled ? "fhir-client.enable" : "fhir-client.disable",
        subjectType: "fhir_client",
        subjectId: c.id,
        organizationId: c.organizationId,
      });
      return shown(changed, request);
    },
  );
};
