import type { Logger } from "@homeward/logger";
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { hasZodFastifySchemaValidationErrors } from "fastify-type-provider-zod";
import { z } from "zod";

/** The one shape of every error the api answers with, whatever went wrong. */
export const ErrorBody = z
  .object({
    error: z.object({
      /** Stable, machine-readable: `validation_failed`, `unauthorized`, `not_found`, `conflict`... */
      code: z.string(),
      /** For people; never carries patient data or a stack. */
      message: z.string(),
      details: z.unknown().optional(),
    }),
  })
  .meta({ id: "ErrorBody" });
export type ErrorBody = z.infer<typeof ErrorBody>;

/**
 * An expected failure a handler reports by throwing: the error handler turns it into its status
 * and the one error shape. Messages are written for the caller and must not carry PHI.
 */
export class ApiError extends Error {
  override name = "ApiError";
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

/** 404 for a record that does not exist or that the principal may not read: existence is not revealed. */
export const notFound = (what = "not found") => new ApiError(404, "not_found", what);
/** 409: the record is not in a state that allows the change (a closed task, a decided review). */
export const conflict = (message: string, details?: unknown) =>
  new ApiError(409, "conflict", message, details);
/** 400 for a request that is well-formed but names something unusable (a recipient of another organization). */
export const badRequest = (code: string, message: string, details?: unknown) =>
  new ApiError(400, code, message, details);

/** Fixed messages for framework errors: theirs can echo the request body (a JSON parse error does). */
const FRAMEWORK_MESSAGES: Record<number, [string, string]> = {
  400: ["bad_request", "the request could not be read"],
  401: ["unauthorized", "sign in required"],
  403: ["forbidden", "not allowed"],
  404: ["not_found", "not found"],
  405: ["method_not_allowed", "method not allowed"],
  406: ["not_acceptable", "not acceptable"],
  413: ["payload_too_large", "the request body is too large"],
  415: ["unsupported_media_type", "unsupported content type"],
  429: ["rate_limited", "too many requests; try again shortly"],
};

function send(reply: FastifyReply, status: number, body: ErrorBody) {
  return reply.code(status).type("application/json; charset=utf-8").send(body);
}

/**
 * Installs the error and not-found handlers so that validation (zod), auth, missing records,
 * conflicts, rate limits and unexpected failures all answer `{ error: { code, message, details? } }`.
 * Unexpected errors are logged with the request id and route only: no body, no SQL detail, no PHI.
 */
export function installErrorHandling(app: FastifyInstance, logger: Logger): void {
  app.setErrorHandler((err: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    if (hasZodFastifySchemaValidationErrors(err)) {
      const issues = err.validation.map((v) => ({
        in: err.validationContext ?? "request",
        path: v.instancePath.replace(/^\//, "").replaceAll("/", "."),
        message: v.message ?? "invalid",
      }));
      return send(reply, 400, {
        error: { code: "validation_failed", message: "the request is invalid", details: { issues } },
      });
    }
    if (err instanceof ApiError) {
      const body: ErrorBody = { error: { code: err.code, message: err.message } };
      if (err.details !== undefined) body.error.details = err.details;
      return send(reply, err.statusCode, body);
    }
    const status = typeof err.statusCode === "number" ? err.statusCode : 500;
    const known = FRAMEWORK_MESSAGES[status];
    if (status < 500 && known !== undefined) {
      return send(reply, status, { error: { code: known[0], message: known[1] } });
    }
    logger.error(
      {
        reqId: request.id,
        route: request.routeOptions.url,
        method: request.method,
        errName: err.name,
        errCode: err.code,
        stack: err.stack,
      },
      "unexpected error",
    );
    return send(reply, 500, { error: { code: "internal", message: "something went wrong" } });
  });
  app.setNotFoundHandler((_request, reply) =>
    send(reply, 404, { error: { code: "not_found", message: "not found" } }),
  );
}

/** The error responses every authenticated route may give, for the OpenAPI document. */
export const ERROR_RESPONSES = {
  400: ErrorBody,
  401: ErrorBody,
  403: ErrorBody,
  404: ErrorBody,
  409: ErrorBody,
  429: ErrorBody,
  500: ErrorBody,
} as const;
