import { claimAssertionJti, findFhirClient } from "@homeward/outbound";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { ApiDeps } from "../api-deps.ts";
import { ASSERTION_ALGORITHMS, verifyClientAssertion } from "./client-assertion.ts";
import type { ClientTokenService } from "./client-tokens.ts";
import { grantScopes, SUPPORTED_SCOPES } from "./smart-scopes.ts";

const JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/** An OAuth 2.0 error answer (RFC 6749 section 5.2). */
const OAuthError = z.object({ error: z.string(), error_description: z.string() });
const TokenAnswer = z.object({
  access_token: z.string(),
  token_type: z.literal("bearer"),
  expires_in: z.number().int(),
  scope: z.string(),
});
const TokenRequest = z.object({
  grant_type: z.string().max(200).optional(),
  client_assertion_type: z.string().max(200).optional(),
  client_assertion: z.string().max(20_000).optional(),
  scope: z.string().max(2000).optional(),
});

/** The FHIR base as the caller reached it: the token URL an assertion's aud must name. */
export const fhirBaseOf = (request: { protocol: string; host: string }) =>
  `${request.protocol}://${request.host}/api/fhir`;

/**
 * SMART Backend Services for Homeward's FHIR API: the discovery document and the token endpoint
 * (client_credentials with a private_key_jwt assertion). Both are public: the assertion is the
 * credential. A good assertion earns a short-lived bearer token for the client's organization with
 * the scopes asked for; anything wrong with the assertion or the client is `invalid_client` (401).
 */
export const fhirTokenRoutes: FastifyPluginAsyncZod<{ deps: ApiDeps; tokens: ClientTokenService }> = async (
  app,
  { deps, tokens },
) => {
  const config = { public: true };
  const tags = ["fhir", "smart"];
  // OAuth token requests are form-encoded; only this plugin reads that type.
  app.addContentTypeParser(
    "application/x-www-form-urlencoded",
    { parseAs: "string" },
    (_request, body, done) => done(null, Object.fromEntries(new URLSearchParams(body as string))),
  );

  app.get(
    "/.well-known/smart-configuration",
    {
      config,
      schema: {
        summary: "SMART configuration: the token endpoint and what it accepts (Backend Services)",
        tags,
        response: { 200: z.looseObject({ token_endpoint: z.string() }) },
      },
    },
    async (request) => ({
      token_endpoint: `${fhirBaseOf(request)}/token`,
      grant_types_supported: ["client_credentials"],
      token_endpoint_auth_methods_supported: ["private_key_jwt"],
      token_endpoint_auth_signing_alg_values_supported: [...ASSERTION_ALGORITHMS],
      scopes_supported: [...SUPPORTED_SCOPES],
      capabilities: ["client-confidential-asymmetric", "permission-v2"],
    }),
  );

  app.post(
    "/token",
    {
      config,
      schema: {
        summary: "Trade a signed client assertion for an access token (client_credentials, private_key_jwt)",
        tags,
        consumes: ["application/x-www-form-urlencoded"],
        response: { 200: TokenAnswer, 400: OAuthError, 401: OAuthError },
      },
    },
    async (request, reply) => {
      reply.header("pragma", "no-cache");
      const fail = (status: 400 | 401, error: string, description: string) =>
        reply.code(status).send({ error, error_description: description });
      const parsed = TokenRequest.safeParse(request.body ?? {});
      if (!parsed.success) return fail(400, "invalid_request", "a form-encoded token request is expected");
      const b = parsed.data;
      if (b.grant_type !== "client_credentials")
        return fail(400, "unsupported_grant_type", "grant_type must be client_credentials");
      if (b.client_assertion_type !== JWT_BEARER || b.client_assertion === undefined)
        return fail(
          400,
          "invalid_request",
          `client_assertion_type must be ${JWT_BEARER}, with client_assertion`,
        );
      if (b.scope === undefined || b.scope.trim() === "")
        return fail(400, "invalid_scope", "scope is required (e.g. system/Subscription.cruds)");
      const now = deps.now();
      const verdict = await verifyClientAssertion(b.client_assertion, {
        tokenUrl: `${fhirBaseOf(request)}/token`,
        now,
        loadClient: (id) => findFhirClient(deps.pool, id),
        claimJti: (clientId, jti, expiresAt) => claimAssertionJti(deps.pool, clientId, jti, expiresAt, now),
      });
      if (!verdict.ok) return fail(401, verdict.error, verdict.description);
      const scopes = grantScopes(b.scope, verdict.client.scopes);
      if (scopes === undefined)
        return fail(400, "invalid_scope", `scope must be among ${verdict.client.scopes.join(" ")}`);
      const issued = await tokens.issue({
        clientId: verdict.client.id,
        organizationId: verdict.client.organizationId,
        scopes,
      });
      return {
        access_token: issued.token,
        token_type: "bearer" as const,
        expires_in: issued.expiresIn,
        scope: scopes.join(" "),
      };
    },
  );
};
