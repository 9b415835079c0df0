import { STATUS_CODES } from "node:http";
import { type Duplex, Stream } from "node:stream";
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

/** Any other client error the framework raises (408, 414, 431...): a fixed answer, the status kept. */
const OTHER_CLIENT_ERROR: [string, string] = ["bad_request", "the request could not be read"];

function send(reply: FastifyReply, status: number, body: ErrorBody) {
  return reply.code(status).type("application/json; charset=utf-8").send(body);
}

/** A parsed JSON object, query string or path parameters; not a body streamed to its handler (a CSV upload). */
const isParsedObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !(value instanceof Stream) && !ArrayBuffer.isView(value);

/** Whether a parsed value (query, params, JSON body) holds a NUL character in any string or key. */
export function containsNul(value: unknown): boolean {
  // An explicit stack: a deeply nested JSON body must not overflow the call stack.
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const next = pending.pop();
    if (typeof next === "string") {
      if (next.includes("\u0000")) return true;
    } else if (Array.isArray(next)) {
      for (const item of next) pending.push(item);
    } else if (isParsedObject(next)) {
      for (const [key, item] of Object.entries(next)) {
        if (key.includes("\u0000")) return true;
        pending.push(item);
      }
    }
  }
  return false;
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
    if (status >= 400 && status < 500) {
      const [code, message] = FRAMEWORK_MESSAGES[status] ?? OTHER_CLIENT_ERROR;
      return send(reply, status, { error: { code, message } });
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

/**
 * 400 for a NUL character anywhere in the query, the path parameters or a JSON body: PostgreSQL
 * cannot store one in text, and no field of ours has a use for it. Checked after authentication,
 * before validation, so no handler sees one.
 */
export function installNulCheck(app: FastifyInstance): void {
  app.addHook("preValidation", async (request) => {
    if (containsNul(request.query) || containsNul(request.params) || containsNul(request.body)) {
      throw new ApiError(400, "bad_request", "the request contains a NUL character");
    }
  });
}

/** What an answer sent outside the hooks (framework and client errors) carries besides its body. */
const BARE_ERROR_HEADERS = {
  "cache-control": "no-store",
  "x-content-type-options": "nosniff",
  "content-security-policy": "default-src 'none'; frame-ancestors 'none'",
  "referrer-policy": "no-referrer",
} as const;

/**
 * fastify's `frameworkErrors`: a URL the router cannot decode (bad percent-encoding), a path
 * parameter too long. Fastify's own answer names the path; ours is fixed and in the one shape.
 */
export function answerFrameworkError(err: FastifyError, _request: FastifyRequest, reply: FastifyReply) {
  const status = err.code === "FST_ERR_MAX_PARAM_LENGTH" ? 414 : 400;
  return send(reply.headers(BARE_ERROR_HEADERS), status, {
    error: { code: OTHER_CLIENT_ERROR[0], message: OTHER_CLIENT_ERROR[1] },
  });
}

/**
 * fastify's `clientErrorHandler`: HTTP the server cannot parse at all (a malformed header line, a
 * header block too large, a request too slow). Answered in the one shape on the raw socket, then closed.
 */
export function answerClientError(err: NodeJS.ErrnoException, socket: Duplex): void {
  if (err.code === "ECONNRESET" || socket.destroyed) return;
  const status =
    err.code === "ERR_HTTP_REQUEST_TIMEOUT" ? 408 : err.code === "HPE_HEADER_OVERFLOW" ? 431 : 400;
  const body = JSON.stringify({ error: { code: OTHER_CLIENT_ERROR[0], message: OTHER_CLIENT_ERROR[1] } });
  if (socket.writable) {
    const headers = Object.entries({
      ...BARE_ERROR_HEADERS,
      "content-type": "application/json; charset=utf-8",
      "content-length": String(Buffer.byteLength(body)),
      connection: "close",
    }).map(([name, value]) => `${name}: ${value}\r\n`);
    socket.write(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n${headers.join("")}\r\n${body}`);
  }
  socket.destroy(err);
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
